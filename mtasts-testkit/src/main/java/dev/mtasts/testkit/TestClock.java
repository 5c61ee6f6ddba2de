package dev.mtasts.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} a test sets and moves by hand, for the library's injected clocks: cache expiry,
 * back-off, certificate validity, report days. Thread-safe; always UTC.
 *
 * <pre>{@code
 * TestClock clock = new TestClock(Instant.parse("2026-11-28T12:00:00Z"));
 * PolicyResolver resolver = PolicyResolver.builder(discoverer).store(store).clock(clock).build();
 * clock.advance(Duration.ofMinutes(6));   // past the fetch back-off
 * }</pre>
 */
public final class TestClock extends Clock {
  private volatile Instant now;

  /**
   * Creates a clock standing at an instant.
   *
   * @param start the instant
   */
  public TestClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves the clock forward (or back, with a negative duration).
   *
   * @param duration how far
   */
  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  /**
   * Sets the clock to an instant.
   *
   * @param instant the new time
   */
  public void set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
