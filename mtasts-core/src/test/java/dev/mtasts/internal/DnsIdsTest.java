package dev.mtasts.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The DNS-ID rule shared by the MX certificate check and the policy host check. The same rules are
 * tested on real certificates in the testkit's {@code CertificateVerifierTest}.
 */
class DnsIdsTest {
  private static final String HOST = "mta-sts.example.com";

  @Test
  void exactNamesMatchIgnoringCaseAndOneTrailingDot() {
    assertTrue(DnsIds.matches("mta-sts.example.com", HOST));
    assertTrue(DnsIds.matches("MTA-STS.Example.COM", HOST));
    assertTrue(DnsIds.matches("mta-sts.example.com.", HOST));
    assertFalse(DnsIds.matches("mta-sts.example.com..", HOST));
    assertFalse(DnsIds.matches("mta-sts.example.com.evil", HOST));
    assertFalse(DnsIds.matches("example.com", HOST));
    assertFalse(DnsIds.matches("", HOST));
  }

  @Test
  void aWildcardIsTheWholeLeftMostLabelForExactlyOneLabel() {
    assertTrue(DnsIds.matches("*.example.com", HOST));
    assertTrue(DnsIds.matches("*.EXAMPLE.com", HOST));
    assertFalse(DnsIds.matches("*.example.com", "example.com"));
    assertFalse(DnsIds.matches("*.example.com", "a.mta-sts.example.com"));
    assertFalse(DnsIds.matches("*.mta-sts.example.com", HOST));
    assertFalse(DnsIds.matches("*.com", "example.com"));
    assertFalse(DnsIds.matches("*", "com"));
    assertFalse(DnsIds.matches("*.", HOST));
  }

  @Test
  void partialAndInnerWildcardsNeverMatch() {
    assertFalse(DnsIds.matches("mta*.example.com", HOST));
    assertFalse(DnsIds.matches("*sts.example.com", HOST));
    assertFalse(DnsIds.matches("m*s.example.com", HOST));
    assertFalse(DnsIds.matches("mta-sts.*.com", HOST));
    assertFalse(DnsIds.matches("*.*.com", HOST));
    assertFalse(DnsIds.matches("**.example.com", HOST));
  }

  @Test
  void presentedNamesMustBeAscii() {
    String host = HostNames.normalize("mta-sts.b\u00fccher.example");
    assertTrue(DnsIds.matches("mta-sts.xn--bcher-kva.example", host));
    assertFalse(DnsIds.matches("mta-sts.b\u00fccher.example", host));
    assertFalse(DnsIds.matches("*.b\u00fccher.example", host));
  }
}
