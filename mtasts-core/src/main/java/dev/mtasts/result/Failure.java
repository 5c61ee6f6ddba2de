package dev.mtasts.result;

import dev.mtasts.internal.ReceivedPolicy;
import dev.mtasts.policy.Problem;
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

  /**
   * Builds the reportable failure of a policy fetch. Its reason code is the result type's token,
   * except for an invalid policy, where it is the parser's first error ({@code line N: message}).
   *
   * @param resultType the fetch's result type
   * @param detail what went wrong, for people; safe to log
   * @param problems for an invalid policy, the parser's errors; otherwise empty
   * @param receivedPolicy for an invalid policy, its lines as received; otherwise empty
   * @return the failure
   */
  public static Failure policyFetch(ResultType resultType, String detail, List<Problem> problems,
      List<String> receivedPolicy) {
    String code = resultType == ResultType.STS_POLICY_INVALID && !problems.isEmpty()
        ? ReceivedPolicy.reasonCode(problems.get(0))
        : resultType.token();
    return new Failure(resultType, code, detail,
        resultType == ResultType.STS_POLICY_INVALID ? receivedPolicy : List.of());
  }
}
