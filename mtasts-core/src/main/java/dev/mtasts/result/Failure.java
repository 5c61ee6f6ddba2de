package dev.mtasts.result;

import java.util.List;
import java.util.Objects;

/**
 * Why an MX host failed MTA-STS validation, or why no policy could be had, as a TLS-RPT report
 * states it (RFC 8460 section 4.3).
 *
 * @param resultType the result type
 * @param failureReasonCode a short code for the {@code failure-reason-code} field, such as {@code
 *     mx-not-in-policy} or {@code tls-version}
 * @param detail what failed, for people; safe to log
 * @param receivedPolicy for a policy that was fetched but is invalid ({@link
 *     ResultType#STS_POLICY_INVALID}), its lines as received, bounded in number and length: the
 *     report's {@code policy-string} (RFC 8460 section 4.4); otherwise empty. Attacker-controlled
 *     text: escape it before logging it.
 */
public record Failure(ResultType resultType, String failureReasonCode, String detail,
    List<String> receivedPolicy) {
  /**
   * Creates a failure; the list is copied.
   *
   * @param resultType the result type
   * @param failureReasonCode a short code for the {@code failure-reason-code} field, such as {@code
   *     mx-not-in-policy} or {@code tls-version}
   * @param detail what failed, for people; safe to log
   * @param receivedPolicy for a policy that was fetched but is invalid ({@link
   *     ResultType#STS_POLICY_INVALID}), its lines as received, bounded in number and length: the
   *     report's {@code policy-string} (RFC 8460 section 4.4); otherwise empty. Attacker-controlled
   *     text: escape it before logging it.
   */
  public Failure {
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(failureReasonCode, "failureReasonCode");
    Objects.requireNonNull(detail, "detail");
    receivedPolicy = List.copyOf(receivedPolicy);
  }

  /**
   * Creates a failure without received policy lines.
   *
   * @param resultType the result type
   * @param failureReasonCode a short code for the {@code failure-reason-code} field
   * @param detail what failed, for people; safe to log
   */
  public Failure(ResultType resultType, String failureReasonCode, String detail) {
    this(resultType, failureReasonCode, detail, List.of());
  }
}
