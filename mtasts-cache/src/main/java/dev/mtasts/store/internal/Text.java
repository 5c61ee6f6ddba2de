package dev.mtasts.store.internal;

/** Makes untrusted text (file names, stored bytes) safe to put in a message or a log line. */
public final class Text {
  private static final int MAX_QUOTED = 120;

  private Text() {}

  /**
   * Quotes a string: printable ASCII is kept, anything else escaped, and long input shortened.
   *
   * @param s the string
   * @return the string in double quotes
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8).append('"');
    int n = Math.min(s.length(), MAX_QUOTED);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append(c);
      } else if (c < 0x100) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    if (s.length() > n) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
