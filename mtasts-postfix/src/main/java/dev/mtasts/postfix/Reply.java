package dev.mtasts.postfix;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One socketmap reply (Postfix {@code socketmap_table(5)}): {@code OK <value>}, {@code NOTFOUND },
 * {@code TEMP <reason>} or {@code PERM <reason>}.
 *
 * @param kind the status word
 * @param text the value of {@code OK}, the reason of {@code TEMP} and {@code PERM}; empty for
 *     {@code NOTFOUND}
 */
public record Reply(Kind kind, String text) {

  /** The largest reply Postfix reads (socketmap_table(5): 100000 bytes). */
  public static final int MAX_REPLY_BYTES = 100_000;

  /** The {@code NOTFOUND } reply. */
  public static final Reply NOT_FOUND = new Reply(Kind.NOTFOUND, "");

  /** The status word of a reply. */
  public enum Kind {
    /** The key has a value: the TLS policy. */
    OK,
    /** The key has no value: Postfix uses its default TLS security level. */
    NOTFOUND,
    /** A temporary error: Postfix defers the mail ("policy table lookup error"). */
    TEMP,
    /** A permanent error in the request or the configuration. */
    PERM
  }

  /**
   * Checks the parts.
   *
   * @param kind the status word
   * @param text the value or reason
   */
  public Reply {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    if (kind == Kind.NOTFOUND && !text.isEmpty()) {
      throw new IllegalArgumentException("NOTFOUND carries no text");
    }
  }

  /**
   * An {@code OK} reply.
   *
   * @param value the policy, e.g. {@code secure match=mx.example.com servername=hostname}
   * @return the reply
   */
  public static Reply ok(String value) {
    return new Reply(Kind.OK, value);
  }

  /**
   * A {@code TEMP} reply.
   *
   * @param reason why, for Postfix's log
   * @return the reply
   */
  public static Reply temp(String reason) {
    return new Reply(Kind.TEMP, reason);
  }

  /**
   * A {@code PERM} reply.
   *
   * @param reason why, for Postfix's log
   * @return the reply
   */
  public static Reply perm(String reason) {
    return new Reply(Kind.PERM, reason);
  }

  /**
   * The reply as it goes on the wire, inside the netstring: the status word, one space and the
   * text ({@code NOTFOUND } keeps its trailing space).
   *
   * @return the reply text
   */
  public String wire() {
    return kind.name() + " " + text;
  }

  /**
   * The reply as UTF-8 bytes, inside the netstring.
   *
   * @return the bytes
   */
  public byte[] bytes() {
    return wire().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return wire();
  }
}
