package dev.mtasts.cli;

import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.Resolution;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtasts resolve}: what the policy cache decides for a domain, and why. */
@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Show which MTA-STS policy a sender applies to a domain now, and why.",
    description = {
      "Resolve the policy of DOMAIN as a sending MTA does (RFC 8461 section 5.1), through the policy"
          + " cache: the _mta-sts TXT record of a cached policy is checked when its check is due"
          + " (always, the first time a run sees it) and the policy fetched when its id changed;"
          + " resolve waits for that check, at most twice --timeout (the TXT lookup and the fetch"
          + " each get --timeout), and otherwise prints the cached policy. A cached policy stays in"
          + " force when DNS or HTTPS fail. A fetched policy is stored in the cache.",
      "",
      "With --json, one JSON object on one line:",
      "  domain      the policy domain (A-labels)",
      "  source      cached | cached-id-confirmed | cached-despite-failure | fetched | no-policy"
          + " | temporary-failure | policy-failure",
      "  status      enforce | testing | none | no-policy | temporary-failure | policy-failure",
      "  id, mode, max_age, mx, fetched_at, expires_at   when a policy applies",
      "  detail      why no policy applies (when none does)",
      "  failure     {result_type, reason_code, detail} of a failed refresh or fetch, if any",
      "",
      "The exit code is 0 whenever the domain was resolved, whatever the outcome."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the domain was resolved, whatever the outcome (no policy and failures included)",
      "2:usage error, or the policy store or the --trust-pem file could not be read",
      "3:internal error (please report it)"
    })
final class ResolveCommand implements Callable<Integer> {
  private final Io io;

  @Mixin NetworkOptions network = new NetworkOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--json", description = "Print one JSON object on one line.")
  boolean json;

  @Parameters(paramLabel = "DOMAIN", description = "The recipient (policy) domain.")
  String domain;

  ResolveCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    return CacheCommand.withResolver(io, network, store, (resolver, net) -> {
      // Wait for a due id check rather than end the run (and the check) with the cached answer.
      Duration bound = net.timeout().multipliedBy(2);
      Resolution r;
      try {
        r = resolver.lookupCheckedAsync(domain).get(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        r = resolver.lookup(domain);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ExitCodes.USAGE_OR_IO;
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
      print(io, r, json);
      return ExitCodes.OK;
    });
  }

  static void print(Io io, Resolution r, boolean json) {
    if (json) {
      io.println(CacheOutput.resolutionJson(r));
    } else {
      CacheOutput.resolutionHuman(r).forEach(io::println);
    }
  }

  /** Builds the one-shot resolver of a command run: no proactive refresh. */
  static PolicyResolver resolver(NetworkOptions.Network network, PolicyStore s) {
    return PolicyResolver.builder(network.discoverer()).store(s).proactiveRefresh(Duration.ZERO).build();
  }
}
