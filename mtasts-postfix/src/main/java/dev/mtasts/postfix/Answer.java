package dev.mtasts.postfix;

import java.util.Objects;

/**
 * The reply to one key and what it rests on.
 *
 * @param reply the socketmap reply
 * @param outcome what the lookup found, a fixed word for logs and metrics: {@code enforce},
 *     {@code testing}, {@code none}, {@code no-policy}, {@code unavailable}, {@code parent-key},
 *     {@code address}, {@code not-a-domain}, {@code timeout}, {@code too-large}
 * @param detail why, for a log line (safe to log)
 */
public record Answer(Reply reply, String outcome, String detail) {
  /**
   * Checks the parts.
   *
   * @param reply the reply
   * @param outcome the outcome word
   * @param detail the detail
   */
  public Answer {
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }
}
