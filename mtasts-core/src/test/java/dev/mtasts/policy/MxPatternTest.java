package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MxPatternTest {

  @Test
  void valueIsLowerCase() {
    MxPattern p = MxPattern.of("*.MX.Example.COM");
    assertEquals("*.mx.example.com", p.value());
    assertEquals("*.mx.example.com", p.toString());
    assertEquals(MxPattern.of("*.mx.example.com"), p);
  }

  @Test
  void isWildcard() {
    assertTrue(MxPattern.of("*.example.com").isWildcard());
    assertFalse(MxPattern.of("mail.example.com").isWildcard());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*", "*.", ".", "**.example.com", "*x.example.com", "x*.example.com",
      "a.*.example.com", "*.*.example.com", "mail.example.com.", ".example.com", "a..example.com",
      "mail_1.example.com", "-a.example.com", "a-.example.com", "bücher.example", "a b.example.com",
      "[192.0.2.1]", "2001:db8::1", "mail.example.com:25", " mail.example.com", "mail.example.com ",
      "mail.example.com\u0000"})
  void rejectsInvalidPatterns(String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MxPattern.of(value));
    assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.getMessage());
  }

  @Test
  void rejectsNull() {
    assertThrows(NullPointerException.class, () -> MxPattern.of(null));
  }

  @Test
  void labelAndNameLengthLimits() {
    MxPattern.of("a".repeat(63) + ".example");
    assertThrows(IllegalArgumentException.class, () -> MxPattern.of("a".repeat(64) + ".example"));
    String name253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
    assertEquals(253, MxPattern.of(name253).value().length());
    assertThrows(IllegalArgumentException.class, () -> MxPattern.of(name253 + "d"));
  }

  @Test
  void exactPatternMatchesOnlyThatName() {
    MxPattern p = MxPattern.of("mail.example.com");
    assertTrue(p.matches("mail.example.com"));
    assertTrue(p.matches("MAIL.EXAMPLE.COM."));
    assertFalse(p.matches("a.mail.example.com"));
    assertFalse(p.matches("example.com"));
    assertFalse(p.matches("mailxexample.com"));
    assertFalse(p.matches("mail.example.co"));
    assertFalse(p.matches("mail.example.comm"));
  }

  @Test
  void wildcardMatchesExactlyOneLeftMostLabel() {
    MxPattern p = MxPattern.of("*.example.com");
    assertTrue(p.matches("a.example.com"));
    assertTrue(p.matches("xn--bcher-kva.example.com"));
    assertFalse(p.matches("example.com"));
    assertFalse(p.matches("a.b.example.com"));
    assertFalse(p.matches(".example.com"));
    assertFalse(p.matches("aexample.com"));
    assertFalse(p.matches("a.example.com.evil"));
    assertFalse(p.matches("a.xexample.com"));
  }

  @Test
  void convertsUlabelHostsToAlabels() {
    assertTrue(MxPattern.of("mx.xn--bcher-kva.example").matches("mx.bücher.example"));
    assertTrue(MxPattern.of("*.xn--bcher-kva.example").matches("MX.BÜCHER.example."));
    assertFalse(MxPattern.of("mx.bucher.example").matches("mx.bücher.example"));
  }

  @Test
  void garbageNeverMatchesAndNeverThrows() {
    MxPattern wildcard = MxPattern.of("*.example.com");
    MxPattern exact = MxPattern.of("a.example.com");
    List<String> garbage = List.of("", ".", "..", "a b.example.com", "a..example.com",
        "_a.example.com", "a_.example.com", "*.example.com", "a.example.com..", "\u0000",
        "a.example.com\u0000", "\uD800.example.com", "a\u200B.example.com", "ａ.example.com",
        "a。example。com", "a".repeat(64) + ".example.com", "x".repeat(10_000) + ".example.com",
        "[a.example.com]", "a.example.com ", " a.example.com", "a.example.com:25");
    for (String host : garbage) {
      assertFalse(wildcard.matches(host), host);
      assertFalse(exact.matches(host), host);
    }
  }

  @Test
  void matchesAgreesWithPolicyPermits() {
    List<String> hosts = List.of("a.example.com", "b.a.example.com", "example.com", "A.EXAMPLE.COM.",
        "bücher.example.com", "a b.example.com", "");
    for (String pattern : List.of("*.example.com", "a.example.com", "example.com")) {
      MxPattern p = MxPattern.of(pattern);
      Policy policy = Policy.of(Mode.TESTING, Duration.ofDays(1), List.of(p));
      for (String h : hosts) {
        assertEquals(p.matches(h), policy.permits(h), pattern + " / " + h);
      }
    }
  }
}
