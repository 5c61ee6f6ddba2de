package dev.mtasts.dns;

import dev.mtasts.internal.Futures;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The DNS lookups MTA-STS needs. Implementations are thread-safe. The futures they return complete
 * with a {@link DnsResult} for every DNS outcome, failures included; they complete exceptionally only
 * for programming errors.
 */
public interface DnsClient {

  /**
   * Looks up the TXT records of a name, following CNAMEs.
   *
   * @param name an absolute or relative DNS name, for example {@code "_mta-sts.example.com"}
   * @return the records, each with its character-strings joined without spaces; bytes outside US-ASCII
   *     are kept as the characters U+0080 to U+00FF so that a parser sees them as they were
   */
  CompletableFuture<DnsResult<List<String>>> txtAsync(String name);

  /**
   * Looks up the MX records of a domain, following CNAMEs. NODATA is answered as an {@link
   * MxRecords.Implicit} MX (the result is then an {@link DnsResult.Answer}); a single {@code 0 .}
   * record as {@link MxRecords.NullMx}.
   *
   * @param domain the domain
   * @return where mail for the domain goes
   */
  CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain);

  /**
   * Blocking form of {@link #txtAsync(String)}.
   *
   * @param name the DNS name
   * @return the records
   */
  default DnsResult<List<String>> txt(String name) {
    return Futures.join(txtAsync(name));
  }

  /**
   * Blocking form of {@link #mxAsync(String)}.
   *
   * @param domain the domain
   * @return where mail for the domain goes
   */
  default DnsResult<MxRecords> mx(String domain) {
    return Futures.join(mxAsync(domain));
  }

}
