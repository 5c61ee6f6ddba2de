package dev.mtasts.postfix.internal;

/** Escapes client-controlled text for logs: printable ASCII as is, anything else as \xNN. */
public final class Escape {
  /** How many characters of client text a log line quotes at most. */
  public static final int MAX = 80;

  private Escape() {}

  /**
   * Quotes text for a log line.
   *
   * @param s the text
   * @return the text in single quotes, escaped and cut after {@value #MAX} characters
   */
  public static String quote(CharSequence s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX) + 8).append('\'');
    int n = Math.min(s.length(), MAX);
    for (int i = 0; i < n; i++) {
      append(sb, s.charAt(i));
    }
    if (s.length() > MAX) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /**
   * Quotes bytes for a log line.
   *
   * @param b the bytes
   * @param from the first one
   * @param to one past the last one
   * @return the bytes in single quotes, escaped and cut after {@value #MAX} bytes
   */
  public static String quote(byte[] b, int from, int to) {
    StringBuilder sb = new StringBuilder(Math.min(to - from, MAX) + 8).append('\'');
    int n = Math.min(to - from, MAX);
    for (int i = from; i < from + n; i++) {
      append(sb, (char) (b[i] & 0xff));
    }
    if (to - from > MAX) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  private static void append(StringBuilder sb, char c) {
    if (c == '\\' || c == '\'') {
      sb.append('\\').append(c);
    } else if (c >= 0x20 && c < 0x7f) {
      sb.append(c);
    } else if (c <= 0xff) {
      sb.append(String.format("\\x%02x", (int) c));
    } else {
      sb.append(String.format("\\u%04x", (int) c));
    }
  }
}
