package dev.mtasts.tlsrpt;

import dev.mtasts.dns.DnsResult;
import dev.mtasts.policy.Problem;
import java.util.List;
import java.util.Objects;

/** The outcome of looking up the {@code _smtp._tls} TXT record of a policy domain. */
public sealed interface TlsRptLookup
    permits TlsRptLookup.Found, TlsRptLookup.NotFound, TlsRptLookup.Failed {

  /**
   * Returns the policy domain.
   *
   * @return lower-case A-labels
   */
  String domain();

  /**
   * The domain publishes exactly one valid TLS-RPT record.
   *
   * @param domain the policy domain
   * @param record the record
   * @param warnings tolerated problems of the answer (skipped URIs among them)
   */
  record Found(String domain, TlsRptRecord record, List<Problem> warnings) implements TlsRptLookup {
    /**
     * Creates the outcome; the list is copied.
     *
     * @param domain the policy domain
     * @param record the record
     * @param warnings tolerated problems of the answer (skipped URIs among them)
     */
    public Found {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(record, "record");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The domain does not implement TLS-RPT: no such name, no TXT records, or no single valid TLS-RPT
   * record among them.
   *
   * @param domain the policy domain
   * @param detail what was found, for people; safe to log
   * @param problems the parser's errors and warnings, when there was an answer to parse
   */
  record NotFound(String domain, String detail, List<Problem> problems) implements TlsRptLookup {
    /**
     * Creates the outcome; the list is copied.
     *
     * @param domain the policy domain
     * @param detail what was found, for people; safe to log
     * @param problems the parser's errors and warnings, when there was an answer to parse
     */
    public NotFound {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(detail, "detail");
      problems = List.copyOf(problems);
    }
  }

  /**
   * The lookup failed temporarily; try again later.
   *
   * @param domain the policy domain
   * @param reason the kind of DNS failure
   * @param detail what happened, for people; safe to log
   */
  record Failed(String domain, DnsResult.Reason reason, String detail) implements TlsRptLookup {
    /**
     * Creates the outcome.
     *
     * @param domain the policy domain
     * @param reason the kind of DNS failure
     * @param detail what happened, for people; safe to log
     */
    public Failed {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
