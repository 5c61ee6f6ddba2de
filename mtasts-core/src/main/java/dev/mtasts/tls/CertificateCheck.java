package dev.mtasts.tls;

import dev.mtasts.result.ResultType;
import java.util.Objects;

/** The outcome of checking an MX host's TLS session against RFC 8461 section 4.2. */
public sealed interface CertificateCheck permits CertificateCheck.Passed, CertificateCheck.Failed {

  /**
   * Tells whether the check passed.
   *
   * @return {@code true} for {@link Passed}
   */
  default boolean passed() {
    return this instanceof Passed;
  }

  /** The certificate is trusted, current and names the MX host, over TLS 1.2 or newer. */
  record Passed() implements CertificateCheck {}

  /**
   * The check failed.
   *
   * @param resultType the RFC 8460 result type
   * @param failureReasonCode a short code for the TLS-RPT {@code failure-reason-code}, such as {@code
   *     tls-version} or {@code certificate-not-yet-valid}
   * @param detail what failed, for people; safe to log
   */
  record Failed(ResultType resultType, String failureReasonCode, String detail)
      implements CertificateCheck {
    /** Creates a failure. */
    public Failed {
      Objects.requireNonNull(resultType, "resultType");
      Objects.requireNonNull(failureReasonCode, "failureReasonCode");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
