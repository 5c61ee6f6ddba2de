package dev.mtasts.tlsrpt;

import java.util.concurrent.CompletableFuture;

/**
 * Hands a report email to the MTA for submission. DKIM signing and submission belong to the MTA, so
 * the library builds the complete message and the MTA sends it; see {@link TlsRptEmail} for what the
 * MTA must do with it.
 */
@FunctionalInterface
public interface TlsRptMailer {
  /**
   * Submits one report email.
   *
   * @param email the message and its envelope
   * @return completes normally once the MTA accepted the message (queued it), exceptionally when it
   *     did not; the report is then retried
   */
  CompletableFuture<Void> send(TlsRptEmail email);
}
