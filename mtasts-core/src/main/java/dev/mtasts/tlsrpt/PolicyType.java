package dev.mtasts.tlsrpt;

import java.util.Optional;

/** The {@code policy-type} of an applied policy in a TLS-RPT report (RFC 8460 section 4.4). */
public enum PolicyType {
  /** An MTA-STS policy, also one that could not be fetched or was invalid (docs/decisions.md, decision 11). */
  STS("sts"),
  /** A DANE TLSA policy. */
  TLSA("tlsa"),
  /** Neither an MTA-STS nor a DANE policy was found (also an MTA-STS policy in mode none). */
  NO_POLICY_FOUND("no-policy-found");

  private final String token;

  PolicyType(String token) {
    this.token = token;
  }

  /**
   * Returns the value as written in a report.
   *
   * @return for example {@code "no-policy-found"}
   */
  public String token() {
    return token;
  }

  /**
   * Looks up a policy type by its report token.
   *
   * @param token for example {@code "sts"}
   * @return the type, or empty for an unknown token
   */
  public static Optional<PolicyType> fromToken(String token) {
    for (PolicyType type : values()) {
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
