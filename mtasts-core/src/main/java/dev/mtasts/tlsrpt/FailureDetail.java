package dev.mtasts.tlsrpt;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code failure-details} entry of a TLS-RPT report (RFC 8460 section 4.4).
 *
 * @param failure what failed, where
 * @param failedSessionCount how many sessions failed so
 * @param additionalInformation the {@code additional-information} URI, if the reporter publishes one
 */
public record FailureDetail(SessionFailure failure, long failedSessionCount,
    Optional<URI> additionalInformation) {
  /**
   * Creates an entry.
   *
   * @param failure what failed, where
   * @param failedSessionCount how many sessions failed so
   * @param additionalInformation the {@code additional-information} URI, if the reporter publishes
   *     one
   * @throws IllegalArgumentException when the count is negative
   */
  public FailureDetail {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(additionalInformation, "additionalInformation");
    if (failedSessionCount < 0) {
      throw new IllegalArgumentException("failedSessionCount must not be negative");
    }
  }
}
