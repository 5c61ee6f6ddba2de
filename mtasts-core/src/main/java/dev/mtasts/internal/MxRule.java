package dev.mtasts.internal;

/**
 * MX host matching, RFC 8461 section 4.1: the one implementation of the rule, behind both {@link
 * dev.mtasts.policy.MxPattern#matches(String)} and {@link dev.mtasts.policy.Policy#permits(String)}.
 *
 * <blockquote>Matching is identical to the rules given in [RFC6125], with the restriction that the
 * wildcard character '*' may only be used to match the entire left-most label in the presented
 * identifier. Thus, the mx pattern "*.example.com" matches "mail.example.com" but not "example.com"
 * or "foo.bar.example.com".</blockquote>
 *
 * <p>Labels are compared ignoring ASCII case (RFC 6125 section 6.4.1). How the host is prepared
 * (trailing root dot, U-labels, invalid names) is docs/decisions.md, decision 19.
 */
public final class MxRule {
  private MxRule() {}

  /**
   * Tells whether an MX host matches one pattern.
   *
   * @param pattern a valid pattern in lower case ({@link dev.mtasts.policy.MxPattern#value()})
   * @param mxHost the host name from the MX record, any case, with or without a trailing dot
   * @return {@code true} when the host matches
   */
  public static boolean matches(String pattern, String mxHost) {
    String host = HostNames.matchable(mxHost);
    return host != null && matches(pattern, 0, pattern.length(), host, nameLength(host));
  }

  /**
   * The length of a host name without its trailing root dot, which is not part of the name.
   *
   * @param host a host name from {@link HostNames#matchable(String)}
   * @return its length without a trailing dot
   */
  static int nameLength(String host) {
    return host.endsWith(".") ? host.length() - 1 : host.length();
  }

  /**
   * The rule. The pattern is the region {@code [start, start + length)} of {@code text}, so that the
   * patterns of a policy can stay packed in one string ({@link MxList}).
   *
   * @param text the lower-case text holding the pattern
   * @param start where the pattern starts
   * @param length its length
   * @param host a valid ASCII host name, any case, perhaps with a trailing root dot ({@link
   *     HostNames#matchable(String)})
   * @param hostLength its length without that dot ({@link #nameLength(String)})
   * @return {@code true} when the host matches the pattern
   */
  static boolean matches(String text, int start, int length, String host, int hostLength) {
    if (text.charAt(start) != '*') {
      // "mail.example.com" matches that name only.
      return equalIgnoringCase(host, 0, hostLength, text, start, length);
    }
    // "*.example.com": the '*' stands for the host's whole first label, which must not be empty,
    // and the rest of the host, from its first dot, must be ".example.com".
    int firstDot = host.indexOf('.');
    return firstDot > 0
        && equalIgnoringCase(host, firstDot, hostLength - firstDot, text, start + 1, length - 1);
  }

  /**
   * Compares {@code length} characters of the host from {@code hostFrom} with {@code patternLength}
   * characters of the lower-case pattern text from {@code patternFrom}, ignoring ASCII case.
   */
  private static boolean equalIgnoringCase(String host, int hostFrom, int length, String text,
      int patternFrom, int patternLength) {
    if (length != patternLength) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      int c = host.charAt(hostFrom + i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != text.charAt(patternFrom + i)) {
        return false;
      }
    }
    return true;
  }
}
