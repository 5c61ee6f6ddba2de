package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MxPattern} and {@link Policy#permits(String)} against {@link MxReference}, on hosts that
 * are derived from the patterns by near-miss changes.
 */
class MxPatternPropertiesTest {

  /** A change that turns a matching host into a near miss (or leaves it matching). */
  enum Change {
    NONE, EXTRA_LABEL, MISSING_LABEL, UPPER_CASE, TRAILING_DOT, EMPTY_LABEL, LEADING_DOT,
    OTHER_LAST_LABEL, ODD_CHARACTER, HYPHEN_EDGE, LONG_LABEL, LONG_NAME, U_LABEL, STAR_LABEL
  }

  /** A change with what it needs: a position and a label. */
  record Mutation(Change change, int at, String label) {
    String apply(String host) {
      return switch (change) {
        case NONE -> host;
        case EXTRA_LABEL -> label + "." + host;
        case MISSING_LABEL -> host.substring(host.indexOf('.') + 1);
        case UPPER_CASE -> upperFrom(host, at);
        case TRAILING_DOT -> host + ".";
        case EMPTY_LABEL -> insertAtDot(host, at, ".");
        case LEADING_DOT -> "." + host;
        case OTHER_LAST_LABEL -> host.substring(0, host.lastIndexOf('.') + 1) + label;
        case ODD_CHARACTER -> insert(host, at, ODD.charAt(at % ODD.length()));
        case HYPHEN_EDGE -> at % 2 == 0 ? "-" + host : insertAtDot(host, at, "-");
        case LONG_LABEL -> "a".repeat(63 + at % 2) + "." + host;
        case LONG_NAME -> padTo(host, 250 + at % 8);
        case U_LABEL -> host.contains("xn--bcher-kva")
            ? host.replace("xn--bcher-kva", at % 2 == 0 ? "b\u00fccher" : "B\u00dcCHER")
            : "b\u00fccher." + host;
        case STAR_LABEL -> "*." + host.substring(host.indexOf('.') + 1);
      };
    }
  }

  /** Characters that are not allowed in host names, some of them outside ASCII or the BMP. */
  private static final String ODD = "_ *\t\u0000/@\u00e9\u3002\ud800\u00ad\u212a\ud83d\ude00";

  @Test
  void matchesAgreesWithTheReferenceModel() {
    int[] matched = new int[2];
    Tries.run("matchesAgreesWithTheReferenceModel", 1500, r -> {
      String pattern = patternText(r);
      String host = host(pattern, mutations(r));
      boolean expected = MxReference.matches(pattern, host);
      assertEquals(expected, MxPattern.of(pattern).matches(host),
          () -> "pattern " + pattern + ", host " + ParseChecks.escape(host));
      matched[expected ? 1 : 0]++;
    });
    Tries.assertShare("a match", matched[1], 1500, 15);
    Tries.assertShare("no match", matched[0], 1500, 15);
  }

  @Test
  void permitsIsTrueExactlyWhenOnePatternMatches() {
    int[] permitted = new int[2];
    Tries.run("permitsIsTrueExactlyWhenOnePatternMatches", 500, r -> {
      List<String> patterns = patternList(r);
      List<Mutation> mutations = mutations(r);
      int which = r.nextInt(5);
      String host = host(patterns.get(which % patterns.size()), mutations);
      boolean expected = patterns.stream().anyMatch(p -> MxReference.matches(p, host));
      Policy policy = Policy.of(Mode.ENFORCE, Duration.ofDays(7),
          patterns.stream().map(MxPattern::of).toList());
      assertEquals(expected, policy.permits(host),
          () -> "patterns " + patterns + ", host " + ParseChecks.escape(host));
      permitted[expected ? 1 : 0]++;
    });
    Tries.assertShare("permitted", permitted[1], 500, 15);
    Tries.assertShare("not permitted", permitted[0], 500, 15);
  }

  @Test
  void aPatternMatchesItsInstancesButNotItsNeighbours() {
    Tries.run("aPatternMatchesItsInstancesButNotItsNeighbours", 300, r -> {
      String pattern = patternText(r);
      String label = PolicyGenerators.label(r);
      MxPattern mx = MxPattern.of(pattern);
      String lower = pattern.toLowerCase(Locale.ROOT);
      if (mx.isWildcard()) {
        String suffix = lower.substring(2);
        String instance = label + "." + suffix;
        Tries.assume(instance.length() + label.length() + 1 <= 253);
        assertTrue(mx.matches(instance), instance);
        assertTrue(mx.matches(instance.toUpperCase(Locale.ROOT) + "."), instance);
        assertFalse(mx.matches(suffix), suffix);
        assertFalse(mx.matches(label + "." + instance), instance);
        assertFalse(mx.matches("." + suffix), suffix);
        assertFalse(mx.matches("*." + suffix), suffix);
        assertFalse(mx.matches(pattern), pattern);
      } else {
        Tries.assume(lower.length() + label.length() + 1 <= 253);
        assertTrue(mx.matches(pattern), pattern);
        assertTrue(mx.matches(lower.toUpperCase(Locale.ROOT)), pattern);
        assertTrue(mx.matches(pattern + "."), pattern);
        assertFalse(mx.matches(pattern + ".."), pattern);
        assertFalse(mx.matches(label + "." + pattern), pattern);
        assertFalse(mx.matches("." + pattern), pattern);
      }
    });
  }

  /** Names and patterns of about 253 characters, the longest a host name may be. */
  @Test
  void namesAroundTheLengthLimit() {
    int[] matched = new int[2];
    Tries.run("namesAroundTheLengthLimit", 300, r -> {
      int length = 240 + r.nextInt(19);
      boolean wildcard = r.nextBoolean();
      int left = 1 + r.nextInt(3);
      boolean trailingDot = r.nextBoolean();
      boolean upperCase = r.nextBoolean();
      String domain = domainOfLength(length);
      String text = wildcard ? "*." + domain : domain;
      if (!MxReference.validPattern(text)) {
        assertThrows(IllegalArgumentException.class, () -> MxPattern.of(text), text);
        return;
      }
      String host = (wildcard ? "x".repeat(left) + "." + domain : domain) + (trailingDot ? "." : "");
      String h = upperCase ? host.toUpperCase(Locale.ROOT) : host;
      boolean expected = MxReference.matches(text, h);
      assertEquals(expected, MxPattern.of(text).matches(h), h);
      assertEquals(expected,
          Policy.of(Mode.TESTING, Duration.ZERO, List.of(MxPattern.of(text))).permits(h), h);
      matched[expected ? 1 : 0]++;
    });
    // Shares of the names that make valid patterns, as the matching is checked for those.
    int checked = matched[0] + matched[1];
    Tries.assertShare("a match", matched[1], checked, 15);
    Tries.assertShare("no match", matched[0], checked, 3);
  }

  @Test
  void patternSyntaxAgreesWithTheReferenceModel() {
    int[] valid = new int[2];
    Tries.run("patternSyntaxAgreesWithTheReferenceModel", 1000, r -> {
      String text = patternLikeText(r);
      boolean ok = MxReference.validPattern(text);
      if (ok) {
        MxPattern mx = MxPattern.of(text);
        assertEquals(text.toLowerCase(Locale.ROOT), mx.value());
        assertEquals(text.startsWith("*."), mx.isWildcard());
      } else {
        assertThrows(IllegalArgumentException.class, () -> MxPattern.of(text),
            () -> ParseChecks.escape(text));
      }
      valid[ok ? 1 : 0]++;
    });
    Tries.assertShare("a valid pattern", valid[1], 1000, 15);
    Tries.assertShare("an invalid pattern", valid[0], 1000, 15);
  }

  @Test
  void matchingNeverThrowsOnArbitraryHosts() {
    Tries.run("matchingNeverThrowsOnArbitraryHosts", 300, r -> {
      String pattern = patternText(r);
      String host = Tries.anyString(r, 80);
      boolean expected = MxReference.matches(pattern, host);
      assertEquals(expected, MxPattern.of(pattern).matches(host), () -> ParseChecks.escape(host));
    });
  }

  /** Valid patterns, with some letters in upper case. */
  private static String patternText(Random r) {
    String pattern = PolicyGenerators.pattern(r);
    int from = -20 + r.nextInt(321);
    return from < 0 ? pattern : upperFrom(pattern, from);
  }

  private static List<String> patternList(Random r) {
    int n = 1 + r.nextInt(5);
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(patternText(r));
    }
    return list;
  }

  /** No change (one in four), one change (two in four), or two or three. */
  private static List<Mutation> mutations(Random r) {
    int n = switch (Tries.weighted(r, 1, 2, 1)) {
      case 0 -> 0;
      case 1 -> 1;
      default -> 2 + r.nextInt(2);
    };
    List<Mutation> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new Mutation(Tries.oneOf(r, List.of(Change.values())), r.nextInt(301),
          PolicyGenerators.label(r)));
    }
    return list;
  }

  /** Valid patterns and near-miss texts that are not. */
  private static String patternLikeText(Random r) {
    if (Tries.weighted(r, 1, 4) == 0) {
      return Tries.oneOf(r, ODD_PATTERNS);
    }
    String s = patternText(r);
    for (Mutation m : mutations(r)) {
      s = m.apply(s);
    }
    return s;
  }

  private static final List<String> ODD_PATTERNS = List.of(
      "", "*", "*.", "*..", "**.example.com", "*example.com", "*x.example.com", "x.*.example.com",
      "example.*", ".example.com", "example.com.", "*.example.com.", "ex_ample.com", "-a.com",
      "a-.com", "b\u00fccher.example", "xn--bcher-kva.example", "1.2.3.4", "*.com", "a..b",
      "*.-a.com", "exa mple.com", "\tmx.example.com", "MX.EXAMPLE.COM", "*.*.example.com");

  /** A host that matches the pattern, changed by the mutations. */
  private static String host(String pattern, List<Mutation> mutations) {
    String host = pattern.startsWith("*.") ? "mx" + pattern.substring(1) : pattern;
    for (Mutation m : mutations) {
      host = m.apply(host);
    }
    return host;
  }

  private static String upperFrom(String s, int from) {
    int at = Math.min(from, s.length());
    return s.substring(0, at) + s.substring(at).toUpperCase(Locale.ROOT);
  }

  private static String insert(String s, int at, char c) {
    int i = at % (s.length() + 1);
    return s.substring(0, i) + c + s.substring(i);
  }

  /** Inserts text after one of the dots of {@code s}, or at its end when it has none. */
  private static String insertAtDot(String s, int at, String text) {
    int dots = (int) s.chars().filter(c -> c == '.').count();
    if (dots == 0) {
      return s + text;
    }
    int n = at % dots;
    int i = -1;
    for (int k = 0; k <= n; k++) {
      i = s.indexOf('.', i + 1);
    }
    return s.substring(0, i + 1) + text + s.substring(i + 1);
  }

  /** A valid-looking domain of exactly {@code length} characters (labels of up to 61). */
  private static String domainOfLength(int length) {
    int full = (length - 1) / 61;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < full; i++) {
      sb.append(String.valueOf((char) ('a' + i)).repeat(60)).append('.');
    }
    return sb.append("z".repeat(length - 61 * full)).toString();
  }

  /** Prepends labels until the name has about {@code length} characters. */
  private static String padTo(String host, int length) {
    StringBuilder sb = new StringBuilder(host);
    while (sb.length() < length) {
      int room = length - sb.length() - 1;
      sb.insert(0, "a".repeat(Math.max(1, Math.min(room, 63))) + ".");
    }
    return sb.toString();
  }
}
