package dev.mtasts.decision;

import java.util.List;

/**
 * Hears every verdict a {@link PolicyLookup} gives, for reporting (TLS-RPT) and metrics. Called once
 * per verdict on the MTA's thread; implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface VerdictListener {
  /** A listener that does nothing. */
  VerdictListener NONE = event -> {};

  /**
   * Called once per verdict.
   *
   * @param event the verdict with its lookup, MX host, session details and the failure seen
   */
  void onVerdict(VerdictEvent event);

  /**
   * Returns a listener that calls the given listeners in turn.
   *
   * @param listeners the listeners, called in this order
   * @return the combined listener ({@link #NONE} for none, the listener itself for one)
   */
  static VerdictListener all(List<VerdictListener> listeners) {
    List<VerdictListener> copy = List.copyOf(listeners);
    if (copy.isEmpty()) {
      return NONE;
    }
    if (copy.size() == 1) {
      return copy.get(0);
    }
    return event -> {
      for (VerdictListener listener : copy) {
        listener.onVerdict(event);
      }
    };
  }
}
