package dev.mtasts.policy;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * A deliberately naive model of RFC 8461 section 4.1 MX matching and of the {@code mx} value syntax,
 * written for clarity rather than speed, to check {@link MxPattern} against.
 */
final class MxReference {
  private MxReference() {}

  /** {@code ["*."] Domain}: ASCII only, labels of 1 to 63 letters, digits and inner hyphens. */
  static boolean validPattern(String pattern) {
    if (!isAscii(pattern)) {
      return false;
    }
    return pattern.startsWith("*.") ? validDomain(pattern.substring(2)) : validDomain(pattern);
  }

  /**
   * Matches a host against a (valid) pattern: U-labels to A-labels, one trailing dot dropped, an
   * invalid host never matches, both sides lower-cased, a wildcard stands for one whole left label.
   */
  static boolean matches(String pattern, String host) {
    Optional<String> normal = normalizeHost(host);
    if (normal.isEmpty()) {
      return false;
    }
    String h = normal.get();
    String p = pattern.toLowerCase(Locale.ROOT);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      if (dot < 0) {
        return false;
      }
      String left = h.substring(0, dot);
      String rest = h.substring(dot + 1);
      return !left.isEmpty() && rest.equals(p.substring(2));
    }
    return h.equals(p);
  }

  /** The host in lower-case A-label form without a trailing dot, or empty when it is not valid. */
  static Optional<String> normalizeHost(String host) {
    String h = host;
    if (!isAscii(h)) {
      try {
        h = IDN.toASCII(h, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      // Only real U-labels count: each converted label must convert back to the label given, so
      // look-alikes that IDNA maps (fullwidth letters, U+3002 as a dot, soft hyphens) never match.
      String given = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
      String ascii = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
      String[] in = given.split("\\.", -1);
      String[] out = ascii.split("\\.", -1);
      if (in.length != out.length) {
        return Optional.empty();
      }
      for (int i = 0; i < in.length; i++) {
        String back = IDN.toUnicode(out[i], IDN.USE_STD3_ASCII_RULES);
        if (!back.equalsIgnoreCase(in[i]) && !out[i].equalsIgnoreCase(in[i])) {
          return Optional.empty();
        }
      }
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return validDomain(h) ? Optional.of(h.toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /** RFC 5321 {@code Domain} with the RFC 1035 length limits, as plain string operations. */
  static boolean validDomain(String d) {
    if (d.isEmpty() || d.length() > 253 || !isAscii(d)) {
      return false;
    }
    for (String label : d.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (char c : label.toCharArray()) {
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        boolean digit = c >= '0' && c <= '9';
        if (!letter && !digit && c != '-') {
          return false;
        }
      }
    }
    return true;
  }

  static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }
}
