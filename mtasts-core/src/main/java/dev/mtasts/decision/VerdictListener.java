package dev.mtasts.decision;

/**
 * Receives every verdict a {@link PolicyLookup} gives, for reporting (TLS-RPT) and metrics. Called on
 * the MTA's thread; implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface VerdictListener {
  /** A listener that does nothing. */
  VerdictListener NONE = (lookup, mxHost, verdict) -> {};

  /**
   * Called once per verdict.
   *
   * @param lookup the lookup that gave the verdict
   * @param mxHost the MX host it is about
   * @param verdict the verdict
   */
  void onVerdict(PolicyLookup lookup, String mxHost, Verdict verdict);
}
