package dev.mtasts.cli;

import dev.mtasts.tlsrpt.PolicyType;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of one received TLS-RPT report (RFC 8460 section 4.4) that {@code mtasts report} totals.
 *
 * @param organizationName the reporting organisation
 * @param contactInfo the reporter's contact, as given
 * @param reportId the report id, as given
 * @param start the start of the period
 * @param end the end of the period, not before {@code start}
 * @param policies the {@code policies} entries, in report order
 */
record ReceivedReport(String organizationName, String contactInfo, String reportId, Instant start,
    Instant end, List<Entry> policies) {

  ReceivedReport {
    policies = List.copyOf(policies);
  }

  /**
   * One {@code policies} entry.
   *
   * @param policyDomain the policy domain, lower-case A-labels
   * @param policyType the policy type
   * @param successful {@code total-successful-session-count}
   * @param failed {@code total-failure-session-count}
   * @param failures the {@code failure-details}, in report order
   */
  record Entry(String policyDomain, PolicyType policyType, long successful, long failed,
      List<Failure> failures) {
    Entry {
      failures = List.copyOf(failures);
    }
  }

  /**
   * One {@code failure-details} entry.
   *
   * @param resultType the result type token: one of {@link dev.mtasts.result.ResultType}, or a
   *     later registered one
   * @param receivingMx the {@code receiving-mx-hostname}, lower case without a trailing dot, or
   *     {@code null} when the entry has none
   * @param count {@code failed-session-count}
   */
  record Failure(String resultType, @Nullable String receivingMx, long count) {}
}
