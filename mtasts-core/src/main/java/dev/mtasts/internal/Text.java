package dev.mtasts.internal;

/** Quoting of untrusted text for messages and logs. */
public final class Text {
  /** How many characters of untrusted input a message quotes at most. */
  public static final int MAX_QUOTED = 64;

  private Text() {}

  /**
   * Quotes untrusted text for a message: in single quotes, with backslash, quote, control and
   * non-ASCII characters escaped, and cut after {@value #MAX_QUOTED} characters.
   *
   * @param s the untrusted text
   * @return the quoted text, safe to log
   */
  public static String quote(CharSequence s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8).append('\'');
    int n = Math.min(s.length(), MAX_QUOTED);
    for (int i = 0; i < n; i++) {
      appendEscaped(sb, s.charAt(i));
    }
    if (s.length() > MAX_QUOTED) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /**
   * Quotes untrusted bytes for a message, as {@link #quote(CharSequence)} does: printable ASCII as it
   * is, everything else as {@code \xNN}.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to one past the last byte
   * @return the quoted text, safe to log
   */
  public static String quote(byte[] b, int from, int to) {
    int n = Math.min(to - from, MAX_QUOTED);
    StringBuilder sb = new StringBuilder(n + 8).append('\'');
    for (int i = from; i < from + n; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x80) {
        hex(sb, c);
      } else {
        appendEscaped(sb, (char) c);
      }
    }
    if (to - from > MAX_QUOTED) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /**
   * Describes one character for a message, e.g. {@code "'a'"}, {@code "NUL (0x00)"}.
   *
   * @param c the character
   * @return a short description, safe to log
   */
  public static String describe(int c) {
    return switch (c) {
      case 0 -> "NUL (0x00)";
      case '\t' -> "tab (0x09)";
      case '\r' -> "carriage return (0x0D)";
      case '\n' -> "line feed (0x0A)";
      case ' ' -> "space";
      case 0x7f -> "DEL (0x7F)";
      default -> {
        if (c < 0x20) {
          yield String.format("control character 0x%02X", c);
        } else if (c < 0x7f) {
          yield "'" + (char) c + "'";
        } else {
          yield String.format("U+%04X", c);
        }
      }
    };
  }

  private static void appendEscaped(StringBuilder sb, char c) {
    if (c == '\\' || c == '\'') {
      sb.append('\\').append(c);
    } else if (c >= 0x20 && c < 0x7f) {
      sb.append(c);
    } else if (c < 0x80) {
      hex(sb, c);
    } else {
      sb.append(String.format("\\u%04X", (int) c));
    }
  }

  private static void hex(StringBuilder sb, int c) {
    sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
  }
}
