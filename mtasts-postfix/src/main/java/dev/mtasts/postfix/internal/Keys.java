package dev.mtasts.postfix.internal;

import java.util.Locale;

/**
 * What a socketmap key names. Postfix asks {@code smtp_tls_policy_maps} for the next-hop domain
 * ({@code example.com}), for an explicit next hop ({@code [mx.example.com]:25}), and after a
 * {@code NOTFOUND} for each parent domain with a leading dot ({@code .example.com}); keys may also
 * be address literals. Only a domain is ever looked up.
 */
public final class Keys {
  private Keys() {}

  /** The kinds of key. */
  public enum Kind {
    /** A domain name to look up (not yet validated as a host name). */
    DOMAIN,
    /** A parent-domain key {@code .example.com}: answered {@code NOTFOUND} at once. */
    PARENT,
    /** An IPv4 or IPv6 address literal: no MTA-STS policy, answered {@code NOTFOUND} at once. */
    ADDRESS,
    /** Empty or otherwise no name: answered {@code NOTFOUND} at once. */
    EMPTY
  }

  /**
   * A classified key.
   *
   * @param kind what the key is
   * @param domain the normalised domain for {@link Kind#DOMAIN}, otherwise the key as given
   */
  public record Key(Kind kind, String domain) {}

  /**
   * Classifies and normalises a key: brackets and a {@code :port} are removed, letters lowered and
   * one trailing dot dropped.
   *
   * @param key the key as Postfix sent it
   * @return the classified key
   */
  public static Key classify(String key) {
    String k = key;
    boolean bracketed = false;
    if (k.startsWith("[")) {
      int close = k.indexOf(']');
      if (close < 0) {
        return new Key(Kind.EMPTY, key);
      }
      String rest = k.substring(close + 1);
      if (!rest.isEmpty() && !isPort(rest)) {
        return new Key(Kind.EMPTY, key);
      }
      k = k.substring(1, close);
      bracketed = true;
    } else {
      int colon = k.indexOf(':');
      if (colon >= 0) {
        if (colon == k.lastIndexOf(':') && isPort(k.substring(colon))) {
          k = k.substring(0, colon);
        } else {
          // Two or more colons: an IPv6 address written without brackets.
          return new Key(Kind.ADDRESS, key);
        }
      }
    }
    String lower = k.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ipv6:") || (bracketed && lower.indexOf(':') >= 0)) {
      return new Key(Kind.ADDRESS, key);
    }
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    if (lower.isEmpty()) {
      return new Key(Kind.EMPTY, key);
    }
    if (lower.startsWith(".")) {
      return new Key(Kind.PARENT, key);
    }
    if (isIpv4(lower)) {
      return new Key(Kind.ADDRESS, key);
    }
    return new Key(Kind.DOMAIN, lower);
  }

  private static boolean isPort(String s) {
    if (s.length() < 2 || s.length() > 6 || s.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Four dot-separated decimal numbers of one to three digits, each at most 255. */
  private static boolean isIpv4(String s) {
    int parts = 0;
    int digits = 0;
    int value = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || value > 255 || ++parts > 4) {
          return false;
        }
        digits = 0;
        value = 0;
      } else if (c >= '0' && c <= '9' && digits < 3) {
        value = value * 10 + (c - '0');
        digits++;
      } else {
        return false;
      }
    }
    return parts == 4;
  }
}
