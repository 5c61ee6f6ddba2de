package dev.mtasts.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Shared {@link Duration} values for {@code max_age}: policies almost always use whole hours, and a
 * cache of many policies then shares one object per value instead of holding one each.
 */
public final class Durations {
  private static final int MAX_HOURS = 8766; // 31557600 seconds
  private static final AtomicReferenceArray<Duration> HOURS = new AtomicReferenceArray<>(MAX_HOURS + 1);

  private Durations() {}

  /**
   * Returns a duration of whole seconds, shared when it is a whole number of hours within the
   * {@code max_age} limit.
   *
   * @param seconds the seconds
   * @return the duration
   */
  public static Duration ofSeconds(long seconds) {
    if (seconds % 3600 != 0 || seconds < 0 || seconds / 3600 > MAX_HOURS) {
      return Duration.ofSeconds(seconds);
    }
    int hours = (int) (seconds / 3600);
    Duration d = HOURS.get(hours);
    if (d == null) {
      d = Duration.ofSeconds(seconds);
      HOURS.compareAndSet(hours, null, d);
    }
    return d;
  }
}
