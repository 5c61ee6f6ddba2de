package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostNameTest {
  private static final String NAME_253 =
      String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));

  @ParameterizedTest
  @CsvSource({
    "mx.example.com, mx.example.com",
    "MX1.Example.COM., mx1.example.com",
    "localhost, localhost",
    "bücher.example, xn--bcher-kva.example",
    "MX.BÜCHER.EXAMPLE., mx.xn--bcher-kva.example",
    "xn--bcher-kva.bücher.example, xn--bcher-kva.xn--bcher-kva.example",
    "192.0.2.1, 192.0.2.1"
  })
  void parseNormalises(String given, String normal) {
    assertEquals(Optional.of(new HostName(normal)), HostName.parse(given));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "mx.example.com..", "a..b", ".a.b", "a b.example",
      "_dmarc.example", "a_b.example", "-a.example", "a-.example", "*.example.com", "[192.0.2.1]",
      "a.example:25", "a\u0000.example", "mail\u200B.example.com", "ｍａｉｌ.example.com",
      "mail。example。com", "straße.example", "bü cher.example", "\uD800.example"})
  void parseRejectsNonHostNames(String given) {
    assertEquals(Optional.empty(), HostName.parse(given));
  }

  @Test
  void lengthLimits() {
    assertEquals(253, HostName.parse(NAME_253).orElseThrow().value().length());
    assertEquals(NAME_253, HostName.parse(NAME_253 + ".").orElseThrow().value());
    assertEquals(Optional.empty(), HostName.parse(NAME_253 + "d"));
    assertTrue(HostName.parse("a".repeat(63) + ".example").isPresent());
    assertEquals(Optional.empty(), HostName.parse("a".repeat(64) + ".example"));
  }

  @Test
  void constructorAcceptsOnlyNormalForm() {
    assertEquals("mx.example.com", new HostName("mx.example.com").value());
    assertEquals("mx.example.com", new HostName("mx.example.com").toString());
    for (String bad : new String[] {"MX.example.com", "mx.example.com.", "bücher.example", "",
        "a..b", "a_b.example", NAME_253 + "d"}) {
      assertThrows(IllegalArgumentException.class, () -> new HostName(bad), bad);
    }
    assertThrows(NullPointerException.class, () -> new HostName(null));
  }

  @Test
  void parseOfTheNormalFormIsTheSameName() {
    for (String s : new String[] {"Mail.Example.Net.", "bücher.example", "xn--bcher-kva.example"}) {
      HostName h = HostName.parse(s).orElseThrow();
      assertEquals(Optional.of(h), HostName.parse(h.value()));
    }
  }
}
