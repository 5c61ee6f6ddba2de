package dev.mtasts.internal;

/** Syntax of a policy {@code mx} value: {@code ["*."] Domain} (RFC 8461 section 3.2). */
public final class MxSyntax {
  private MxSyntax() {}

  /** {@link #scan} result: the value is valid and holds no upper-case letter. */
  public static final int VALID_LOWER_CASE = 0;
  /** {@link #scan} result: the value is valid and holds upper-case letters. */
  public static final int VALID_MIXED_CASE = 1;
  /** {@link #scan} result: the value is not valid; {@link #check} says why. */
  public static final int INVALID = -1;

  /**
   * Checks an {@code mx} value.
   *
   * @param v the value as written in the policy
   * @return {@code null} when it is valid, else why not (safe to log: quotes are escaped)
   */
  public static String check(String v) {
    return scan(v) != INVALID ? null : reason(v);
  }

  /**
   * Checks an {@code mx} value in one pass, noting whether it needs lowering; {@link #check} then
   * says why an invalid one is invalid. This is the fast path for the usual, valid value.
   *
   * @param v the value as written in the policy
   * @return {@link #VALID_LOWER_CASE}, {@link #VALID_MIXED_CASE} or {@link #INVALID}
   */
  public static int scan(String v) {
    int n = v.length();
    int start = n >= 2 && v.charAt(0) == '*' && v.charAt(1) == '.' ? 2 : 0;
    if (n == start || n - start > HostNames.MAX_NAME) {
      return INVALID;
    }
    int result = VALID_LOWER_CASE;
    int labelStart = start;
    for (int i = start; i < n; i++) {
      char c = v.charAt(i);
      if (c == '.') {
        if (!labelOk(v, labelStart, i)) {
          return INVALID;
        }
        labelStart = i + 1;
      } else if (c >= 'A' && c <= 'Z') {
        result = VALID_MIXED_CASE;
      } else if (!HostNames.isLdh(c)) {
        return INVALID;
      }
    }
    return labelOk(v, labelStart, n) ? result : INVALID;
  }

  /**
   * Checks an {@code mx} value given as bytes, as {@link #scan(String)} does; a byte outside
   * US-ASCII makes it invalid.
   *
   * @param b the bytes
   * @param from the first byte of the value
   * @param to one past its last byte
   * @return {@link #VALID_LOWER_CASE}, {@link #VALID_MIXED_CASE} or {@link #INVALID}
   */
  public static int scan(byte[] b, int from, int to) {
    int n = to - from;
    int start = n >= 2 && b[from] == '*' && b[from + 1] == '.' ? from + 2 : from;
    if (to == start || to - start > HostNames.MAX_NAME) {
      return INVALID;
    }
    int result = VALID_LOWER_CASE;
    int labelStart = start;
    for (int i = start; i < to; i++) {
      byte c = b[i];
      if (c == '.') {
        if (!labelOk(b, labelStart, i)) {
          return INVALID;
        }
        labelStart = i + 1;
      } else if (c >= 'A' && c <= 'Z') {
        result = VALID_MIXED_CASE;
      } else if (!HostNames.isLdh(c)) {
        return INVALID;
      }
    }
    return labelOk(b, labelStart, to) ? result : INVALID;
  }

  private static boolean labelOk(byte[] b, int start, int end) {
    int n = end - start;
    return n > 0 && n <= HostNames.MAX_LABEL && b[start] != '-' && b[end - 1] != '-';
  }

  /**
   * Tells whether a valid pattern given as bytes looks like an IPv4 address (all labels numeric).
   *
   * @param b the bytes
   * @param from the first byte of the value
   * @param to one past its last byte
   * @return {@code true} when every label is made of digits only
   */
  public static boolean looksLikeIpAddress(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
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
