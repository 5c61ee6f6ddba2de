package dev.mtasts.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generators for host names, mx patterns and policies, shared by the property tests. */
final class PolicyGenerators {
  private static final List<String> COMMON_LABELS = List.of(
      "mx", "mx1", "mx2", "mail", "a", "b", "backup", "example", "com", "net", "org", "0", "1",
      "xn--bcher-kva", "a-b", "x1-y2");
  private static final String LABEL_CHARS = "abcxyz019-";
  private static final long MAX_AGE_LIMIT = 31_557_600L;

  private PolicyGenerators() {}

  /** A valid label: mostly a few common ones (so that hosts and patterns collide), some random. */
  static String label(Random r) {
    switch (Tries.weighted(r, 12, 6, 1)) {
      case 0:
        return Tries.oneOf(r, COMMON_LABELS);
      case 1:
        while (true) {
          int length = 1 + r.nextInt(8);
          StringBuilder sb = new StringBuilder(length);
          for (int i = 0; i < length; i++) {
            sb.append(LABEL_CHARS.charAt(r.nextInt(LABEL_CHARS.length())));
          }
          String s = sb.toString();
          if (!s.startsWith("-") && !s.endsWith("-")) {
            return s;
          }
        }
      default:
        StringBuilder sb = new StringBuilder(63);
        for (int i = 0; i < 63; i++) {
          sb.append(r.nextBoolean() ? 'a' : 'b');
        }
        return sb.toString();
    }
  }

  /** A valid domain of one to four labels, at most 253 characters. */
  static String domain(Random r) {
    while (true) {
      int n = 1 + r.nextInt(4);
      List<String> labels = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        labels.add(label(r));
      }
      String d = String.join(".", labels);
      if (d.length() <= 253) {
        return d;
      }
    }
  }

  /** A valid mx pattern in lower case: a domain (two in three) or a wildcard suffix. */
  static String pattern(Random r) {
    boolean wildcard = r.nextInt(3) == 2;
    String domain = domain(r);
    return wildcard ? "*." + domain : domain;
  }

  /** {@code min} to {@code max} valid patterns. */
  static List<MxPattern> patterns(Random r, int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    List<MxPattern> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(MxPattern.of(pattern(r)));
    }
    return list;
  }

  /** max_age values, the edges of the range (0, 1, the limit and one below) in one try of eight. */
  static long maxAge(Random r) {
    if (r.nextInt(8) == 0) {
      return Tries.oneOf(r, List.of(0L, 1L, MAX_AGE_LIMIT - 1, MAX_AGE_LIMIT));
    }
    return r.nextLong(MAX_AGE_LIMIT + 1);
  }

  /** A valid policy; in mode none it may have no mx at all. */
  static Policy policy(Random r) {
    Mode mode = Tries.oneOf(r, List.of(Mode.values()));
    long age = maxAge(r);
    return Policy.of(mode, Duration.ofSeconds(age), patterns(r, mode == Mode.NONE ? 0 : 1, 5));
  }
}
