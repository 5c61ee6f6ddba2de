package dev.mtasts.tlsrpt;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The counts of one applied policy on one UTC day, as a {@link TlsRptCollector} holds and a {@link
 * TlsRptStore} persists them.
 *
 * @param day the UTC day
 * @param result the applied policy (with its policy domain) and its counts
 */
public record DailyCounts(LocalDate day, PolicyResult result) {
  /**
   * Creates the counts.
   *
   * @param day the UTC day
   * @param result the applied policy (with its policy domain) and its counts
   */
  public DailyCounts {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(result, "result");
  }
}
