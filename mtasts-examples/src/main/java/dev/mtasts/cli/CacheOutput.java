package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.Resolution;
import dev.mtasts.result.Failure;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Output of the cache commands ({@code resolve}, {@code cache ...}), as JSON and for people. */
final class CacheOutput {
  private CacheOutput() {}

  /** The JSON token of a resolution source, e.g. {@code cached-despite-failure}. */
  static String token(Resolution.Source source) {
    return source.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The status token: the mode of an applied policy, or why none applies. */
  static String status(PolicyState state) {
    if (state instanceof PolicyState.Applied applied) {
      return applied.policy().mode().token();
    }
    if (state instanceof PolicyState.Unavailable) {
      return "temporary-failure";
    }
    return state instanceof PolicyState.PolicyFailure ? "policy-failure" : "no-policy";
  }

  /** What happened when no policy applies, for people. */
  static String detail(PolicyState state) {
    if (state instanceof PolicyState.NoPolicy none) {
      return none.detail();
    }
    if (state instanceof PolicyState.Unavailable unavailable) {
      return unavailable.detail();
    }
    return state instanceof PolicyState.PolicyFailure failed ? failed.failure().detail() : "";
  }

  static String resolutionJson(Resolution r) {
    return Json.object(g -> {
      PolicyState state = r.state();
      g.writeStringField("domain", state.domain());
      g.writeStringField("source", token(r.source()));
      g.writeStringField("status", status(state));
      if (state instanceof PolicyState.Applied applied) {
        policyFields(g, applied.id(), applied.policy(), applied.fetchedAt());
        if (applied.refreshFailure().isPresent()) {
          failure(g, applied.refreshFailure().get());
        }
      } else {
        g.writeStringField("detail", detail(state));
        if (state instanceof PolicyState.PolicyFailure failed) {
          failure(g, failed.failure());
        }
      }
    });
  }

  static String cachedJson(CachedPolicy p, Instant now, boolean withText) {
    return Json.object(g -> {
      g.writeStringField("domain", p.domain());
      policyFields(g, p.id(), p.policy(), p.fetchedAt());
      g.writeBooleanField("fresh", p.isFresh(now));
      if (withText) {
        g.writeStringField("text", p.policy().toText());
      }
    });
  }

  private static void policyFields(JsonGenerator g, String id, Policy policy, Instant fetchedAt)
      throws IOException {
    g.writeStringField("id", id);
    g.writeStringField("mode", policy.mode().token());
    g.writeNumberField("max_age", policy.maxAge().getSeconds());
    g.writeArrayFieldStart("mx");
    for (MxPattern mx : policy.mx()) {
      g.writeString(mx.value());
    }
    g.writeEndArray();
    g.writeStringField("fetched_at", fetchedAt.toString());
    g.writeStringField("expires_at", fetchedAt.plus(policy.maxAge()).toString());
  }

  private static void failure(JsonGenerator g, Failure f) throws IOException {
    g.writeObjectFieldStart("failure");
    g.writeStringField("result_type", f.resultType().token());
    g.writeStringField("reason_code", f.failureReasonCode());
    g.writeStringField("detail", f.detail());
    g.writeEndObject();
  }

  static List<String> resolutionHuman(Resolution r) {
    List<String> lines = new ArrayList<>();
    PolicyState state = r.state();
    String why = switch (r.source()) {
      case CACHED -> "served from the cache, no lookup needed";
      case CACHED_ID_CONFIRMED -> "from the cache; the TXT id was checked and is unchanged";
      case CACHED_DESPITE_FAILURE -> "from the cache, because the refresh failed"
          + " (a cached policy stays in force until it expires)";
      case FETCHED -> "fetched just now";
      case NO_POLICY -> "the domain publishes no usable MTA-STS record";
      case TEMPORARY_FAILURE -> "the TXT lookup failed and nothing is cached;"
          + " senders deliver without MTA-STS (or defer, if so configured)";
      case POLICY_FAILURE -> "the policy could not be fetched and nothing is cached;"
          + " senders deliver without MTA-STS";
      case NOT_YET_DISCOVERED -> "not discovered yet";
    };
    if (state instanceof PolicyState.Applied a) {
      lines.add(Terminal.safe(state.domain()) + ": " + a.policy().mode() + " policy, " + why);
      lines.add("  id:         " + a.id());
      lines.add("  fetched at: " + a.fetchedAt());
      lines.add("  expires at: " + a.fetchedAt().plus(a.policy().maxAge()));
      for (MxPattern mx : a.policy().mx()) {
        lines.add("  mx:         " + mx.value());
      }
      a.refreshFailure().ifPresent(f -> lines.add("  refresh failed: " + f.resultType() + ": "
          + Terminal.safe(f.detail())));
    } else {
      lines.add(Terminal.safe(state.domain()) + ": no policy applies: " + why);
      lines.add("  detail: " + Terminal.safe(detail(state)));
      if (state instanceof PolicyState.PolicyFailure failed) {
        lines.add("  result type: " + failed.failure().resultType());
      }
    }
    return lines;
  }
}
