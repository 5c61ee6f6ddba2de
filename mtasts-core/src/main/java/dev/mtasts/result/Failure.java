package dev.mtasts.result;

import java.util.Objects;

/**
 * Why an MX host failed MTA-STS validation, as a TLS-RPT report states it (RFC 8460 section 4.3).
 *
 * @param resultType the result type
 * @param failureReasonCode a short code for the {@code failure-reason-code} field, such as {@code
 *     mx-not-in-policy} or {@code tls-version}
 * @param detail what failed, for people; safe to log
 */
public record Failure(ResultType resultType, String failureReasonCode, String detail) {
  /** Creates a failure. */
  public Failure {
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(failureReasonCode, "failureReasonCode");
    Objects.requireNonNull(detail, "detail");
  }
}
