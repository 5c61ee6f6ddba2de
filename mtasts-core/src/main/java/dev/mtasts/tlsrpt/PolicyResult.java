package dev.mtasts.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@code policies} array of a TLS-RPT report (RFC 8460 section 4.4): an applied
 * policy with its session counts.
 *
 * @param policy the applied policy
 * @param totalSuccessfulSessionCount sessions that negotiated a policy-compliant TLS connection
 * @param totalFailureSessionCount sessions that failed
 * @param failureDetails the failures by kind; counts may overlap (RFC 8460 section 4)
 */
public record PolicyResult(AppliedPolicy policy, long totalSuccessfulSessionCount,
    long totalFailureSessionCount, List<FailureDetail> failureDetails) {
  /**
   * Creates an entry; the list is copied.
   *
   * @param policy the applied policy
   * @param totalSuccessfulSessionCount sessions that negotiated a policy-compliant TLS connection
   * @param totalFailureSessionCount sessions that failed
   * @param failureDetails the failures by kind; counts may overlap (RFC 8460 section 4)
   * @throws IllegalArgumentException when a count is negative
   */
  public PolicyResult {
    Objects.requireNonNull(policy, "policy");
    failureDetails = List.copyOf(failureDetails);
    if (totalSuccessfulSessionCount < 0 || totalFailureSessionCount < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}
