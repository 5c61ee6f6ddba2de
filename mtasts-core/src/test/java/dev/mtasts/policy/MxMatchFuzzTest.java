package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fuzzes {@link MxPattern} and {@link Policy#permits(String)}. The input is a pattern and a host
 * separated by the first LF, decoded as UTF-8 (seeds in {@code MxMatchFuzzTestInputs/matches/}).
 * A pattern is accepted exactly when {@link MxReference#validPattern} accepts it; then matching
 * agrees with {@link MxReference#matches}, with {@code permits} and with {@link HostName#parse}.
 */
class MxMatchFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"*.", ".", "..", "example", ".com", "xn--", "-", "_", "\\x0A", "\\xC3\\xBC"})
  void matches(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int lf = text.indexOf('\n');
    String pattern = lf < 0 ? text : text.substring(0, lf);
    String host = lf < 0 ? "" : text.substring(lf + 1);

    if (!MxReference.validPattern(pattern)) {
      assertThrows(IllegalArgumentException.class, () -> MxPattern.of(pattern));
      return;
    }
    MxPattern mx = MxPattern.of(pattern);
    assertEquals(pattern.toLowerCase(Locale.ROOT), mx.value());

    boolean matches = mx.matches(host);
    assertEquals(MxReference.matches(pattern, host), matches,
        () -> "pattern " + ParseChecks.escape(pattern) + ", host " + ParseChecks.escape(host));
    assertEquals(matches, Policy.of(Mode.ENFORCE, Duration.ofDays(1), List.of(mx)).permits(host));
    Optional<HostName> name = HostName.parse(host);
    if (matches) {
      assertTrue(name.isPresent(), () -> "matched a host that is not a host name: " + host);
    }
    name.ifPresent(n -> assertEquals(matches, mx.matches(n.value())));

    // The pattern's own instances match, and a host one label longer never does.
    String instance = mx.isWildcard() ? "x" + mx.value().substring(1) : mx.value();
    if (instance.length() <= 253) {
      assertTrue(mx.matches(instance), instance);
      assertTrue(mx.matches(instance.toUpperCase(Locale.ROOT) + "."), instance);
    }
    assertFalse(mx.matches("x." + instance), instance);
  }
}
