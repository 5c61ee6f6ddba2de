package dev.mtasts.result;

import java.util.Optional;

/**
 * The {@code result-type} values of a TLS-RPT report (RFC 8460 section 4.3): why a session or a
 * policy lookup failed. Every failure the library reports carries exactly one of these.
 */
public enum ResultType {
  /** The MX did not offer STARTTLS. */
  STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
  /** The MX certificate does not name the MX host. */
  CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
  /** The MX certificate has expired. */
  CERTIFICATE_EXPIRED("certificate-expired"),
  /** The MX certificate does not chain to a trusted root. */
  CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
  /** Any other failure; a {@code failure-reason-code} says which. */
  VALIDATION_FAILURE("validation-failure"),
  /** DANE: none of the TLSA records was valid. */
  TLSA_INVALID("tlsa-invalid"),
  /** DANE: DNSSEC validation failed. */
  DNSSEC_INVALID("dnssec-invalid"),
  /** DANE was required but no validated TLSA records were found. */
  DANE_REQUIRED("dane-required"),
  /** The MTA-STS policy could not be fetched (DNS, network, HTTP status, size, time). */
  STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
  /** The fetched MTA-STS policy is not valid. */
  STS_POLICY_INVALID("sts-policy-invalid"),
  /** The certificate of the policy host failed PKIX validation. */
  STS_WEBPKI_INVALID("sts-webpki-invalid");

  private final String token;

  ResultType(String token) {
    this.token = token;
  }

  /**
   * Returns the value as written in a report.
   *
   * @return for example {@code "sts-policy-fetch-error"}
   */
  public String token() {
    return token;
  }

  /**
   * Looks up a result type by its report token.
   *
   * @param token for example {@code "certificate-expired"}
   * @return the result type, or empty for an unknown token
   */
  public static Optional<ResultType> fromToken(String token) {
    for (ResultType type : values()) {
      if (type.token.equals(token)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return token;
  }
}
