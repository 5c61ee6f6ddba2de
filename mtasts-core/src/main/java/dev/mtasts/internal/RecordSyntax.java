package dev.mtasts.internal;

/** Token syntax of the {@code _mta-sts} TXT record (RFC 8461 section 3.1). */
public final class RecordSyntax {
  /** The longest {@code id} and extension name. */
  public static final int MAX_TOKEN = 32;

  private RecordSyntax() {}

  /**
   * Checks an {@code id} value: 1 to 32 ASCII letters and digits.
   *
   * @param id the value
   * @return {@code true} when valid
   */
  public static boolean validId(String id) {
    int n = id.length();
    if (n < 1 || n > MAX_TOKEN) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!HostNames.isAlnum(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks an extension name: a letter or digit, then up to 31 letters, digits, '_', '-' or '.'.
   *
   * @param name the name
   * @return {@code true} when valid
   */
  public static boolean validName(String name) {
    int n = name.length();
    if (n < 1 || n > MAX_TOKEN || !HostNames.isAlnum(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = name.charAt(i);
      if (!HostNames.isAlnum(c) && c != '_' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks an extension value: one or more printable ASCII characters other than '=' and ';'.
   *
   * @param value the value
   * @return {@code true} when valid
   */
  public static boolean validValue(String value) {
    int n = value.length();
    if (n < 1) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
        return false;
      }
    }
    return true;
  }
}
