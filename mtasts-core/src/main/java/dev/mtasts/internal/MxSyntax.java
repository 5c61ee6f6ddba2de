package dev.mtasts.internal;

/** Syntax of a policy {@code mx} value: {@code ["*."] Domain} (RFC 8461 section 3.2). */
public final class MxSyntax {
  private MxSyntax() {}

  /**
   * Checks an {@code mx} value.
   *
   * @param v the value as written in the policy
   * @return {@code null} when it is valid, else why not (safe to log: quotes are escaped)
   */
  public static String check(String v) {
    return isValid(v) ? null : reason(v);
  }

  /**
   * Tells in one pass whether an {@code mx} value is valid; {@link #reason} then says why not. This
   * is the fast path for the usual, valid value.
   */
  private static boolean isValid(String v) {
    int n = v.length();
    int start = n >= 2 && v.charAt(0) == '*' && v.charAt(1) == '.' ? 2 : 0;
    if (n == start || n - start > HostNames.MAX_NAME) {
      return false;
    }
    int labelStart = start;
    for (int i = start; i < n; i++) {
      char c = v.charAt(i);
      if (c == '.') {
        if (!labelOk(v, labelStart, i)) {
          return false;
        }
        labelStart = i + 1;
      } else if (!HostNames.isLdh(c)) {
        return false;
      }
    }
    return labelOk(v, labelStart, n);
  }

  private static boolean labelOk(String v, int start, int end) {
    int n = end - start;
    return n > 0 && n <= HostNames.MAX_LABEL && v.charAt(start) != '-' && v.charAt(end - 1) != '-';
  }

  /** Says why an invalid {@code mx} value is invalid, checking in the order the messages rank. */
  private static String reason(String v) {
    if (v.isEmpty()) {
      return "the value is empty";
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c >= 0x80) {
        return "it contains " + Text.describe(c)
            + "; internationalized names must be written as A-labels (punycode, xn--...)";
      }
    }
    int start = 0;
    if (v.charAt(0) == '*') {
      if (v.length() == 1 || v.charAt(1) != '.') {
        return "a wildcard must be the whole left-most label, as in *.example.com";
      }
      start = 2;
      if (start == v.length()) {
        return "a wildcard needs a domain after '*.'";
      }
    }
    if (v.charAt(v.length() - 1) == '.') {
      return "it ends with a dot; write the name without the trailing root dot";
    }
    if (v.length() - start > HostNames.MAX_NAME) {
      return "the name is longer than " + HostNames.MAX_NAME + " characters";
    }
    int labelStart = start;
    for (int i = start; i <= v.length(); i++) {
      char c = i < v.length() ? v.charAt(i) : '.';
      if (c == '.') {
        int n = i - labelStart;
        if (n == 0) {
          return "it has an empty label (two dots in a row, or a leading dot)";
        }
        if (n > HostNames.MAX_LABEL) {
          return "a label is longer than " + HostNames.MAX_LABEL + " characters";
        }
        if (v.charAt(labelStart) == '-' || v.charAt(i - 1) == '-') {
          return "a label starts or ends with a hyphen";
        }
        labelStart = i + 1;
      } else if (c == '*') {
        return "a wildcard '*' is allowed only as the whole left-most label";
      } else if (c == '_') {
        return "the underscore is not allowed in host names";
      } else if (!HostNames.isLdh(c)) {
        return "it contains " + Text.describe(c)
            + "; host names hold only letters, digits, hyphens and dots";
      }
    }
    return null;
  }

  /**
   * Tells whether a valid pattern looks like an IPv4 address (all labels numeric).
   *
   * @param v a valid {@code mx} value
   * @return {@code true} when every label is made of digits only
   */
  public static boolean looksLikeIpAddress(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }
}
