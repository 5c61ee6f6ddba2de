package dev.mtasts.james;

import java.io.IOException;

/**
 * Why an MTA-STS transport did not send to an MX host: the recipient domain's {@code enforce}
 * policy refused it (RFC 8461 section 5), or its policy could not be looked up and the server is
 * configured to defer. The transports throw it nested in a {@code MessagingException} before
 * {@code MAIL FROM}; because it is an {@link IOException}, James's {@code RemoteDelivery} tries the
 * next MX host and, when none is left, keeps the mail queued for a later attempt (a temporary
 * failure, never a bounce for this reason alone).
 */
public final class MtaStsRefusal extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the refusal.
   *
   * @param message what was refused and why; safe to log
   */
  public MtaStsRefusal(String message) {
    super(message);
  }
}
