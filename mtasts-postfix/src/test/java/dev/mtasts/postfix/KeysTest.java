package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mtasts.postfix.internal.Keys;
import dev.mtasts.postfix.internal.Keys.Kind;
import org.junit.jupiter.api.Test;

class KeysTest {
  private static void is(Kind kind, String domain, String key) {
    Keys.Key k = Keys.classify(key);
    assertEquals(kind, k.kind(), key);
    if (kind == Kind.DOMAIN) {
      assertEquals(domain, k.domain(), key);
    }
  }

  @Test
  void domainsAreNormalised() {
    is(Kind.DOMAIN, "example.com", "example.com");
    is(Kind.DOMAIN, "example.com", "Example.COM.");
    is(Kind.DOMAIN, "example.com", "[example.com]");
    is(Kind.DOMAIN, "example.com", "[example.com]:25");
    is(Kind.DOMAIN, "example.com", "example.com:587");
    is(Kind.DOMAIN, "mx.example.com", "[MX.Example.com.]:25");
  }

  @Test
  void parentKeysAddressesAndNothing() {
    is(Kind.PARENT, null, ".example.com");
    is(Kind.PARENT, null, ".com");
    is(Kind.ADDRESS, null, "192.0.2.1");
    is(Kind.ADDRESS, null, "[192.0.2.1]");
    is(Kind.ADDRESS, null, "[192.0.2.1]:25");
    is(Kind.ADDRESS, null, "[ipv6:2001:db8::1]");
    is(Kind.ADDRESS, null, "[IPv6:2001:db8::1]:25");
    is(Kind.ADDRESS, null, "[2001:db8::1]");
    is(Kind.ADDRESS, null, "2001:db8::1");
    is(Kind.EMPTY, null, "");
    is(Kind.EMPTY, null, ".");
    is(Kind.EMPTY, null, "[example.com");
    is(Kind.EMPTY, null, "[example.com]x");
    is(Kind.DOMAIN, "300.1.2.3", "300.1.2.3");
  }

  @Test
  void anIpv4AddressIsFourNumbersOfAtMostThreeDigitsUpTo255() {
    is(Kind.ADDRESS, null, "0.0.0.0");
    is(Kind.ADDRESS, null, "255.255.255.255");
    is(Kind.ADDRESS, null, "010.1.1.1");
    is(Kind.ADDRESS, null, "192.0.2.1.");
    is(Kind.DOMAIN, "256.1.1.1", "256.1.1.1");
    is(Kind.DOMAIN, "1.1.1.256", "1.1.1.256");
    is(Kind.DOMAIN, "0010.1.1.1", "0010.1.1.1");
    is(Kind.DOMAIN, "1.2.3", "1.2.3");
    is(Kind.DOMAIN, "1.2.3.4.5", "1.2.3.4.5");
    is(Kind.DOMAIN, "1..2.3", "1..2.3");
    is(Kind.DOMAIN, "1.2.3.4a", "1.2.3.4a");
    is(Kind.DOMAIN, "1.2.3.-4", "1.2.3.-4");
  }
}
