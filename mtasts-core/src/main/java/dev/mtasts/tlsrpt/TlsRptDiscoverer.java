package dev.mtasts.tlsrpt;

import dev.mtasts.internal.Futures;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Finds where a policy domain wants its TLS-RPT reports: the {@code _smtp._tls.<domain>} TXT record,
 * looked up through the same {@link DnsClient} as MTA-STS discovery. Thread-safe.
 */
public final class TlsRptDiscoverer {
  private final DnsClient dns;

  /**
   * Creates a discoverer.
   *
   * @param dns the DNS client
   */
  public TlsRptDiscoverer(DnsClient dns) {
    this.dns = Objects.requireNonNull(dns, "dns");
  }

  /**
   * Looks up and parses the TLS-RPT record of a policy domain.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the outcome; the future completes normally for every DNS outcome
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<TlsRptLookup> lookupAsync(String domain) {
    String normal = HostName.normalize(domain);
    String name = TlsRptRecord.PREFIX + normal;
    return dns.txtAsync(name).thenApply(result -> toLookup(normal, name, result));
  }

  /**
   * Blocking form of {@link #lookupAsync(String)}.
   *
   * @param domain the policy domain
   * @return the outcome
   */
  public TlsRptLookup lookup(String domain) {
    return Futures.join(lookupAsync(domain));
  }

  static TlsRptLookup toLookup(String domain, String name, DnsResult<List<String>> result) {
    if (result instanceof DnsResult.Answer<List<String>> answer) {
      ParseResult<TlsRptRecord> parsed = TlsRptRecord.parse(answer.value());
      if (parsed instanceof ParseResult.Valid<TlsRptRecord> valid) {
        return new TlsRptLookup.Found(domain, valid.get(), valid.warnings());
      }
      List<Problem> problems = new ArrayList<>(parsed.errors());
      problems.addAll(parsed.warnings());
      return new TlsRptLookup.NotFound(domain, name + " holds no usable TLS-RPT record: "
          + parsed.errors().get(0).message(), problems);
    }
    if (result instanceof DnsResult.NoSuchName) {
      return new TlsRptLookup.NotFound(domain, name + " does not exist", List.of());
    }
    if (result instanceof DnsResult.NoData) {
      return new TlsRptLookup.NotFound(domain, name + " has no TXT records", List.of());
    }
    DnsResult.TemporaryFailure<List<String>> failure = (DnsResult.TemporaryFailure<List<String>>) result;
    return new TlsRptLookup.Failed(domain, failure.reason(), failure.detail());
  }
}
