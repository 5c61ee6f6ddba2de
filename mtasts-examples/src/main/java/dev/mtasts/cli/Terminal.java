package dev.mtasts.cli;

/**
 * Makes text safe to print on a terminal: control characters (C0, DEL, C1), Unicode format
 * characters (bidirectional overrides, zero-width characters), line and paragraph separators,
 * unpaired surrogates and unassigned code points are replaced by visible escapes, so input cannot
 * move the cursor, change colours, reorder the line or hide text.
 *
 * <p>Other characters, including letters of any script, are kept. Backslashes are not escaped: the
 * result is for reading, not for parsing back.
 */
final class Terminal {
  private Terminal() {}

  /**
   * Escapes what a terminal could interpret.
   *
   * @param s text that may come from untrusted input
   * @return the text with every dangerous character written as {@code \xNN} or {@code \}{@code
   *     uNNNN}
   */
  static String safe(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && isPlainAscii(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
    while (i < n) {
      int cp = s.codePointAt(i);
      if (dangerous(cp)) {
        if (cp <= 0xff) {
          sb.append(String.format("\\x%02x", cp));
        } else if (Character.isBmpCodePoint(cp)) {
          sb.append(String.format("\\u%04X", cp));
        } else {
          sb.append(String.format("\\U%08X", cp));
        }
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  private static boolean isPlainAscii(char c) {
    return c >= 0x20 && c < 0x7f;
  }

  private static boolean dangerous(int cp) {
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return true;
    }
    if (cp < 0x7f) {
      return false;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SURROGATE:
      case Character.UNASSIGNED:
      case Character.PRIVATE_USE:
        return true;
      default:
        return false;
    }
  }
}
