package dev.mtasts.policy;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators for host names, mx patterns and policies, shared by the property tests. */
final class PolicyGenerators {
  private PolicyGenerators() {}

  /** A valid label: mostly a few common ones (so that hosts and patterns collide), some random. */
  static Arbitrary<String> label() {
    Arbitrary<String> common = Arbitraries.of(
        "mx", "mx1", "mx2", "mail", "a", "b", "backup", "example", "com", "net", "org", "0", "1",
        "xn--bcher-kva", "a-b", "x1-y2");
    Arbitrary<String> random = Arbitraries.strings()
        .withChars("abcxyz019-")
        .ofMinLength(1)
        .ofMaxLength(8)
        .filter(s -> !s.startsWith("-") && !s.endsWith("-"));
    Arbitrary<String> longest = Arbitraries.strings()
        .withChars("ab")
        .ofLength(63);
    return Arbitraries.frequencyOf(
        Tuple.of(12, common), Tuple.of(6, random), Tuple.of(1, longest));
  }

  /** A valid domain of one to four labels, at most 253 characters. */
  static Arbitrary<String> domain() {
    return label().list().ofMinSize(1).ofMaxSize(4)
        .map(labels -> String.join(".", labels))
        .filter(d -> d.length() <= 253);
  }

  /** A valid mx pattern in lower case: a domain or a wildcard suffix. */
  static Arbitrary<String> pattern() {
    return Combinators.combine(Arbitraries.of(false, false, true), domain())
        .as((wildcard, domain) -> wildcard ? "*." + domain : domain);
  }

  /** One to {@code max} valid patterns (0 allowed when {@code min} is 0). */
  static Arbitrary<List<MxPattern>> patterns(int min, int max) {
    return pattern().map(MxPattern::of).list().ofMinSize(min).ofMaxSize(max);
  }

  /** max_age values; jqwik makes the edges of the range likely. */
  static Arbitrary<Long> maxAge() {
    return Arbitraries.longs().between(0, 31_557_600L);
  }

  /** A valid policy; in mode none it may have no mx at all. */
  static Arbitrary<Policy> policy() {
    return Arbitraries.of(Mode.class).flatMap(mode -> Combinators
        .combine(maxAge(), patterns(mode == Mode.NONE ? 0 : 1, 5))
        .as((age, mx) -> Policy.of(mode, Duration.ofSeconds(age), mx)));
  }
}
