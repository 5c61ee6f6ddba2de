package dev.mtasts.discovery;

import dev.mtasts.internal.Futures;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.PolicyFetcher;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.StsRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Discovers the MTA-STS policy of a domain: the {@code _mta-sts} TXT record first, and only when it
 * holds exactly one valid STS record, the policy over HTTPS (RFC 8461 section 3).
 *
 * <p>Stateless and thread-safe; caching is the business of the caller (see {@code mtasts-cache}).
 *
 * <pre>{@code
 * PolicyDiscoverer discoverer =
 *     new PolicyDiscoverer(DnsjavaClient.system(), HttpsPolicyFetcher.builder().build());
 * Discovery outcome = discoverer.discover("example.com");
 * }</pre>
 */
public final class PolicyDiscoverer {
  private final DnsClient dns;
  private final PolicyFetcher fetcher;

  /**
   * Creates a discoverer.
   *
   * @param dns the DNS client for the TXT lookup
   * @param fetcher the policy fetcher
   */
  public PolicyDiscoverer(DnsClient dns, PolicyFetcher fetcher) {
    this.dns = Objects.requireNonNull(dns, "dns");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
  }

  /**
   * Looks up and parses the {@code _mta-sts} TXT record of a domain, without fetching the policy.
   * This is what a sender does to check whether its cached policy is current.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the outcome; the future never completes exceptionally for DNS outcomes
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  public CompletableFuture<RecordLookup> lookupRecordAsync(String domain) {
    String name = "_mta-sts." + normalize(domain);
    return dns.txtAsync(name).thenApply(result -> toRecordLookup(name, result));
  }

  /**
   * Blocking form of {@link #lookupRecordAsync(String)}.
   *
   * @param domain the policy domain
   * @return the outcome
   */
  public RecordLookup lookupRecord(String domain) {
    return Futures.join(lookupRecordAsync(domain));
  }

  /**
   * Fetches the policy of a domain over HTTPS without looking at its TXT record; for a sender that
   * has just read the record with {@link #lookupRecordAsync(String)}.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the fetch outcome; the future never completes exceptionally for HTTPS outcomes
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  public CompletableFuture<FetchResult> fetchPolicyAsync(String domain) {
    return fetcher.fetchAsync(normalize(domain));
  }

  /**
   * Discovers the policy of a domain.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the outcome; the future never completes exceptionally for DNS or HTTPS outcomes
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  public CompletableFuture<Discovery> discoverAsync(String domain) {
    String normal = normalize(domain);
    return lookupRecordAsync(normal).thenCompose(lookup -> {
      if (lookup instanceof RecordLookup.Present present) {
        return fetcher.fetchAsync(normal).thenApply(fetch -> toDiscovery(normal, present, fetch));
      }
      if (lookup instanceof RecordLookup.Absent absent) {
        return CompletableFuture.completedFuture(
            new Discovery.NoPolicy(normal, absent.reason(), absent.detail(), absent.problems()));
      }
      RecordLookup.Failed failed = (RecordLookup.Failed) lookup;
      return CompletableFuture.completedFuture(
          new Discovery.TemporaryFailure(normal, failed.reason(), failed.detail()));
    });
  }

  /**
   * Blocking form of {@link #discoverAsync(String)}.
   *
   * @param domain the policy domain
   * @return the outcome
   */
  public Discovery discover(String domain) {
    return Futures.join(discoverAsync(domain));
  }

  private static Discovery toDiscovery(String domain, RecordLookup.Present present,
      FetchResult fetch) {
    if (fetch instanceof FetchResult.Fetched fetched) {
      List<Problem> warnings = new ArrayList<>(present.warnings());
      warnings.addAll(fetched.warnings());
      return new Discovery.Found(domain, present.record(), fetched.policy(), fetched.fetchedAt(),
          warnings);
    }
    FetchResult.Failed failed = (FetchResult.Failed) fetch;
    return new Discovery.PolicyFailure(domain, present.record(), failed.resultType(),
        failed.detail(), failed.problems(), failed.receivedPolicy());
  }

  static RecordLookup toRecordLookup(String name, DnsResult<List<String>> result) {
    if (result instanceof DnsResult.Answer<List<String>> answer) {
      ParseResult<StsRecord> parsed = StsRecord.parse(answer.value());
      if (parsed instanceof ParseResult.Valid<StsRecord> valid) {
        return new RecordLookup.Present(valid.get(), answer.ttl(), valid.warnings());
      }
      List<Problem> problems = new ArrayList<>(parsed.errors());
      problems.addAll(parsed.warnings());
      Problem first = parsed.errors().get(0);
      NoPolicyReason reason = switch (first.kind()) {
        case NO_RECORD -> NoPolicyReason.NO_STS_RECORD;
        case MULTIPLE_RECORDS -> NoPolicyReason.MULTIPLE_STS_RECORDS;
        default -> answer.value().size() == 1 && !isStsRecord(answer.value().get(0))
            ? NoPolicyReason.NO_STS_RECORD
            : NoPolicyReason.INVALID_STS_RECORD;
      };
      return new RecordLookup.Absent(reason, name + ": " + first, problems);
    }
    if (result instanceof DnsResult.NoSuchName) {
      return new RecordLookup.Absent(NoPolicyReason.NO_SUCH_NAME,
          name + " does not exist (NXDOMAIN)", List.of());
    }
    if (result instanceof DnsResult.NoData) {
      return new RecordLookup.Absent(NoPolicyReason.NO_TXT_RECORD,
          name + " has no TXT records", List.of());
    }
    DnsResult.TemporaryFailure<List<String>> failure =
        (DnsResult.TemporaryFailure<List<String>>) result;
    return new RecordLookup.Failed(failure.reason(), name + ": " + failure.detail());
  }

  /**
   * Tells whether a lone record is an STS record at all: it begins with {@code v=STSv1} followed by
   * its end, a space, a tab or {@code ;}. A lone {@code v=spf1 ...} is no STS record, not an invalid
   * one.
   */
  private static boolean isStsRecord(String record) {
    String version = "v=STSv1";
    if (!record.startsWith(version)) {
      return false;
    }
    if (record.length() == version.length()) {
      return true;
    }
    char next = record.charAt(version.length());
    return next == ';' || next == ' ' || next == '\t';
  }

  private static String normalize(String domain) {
    return HostName.parse(domain)
        .orElseThrow(() -> new IllegalArgumentException("not a valid domain name"))
        .value();
  }

}
