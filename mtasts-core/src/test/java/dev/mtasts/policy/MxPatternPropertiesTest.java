package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

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

  @Property(tries = 1500)
  void matchesAgreesWithTheReferenceModel(
      @ForAll("patternTexts") String pattern, @ForAll("mutations") List<Mutation> mutations) {
    String host = host(pattern, mutations);
    boolean expected = MxReference.matches(pattern, host);
    assertEquals(expected, MxPattern.of(pattern).matches(host),
        () -> "pattern " + pattern + ", host " + ParseChecks.escape(host));
    Statistics.label("matches").collect(expected);
    Statistics.label("matches").coverage(checker -> {
      checker.check(true).percentage(p -> p >= 15);
      checker.check(false).percentage(p -> p >= 15);
    });
  }

  @Property(tries = 500)
  void permitsIsTrueExactlyWhenOnePatternMatches(
      @ForAll("patternLists") List<String> patterns,
      @ForAll("mutations") List<Mutation> mutations,
      @ForAll("indexes") int which) {
    String host = host(patterns.get(which % patterns.size()), mutations);
    boolean expected = patterns.stream().anyMatch(p -> MxReference.matches(p, host));
    Policy policy = Policy.of(Mode.ENFORCE, Duration.ofDays(7),
        patterns.stream().map(MxPattern::of).toList());
    assertEquals(expected, policy.permits(host),
        () -> "patterns " + patterns + ", host " + ParseChecks.escape(host));
    Statistics.label("permits").collect(expected);
    Statistics.label("permits").coverage(checker -> {
      checker.check(true).percentage(p -> p >= 15);
      checker.check(false).percentage(p -> p >= 15);
    });
  }

  @Property(tries = 300)
  void aPatternMatchesItsInstancesButNotItsNeighbours(
      @ForAll("patternTexts") String pattern, @ForAll("labels") String label) {
    MxPattern mx = MxPattern.of(pattern);
    String lower = pattern.toLowerCase(Locale.ROOT);
    if (mx.isWildcard()) {
      String suffix = lower.substring(2);
      String instance = label + "." + suffix;
      Assume.that(instance.length() + label.length() + 1 <= 253);
      assertTrue(mx.matches(instance), instance);
      assertTrue(mx.matches(instance.toUpperCase(Locale.ROOT) + "."), instance);
      assertFalse(mx.matches(suffix), suffix);
      assertFalse(mx.matches(label + "." + instance), instance);
      assertFalse(mx.matches("." + suffix), suffix);
      assertFalse(mx.matches("*." + suffix), suffix);
      assertFalse(mx.matches(pattern), pattern);
    } else {
      Assume.that(lower.length() + label.length() + 1 <= 253);
      assertTrue(mx.matches(pattern), pattern);
      assertTrue(mx.matches(lower.toUpperCase(Locale.ROOT)), pattern);
      assertTrue(mx.matches(pattern + "."), pattern);
      assertFalse(mx.matches(pattern + ".."), pattern);
      assertFalse(mx.matches(label + "." + pattern), pattern);
      assertFalse(mx.matches("." + pattern), pattern);
    }
  }

  /** Names and patterns of about 253 characters, the longest a host name may be. */
  @Property(tries = 300)
  void namesAroundTheLengthLimit(
      @ForAll @IntRange(min = 240, max = 258) int length,
      @ForAll boolean wildcard,
      @ForAll @IntRange(min = 1, max = 3) int left,
      @ForAll boolean trailingDot,
      @ForAll boolean upperCase) {
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
    assertEquals(expected, Policy.of(Mode.TESTING, Duration.ZERO, List.of(MxPattern.of(text))).permits(h), h);
    Statistics.label("matches").collect(expected);
    Statistics.label("matches").coverage(checker -> {
      checker.check(true).percentage(p -> p >= 15);
      checker.check(false).percentage(p -> p >= 3);
    });
  }

  @Property(tries = 1000)
  void patternSyntaxAgreesWithTheReferenceModel(@ForAll("patternLikeTexts") String text) {
    boolean valid = MxReference.validPattern(text);
    if (valid) {
      MxPattern mx = MxPattern.of(text);
      assertEquals(text.toLowerCase(Locale.ROOT), mx.value());
      assertEquals(text.startsWith("*."), mx.isWildcard());
    } else {
      assertThrows(IllegalArgumentException.class, () -> MxPattern.of(text),
          () -> ParseChecks.escape(text));
    }
    Statistics.label("valid").collect(valid);
    Statistics.label("valid").coverage(checker -> {
      checker.check(true).percentage(p -> p >= 15);
      checker.check(false).percentage(p -> p >= 15);
    });
  }

  @Property(tries = 300)
  void matchingNeverThrowsOnArbitraryHosts(@ForAll("patternTexts") String pattern, @ForAll String host) {
    boolean expected = MxReference.matches(pattern, host);
    assertEquals(expected, MxPattern.of(pattern).matches(host), () -> ParseChecks.escape(host));
  }

  @Provide
  Arbitrary<String> labels() {
    return PolicyGenerators.label();
  }

  @Provide
  Arbitrary<Integer> indexes() {
    return Arbitraries.integers().between(0, 4);
  }

  /** Valid patterns, with some letters in upper case. */
  @Provide
  Arbitrary<String> patternTexts() {
    return Combinators.combine(PolicyGenerators.pattern(), Arbitraries.integers().between(-20, 300))
        .as((pattern, from) -> from < 0 ? pattern : upperFrom(pattern, from));
  }

  @Provide
  Arbitrary<List<String>> patternLists() {
    return patternTexts().list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one = Combinators.combine(
            Arbitraries.of(Change.class), Arbitraries.integers().between(0, 300), PolicyGenerators.label())
        .as(Mutation::new);
    Arbitrary<List<Mutation>> none = Arbitraries.just(List.of());
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, none),
        net.jqwik.api.Tuple.of(2, one.list().ofSize(1)),
        net.jqwik.api.Tuple.of(1, one.list().ofMinSize(2).ofMaxSize(3)));
  }

  /** Valid patterns and near-miss texts that are not. */
  @Provide
  Arbitrary<String> patternLikeTexts() {
    Arbitrary<String> odd = Arbitraries.of(
        "", "*", "*.", "*..", "**.example.com", "*example.com", "*x.example.com", "x.*.example.com",
        "example.*", ".example.com", "example.com.", "*.example.com.", "ex_ample.com", "-a.com",
        "a-.com", "b\u00fccher.example", "xn--bcher-kva.example", "1.2.3.4", "*.com", "a..b",
        "*.-a.com", "exa mple.com", "\tmx.example.com", "MX.EXAMPLE.COM", "*.*.example.com");
    Arbitrary<String> mutated = Combinators.combine(patternTexts(), mutations())
        .as((pattern, mutations) -> {
          String s = pattern;
          for (Mutation m : mutations) {
            s = m.apply(s);
          }
          return s;
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, odd), net.jqwik.api.Tuple.of(4, mutated));
  }

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
