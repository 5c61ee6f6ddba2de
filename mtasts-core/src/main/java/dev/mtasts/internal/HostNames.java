package dev.mtasts.internal;

import java.net.IDN;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Host name syntax (RFC 5321 section 4.1.2 {@code Domain}, RFC 1035 lengths) and normalisation.
 *
 * <p>IDN conversion uses {@link IDN} (IDNA 2003 with STD3 rules). DNS hands MX names to a sender
 * already in A-label form, and RFC 8461 requires A-labels in policies, so conversion only serves
 * callers that pass U-labels; a name is accepted only when each converted label converts back to the
 * given one, so where IDNA 2003 maps characters (U+00DF, zero-width and fullwidth characters, ...)
 * the name fails to match rather than matching something else.
 */
public final class HostNames {
  /** The longest host name, in characters, without a trailing dot. */
  public static final int MAX_NAME = 253;
  /** The longest label, in characters. */
  public static final int MAX_LABEL = 63;

  /** Returned by {@link #asciiLength} for a name that holds characters outside US-ASCII. */
  public static final int NON_ASCII = -2;
  /** Returned by {@link #asciiLength} for a name that is not a valid host name. */
  public static final int INVALID = -1;

  private HostNames() {}

  /**
   * Checks the syntax of an ASCII host name, ignoring one trailing root dot.
   *
   * @param name the name to check
   * @return the length of the name without its trailing dot when it is a valid LDH host name; {@link
   *     #NON_ASCII} when it holds a non-ASCII character (and may be a U-label name); {@link #INVALID}
   *     otherwise
   */
  public static int asciiLength(String name) {
    int len = name.length();
    if (len > 0 && name.charAt(len - 1) == '.') {
      len--;
    }
    if (len == 0 || len > MAX_NAME) {
      return hasNonAscii(name) ? NON_ASCII : INVALID;
    }
    int labelStart = 0;
    for (int i = 0; i < len; i++) {
      char c = name.charAt(i);
      if (c == '.') {
        if (!labelOk(name, labelStart, i)) {
          return INVALID;
        }
        labelStart = i + 1;
      } else if (!isLdh(c)) {
        return c >= 0x80 ? NON_ASCII : (hasNonAscii(name) ? NON_ASCII : INVALID);
      }
    }
    return labelOk(name, labelStart, len) ? len : INVALID;
  }

  private static boolean labelOk(String name, int start, int end) {
    int n = end - start;
    return n > 0 && n <= MAX_LABEL && name.charAt(start) != '-' && name.charAt(end - 1) != '-';
  }

  /**
   * Tells whether a character is a letter, digit or hyphen (ASCII).
   *
   * @param c the character
   * @return {@code true} for {@code [A-Za-z0-9-]}
   */
  public static boolean isLdh(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }

  /**
   * Tells whether a character is an ASCII letter or digit.
   *
   * @param c the character
   * @return {@code true} for {@code [A-Za-z0-9]}
   */
  public static boolean isAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean hasNonAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }

  /**
   * Prepares an MX host for matching without copying it when it need not be: the name itself when
   * it is a valid ASCII host name (any case, perhaps with one trailing root dot), its lower-case
   * A-label form when it holds U-labels, or {@code null} when it is not a valid host name
   * (docs/decisions.md, decision 19).
   *
   * @param name a host name as given by a caller or by DNS
   * @return the name to match, or {@code null} when nothing may match it
   */
  public static @Nullable String matchable(String name) {
    int len = asciiLength(name);
    return len >= 0 ? name : len == NON_ASCII ? normalize(name) : null;
  }

  /**
   * Normalises a host name: one trailing dot removed, U-labels converted to A-labels, lower case.
   *
   * @param name a host name as given by a caller or by DNS
   * @return the normalised name, or {@code null} when it is not a valid host name
   */
  public static String normalize(String name) {
    int len = asciiLength(name);
    if (len >= 0) {
      return lowerAscii(name, len);
    }
    if (len == INVALID) {
      return null;
    }
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      return null;
    }
    len = asciiLength(ascii);
    if (len < 0) {
      return null;
    }
    String lower = lowerAscii(ascii, len);
    return onlyUlabelsConverted(name, lower) ? lower : null;
  }

  /**
   * Tells whether IDNA conversion did nothing but turn U-labels into A-labels (and lower the case).
   * IDNA 2003 also maps characters away (zero-width space, soft hyphen) or onto ASCII (fullwidth
   * letters, ideographic full stop); a name that needs such mapping is not a U-label name, so it must
   * not turn into, and then match, its ASCII look-alike.
   */
  private static boolean onlyUlabelsConverted(String name, String ascii) {
    String given = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    String[] in = given.split("\\.", -1);
    String[] out = ascii.split("\\.", -1);
    if (in.length != out.length) {
      return false;
    }
    for (int i = 0; i < in.length; i++) {
      String label = in[i].toLowerCase(Locale.ROOT);
      String back = hasNonAscii(label) ? IDN.toUnicode(out[i], IDN.USE_STD3_ASCII_RULES) : out[i];
      if (!back.equals(label)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the first {@code len} characters of an ASCII string in lower case, without copying when
   * they already are.
   */
  static String lowerAscii(String s, int len) {
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return s.substring(0, len).toLowerCase(Locale.ROOT);
      }
    }
    return len == s.length() ? s : s.substring(0, len);
  }
}
