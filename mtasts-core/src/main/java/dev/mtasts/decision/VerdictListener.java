package dev.mtasts.decision;

/**
 * Receives every verdict a {@link PolicyLookup} gives, for reporting (TLS-RPT) and metrics. Called on
 * the MTA's thread; implementations must be thread-safe and quick.
 *
 * <p>A listener implements {@link #onVerdict(PolicyLookup, String, Verdict)}; one that also wants the
 * session details and the failure seen under no policy overrides {@link #onVerdict(VerdictEvent)},
 * which is what the decision API calls.
 */
@FunctionalInterface
public interface VerdictListener {
  /** A listener that does nothing. */
  VerdictListener NONE = (lookup, mxHost, verdict) -> {};

  /**
   * Called once per verdict (through {@link #onVerdict(VerdictEvent)}, unless that is overridden).
   *
   * @param lookup the lookup that gave the verdict
   * @param mxHost the MX host it is about
   * @param verdict the verdict
   */
  void onVerdict(PolicyLookup lookup, String mxHost, Verdict verdict);

  /**
   * Called once per verdict with the whole event. By default it calls {@link
   * #onVerdict(PolicyLookup, String, Verdict)}.
   *
   * @param event the verdict and its context
   */
  default void onVerdict(VerdictEvent event) {
    onVerdict(event.lookup(), event.mxHost(), event.verdict());
  }

  /**
   * Returns a listener that calls two listeners in turn.
   *
   * @param first called first
   * @param second called second
   * @return the combined listener
   */
  static VerdictListener both(VerdictListener first, VerdictListener second) {
    if (first == NONE) {
      return second;
    }
    if (second == NONE) {
      return first;
    }
    return new VerdictListener() {
      @Override
      public void onVerdict(PolicyLookup lookup, String mxHost, Verdict verdict) {
        first.onVerdict(lookup, mxHost, verdict);
        second.onVerdict(lookup, mxHost, verdict);
      }

      @Override
      public void onVerdict(VerdictEvent event) {
        first.onVerdict(event);
        second.onVerdict(event);
      }
    };
  }
}
