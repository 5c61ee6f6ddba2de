package dev.mtasts.policy;

import java.util.Optional;

/** The {@code mode} of an MTA-STS policy (RFC 8461 section 3.2, section 5). */
public enum Mode {
  /** Refuse delivery to MX hosts that fail MX matching or certificate validation. */
  ENFORCE("enforce"),
  /** Deliver even when validation fails, but report the failure (TLS-RPT). */
  TESTING("testing"),
  /** The domain has no active policy; deliver as without MTA-STS. */
  NONE("none");

  private final String token;

  Mode(String token) {
    this.token = token;
  }

  /**
   * Returns the value as it is written in a policy body.
   *
   * @return {@code "enforce"}, {@code "testing"} or {@code "none"}
   */
  public String token() {
    return token;
  }

  /**
   * Looks up a mode by its policy token. The comparison is case-sensitive, as the RFC's grammar is.
   *
   * @param token the text after {@code mode:}
   * @return the mode, or empty when {@code token} is not exactly one of the three values
   */
  public static Optional<Mode> fromToken(String token) {
    for (Mode mode : values()) {
      if (mode.token.equals(token)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return token;
  }
}
