package dev.mtasts.tlsrpt;

import java.io.IOException;
import java.util.List;

/**
 * Where a {@link TlsRptCollector} keeps its counts and a {@link TlsRptReporter} its undelivered
 * reports across restarts. Each save replaces what the previous one saved. {@link FileTlsRptStore}
 * is the implementation for one MTA; implementations must be thread-safe.
 */
public interface TlsRptStore {

  /**
   * Loads the counts saved last.
   *
   * @return the counts; empty when none were saved
   * @throws IOException when the store cannot be read
   */
  List<DailyCounts> loadCounts() throws IOException;

  /**
   * Replaces the saved counts, atomically: after a crash the store holds either the old or the new
   * counts.
   *
   * @param counts all counts
   * @throws IOException when the store cannot be written
   */
  void saveCounts(List<DailyCounts> counts) throws IOException;

  /**
   * Loads the reports that were waiting for delivery.
   *
   * @return the reports; empty when none were saved
   * @throws IOException when the store cannot be read
   */
  List<PendingReport> loadPending() throws IOException;

  /**
   * Replaces the saved pending reports, atomically.
   *
   * @param pending all pending reports
   * @throws IOException when the store cannot be written
   */
  void savePending(List<PendingReport> pending) throws IOException;
}
