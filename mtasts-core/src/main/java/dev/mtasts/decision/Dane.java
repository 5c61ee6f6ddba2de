package dev.mtasts.decision;

/**
 * The DANE (RFC 7672) outcome the MTA found for an MX host, if it validates DANE itself.
 *
 * <p>Precedence (RFC 8461 section 2): a failed DANE validation is never overridden by MTA-STS, so
 * {@link #FAILED} refuses the host whatever the policy says. A passed DANE validation does not
 * replace the MTA-STS checks of an applied policy: both must pass.
 */
public enum Dane {
  /** The MTA does not use DANE for this host, or the host has no TLSA records. */
  NOT_USED,
  /** DANE validation passed. */
  PASSED,
  /** DANE validation failed. */
  FAILED
}
