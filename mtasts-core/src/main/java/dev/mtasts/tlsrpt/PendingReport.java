package dev.mtasts.tlsrpt;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A report waiting to be delivered to one {@code rua} destination, kept (and persisted by a {@link
 * TlsRptStore}) until it is delivered or its 24 hours of retries (RFC 8460 section 5.2) run out.
 *
 * @param reportId the report's id
 * @param policyDomain the policy domain the report is about
 * @param submitter the reporting domain (the domain of the report's contact address)
 * @param day the UTC day the report covers
 * @param fileName the report's file name
 * @param gzip the gzip-compressed report; not copied, do not change it
 * @param destination where to deliver it: a {@code mailto:} or {@code https:} URI
 * @param created when the report was built; retries stop 24 hours after the first attempt
 * @param nextAttempt when to try next
 * @param attempts how many attempts failed so far
 */
public record PendingReport(String reportId, String policyDomain, String submitter, LocalDate day,
    String fileName, byte[] gzip, URI destination, Instant created, Instant nextAttempt,
    int attempts) {
  /**
   * Creates a pending report.
   *
   * @param reportId the report's id
   * @param policyDomain the policy domain the report is about
   * @param submitter the reporting domain (the domain of the report's contact address)
   * @param day the UTC day the report covers
   * @param fileName the report's file name
   * @param gzip the gzip-compressed report; not copied, do not change it
   * @param destination where to deliver it: a {@code mailto:} or {@code https:} URI
   * @param created when the report was built; retries stop 24 hours after the first attempt
   * @param nextAttempt when to try next
   * @param attempts how many attempts failed so far
   */
  public PendingReport {
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(policyDomain, "policyDomain");
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(gzip, "gzip");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(nextAttempt, "nextAttempt");
  }

  /**
   * Returns this report after one more failed attempt.
   *
   * @param next when to try again
   * @return the updated report
   */
  public PendingReport failedAttempt(Instant next) {
    return new PendingReport(reportId, policyDomain, submitter, day, fileName, gzip, destination,
        created, next, attempts + 1);
  }
}
