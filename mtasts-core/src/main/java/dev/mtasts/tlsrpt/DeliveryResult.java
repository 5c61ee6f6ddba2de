package dev.mtasts.tlsrpt;

import java.util.Objects;

/**
 * The outcome of one attempt to deliver a report to one destination.
 *
 * @param delivered whether the destination accepted the report (an HTTPS 2xx, or the mailer took
 *     the message)
 * @param detail what happened, for logs
 */
public record DeliveryResult(boolean delivered, String detail) {
  /**
   * Creates an outcome.
   *
   * @param delivered whether the destination accepted the report (an HTTPS 2xx, or the mailer took
   *     the message)
   * @param detail what happened, for logs
   */
  public DeliveryResult {
    Objects.requireNonNull(detail, "detail");
  }
}
