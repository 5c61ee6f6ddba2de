package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reply table, end to end over the socket: the testkit's loopback DNS and HTTPS policy hosts,
 * the real cache and file store, a daemon on a free loopback port.
 */
class PolicyDaemonTest {
  static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.enforce.test\r\n"
      + "mx: *.mx.enforce.test\r\nmax_age: 86400\r\n";

  static TestCertificateAuthority ca;
  static LoopbackDnsServer dns;
  static Path caPem;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void servers(@TempDir Path shared) throws Exception {
    ca = TestCertificateAuthority.create();
    caPem = ca.writePem(shared.resolve("ca.pem"));
    dns = LoopbackDnsServer.start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private PolicyHost host(String domain, String body) {
    PolicyHost h = PolicyHost.start(domain, ca.issue("mta-sts." + domain)).body(body);
    open.add(h);
    dns.txt("_mta-sts." + domain, "v=STSv1; id=1");
    return h;
  }

  private PolicyDaemon daemon(PolicyHost host, Consumer<DaemonConfig.Builder> extra)
      throws Exception {
    DaemonConfig.Builder b = DaemonConfig.builder()
        .listen("127.0.0.1:0")
        .dns(dns.address().getAddress().getHostAddress() + ":" + dns.port())
        .trustPem(caPem)
        .store(dir.resolve("policies"))
        .timeout("10s")
        .policyPort(host.port());
    extra.accept(b);
    PolicyDaemon d = PolicyDaemon.start(b.build());
    open.add(d);
    return d;
  }

  private static InetSocketAddress address(PolicyDaemon d) {
    return (InetSocketAddress) d.listening().get(0).address();
  }

  private static String ask(PolicyDaemon d, String name, String key) throws Exception {
    try (SocketmapClient c = new SocketmapClient(address(d))) {
      return c.ask(name, key);
    }
  }

  @Test
  void enforceIsASecurePolicyWithTheMxPatternsAndSni() throws Exception {
    PolicyDaemon d = daemon(host("enforce.test", ENFORCE), b -> {});
    assertEquals("OK secure match=mx1.enforce.test:.mx.enforce.test servername=hostname",
        ask(d, "postfix", "enforce.test"));
  }

  @Test
  void keysAreNormalisedBeforeTheLookup() throws Exception {
    PolicyDaemon d = daemon(host("enforce.test", ENFORCE), b -> {});
    try (SocketmapClient c = new SocketmapClient(address(d))) {
      String expected = "OK secure match=mx1.enforce.test:.mx.enforce.test servername=hostname";
      assertEquals(expected, c.ask("postfix", "ENFORCE.Test."));
      assertEquals(expected, c.ask("postfix", "[enforce.test]:25"));
      assertEquals(expected, c.ask("postfix", "enforce.test:587"));
      assertEquals(expected, c.ask("postfix", "[enforce.test]"));
    }
  }

  @Test
  void testingNoneAndNoPolicyAreNotFound() throws Exception {
    PolicyDaemon d = daemon(host("testing.test", ENFORCE.replace("enforce\r\n", "testing\r\n")
        .replace("enforce.test", "testing.test")), b -> {});
    assertEquals("NOTFOUND ", ask(d, "postfix", "testing.test"));
    closeAll();
    open.clear();
    d = daemon(host("none.test", "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n"), b -> {});
    assertEquals("NOTFOUND ", ask(d, "postfix", "none.test"));
    assertEquals("NOTFOUND ", ask(d, "postfix", "nopolicy.test"));
  }

  @Test
  void strictTestingZoneAnswersTestingAsEnforce() throws Exception {
    PolicyDaemon d = daemon(host("testing.test", ENFORCE.replace("enforce\r\n", "testing\r\n")
        .replace("enforce.test", "testing.test")),
        b -> b.zone(new Zone("strict", true, true, false)));
    assertEquals("OK secure match=mx1.testing.test:.mx.testing.test servername=hostname",
        ask(d, "strict", "testing.test"));
    assertEquals("NOTFOUND ", ask(d, "postfix", "testing.test"));
    // Answers are kept per zone: asking in turn never gets the other zone's answer.
    for (int i = 0; i < 3; i++) {
      assertEquals("OK secure match=mx1.testing.test:.mx.testing.test servername=hostname",
          ask(d, "strict", "testing.test"));
      assertEquals("NOTFOUND ", ask(d, "postfix", "testing.test"));
      assertEquals("NOTFOUND ", ask(d, "other", "testing.test"));
    }
  }

  @Test
  void zonesDropSniAndAddTheTlsrptAttributes() throws Exception {
    PolicyDaemon d = daemon(host("enforce.test", ENFORCE),
        b -> b.zone(new Zone("nosni", false, false, false))
            .zone(new Zone("postfix310", false, true, true)));
    assertEquals("OK secure match=mx1.enforce.test:.mx.enforce.test",
        ask(d, "nosni", "enforce.test"));
    assertEquals("OK secure match=mx1.enforce.test:.mx.enforce.test servername=hostname"
        + " policy_type=sts policy_domain=enforce.test mx_host_pattern=mx1.enforce.test"
        + " mx_host_pattern=*.mx.enforce.test { policy_string = version: STSv1 }"
        + " { policy_string = mode: enforce } { policy_string = mx: mx1.enforce.test }"
        + " { policy_string = mx: *.mx.enforce.test } { policy_string = max_age: 86400 }",
        ask(d, "postfix310", "enforce.test"));
  }

  @Test
  void unavailableIsNotFoundOrTempWhenDeferring() throws Exception {
    PolicyHost h = host("unavailable.test", ENFORCE);
    dns.fault("_mta-sts.unavailable.test", LoopbackDnsServer.Fault.SERVFAIL);
    try {
      PolicyDaemon d = daemon(h, b -> {});
      assertEquals("NOTFOUND ", ask(d, "postfix", "unavailable.test"));
      closeAll();
      open.clear();
      d = daemon(host("enforce.test", ENFORCE), b -> b.deferWhenUnavailable(true));
      assertEquals("TEMP MTA-STS policy of unavailable.test temporarily unavailable",
          ask(d, "postfix", "unavailable.test"));
    } finally {
      dns.clearFault("_mta-sts.unavailable.test");
    }
  }

  @Test
  void aCachedPolicySurvivesDnsAndFetchFailures() throws Exception {
    String body = ENFORCE.replace("enforce.test", "cached.test");
    PolicyHost h = host("cached.test", body);
    PolicyDaemon d = daemon(h, b -> {});
    String expected = "OK secure match=mx1.cached.test:.mx.cached.test servername=hostname";
    assertEquals(expected, ask(d, "postfix", "cached.test"));
    d.close();
    open.remove(d);
    // A new daemon on the same store: the TXT lookup fails and the policy host is down.
    dns.fault("_mta-sts.cached.test", LoopbackDnsServer.Fault.SERVFAIL);
    h.serverError();
    try {
      d = daemon(h, b -> b.deferWhenUnavailable(true));
      assertEquals(expected, ask(d, "postfix", "cached.test"));
    } finally {
      dns.clearFault("_mta-sts.cached.test");
    }
  }

  @Test
  void parentKeysAndAddressLiteralsAreNotFoundWithoutALookup() throws Exception {
    PolicyDaemon d = daemon(host("enforce.test", ENFORCE), b -> {});
    dns.resetQueryCounts();
    try (SocketmapClient c = new SocketmapClient(address(d))) {
      for (String key : List.of(".enforce.test", ".test", "[192.0.2.1]", "192.0.2.1",
          "[ipv6:2001:db8::1]", "[2001:db8::1]:25", "2001:db8::1", "[192.0.2.1]:25", "")) {
        assertEquals("NOTFOUND ", c.ask("postfix", key), key);
      }
    }
    assertEquals(0, dns.queryCount());
  }

  @Test
  void anInvalidPolicyIsNotFound() throws Exception {
    PolicyDaemon d = daemon(host("invalid.test", "version: STSv1\r\nmode: enforce\r\n"), b -> {});
    assertEquals("NOTFOUND ", ask(d, "postfix", "invalid.test"));
  }

  @Test
  void theTlsRptReporterCountsPolicyFailuresItSees() throws Exception {
    Path state = dir.resolve("tlsrpt");
    PolicyDaemon d = daemon(host("invalid.test", "version: STSv1\r\nmode: enforce\r\n"),
        b -> b.tlsrpt(new DaemonConfig.TlsRpt("Example Mail", "mailto:postmaster@example.test",
            "tlsrpt@example.test", Path.of("/usr/sbin/sendmail"), state)));
    assertEquals("NOTFOUND ", ask(d, "postfix", "invalid.test"));
    assertEquals("NOTFOUND ", ask(d, "postfix", "invalid.test"));
    d.close();
    open.remove(d);
    List<dev.mtasts.tlsrpt.DailyCounts> counts = new dev.mtasts.tlsrpt.FileTlsRptStore(state)
        .loadCounts();
    assertEquals(1, counts.size(), counts.toString());
    dev.mtasts.tlsrpt.PolicyResult r = counts.get(0).result();
    assertEquals("invalid.test", r.policy().policyDomain());
    assertEquals(2, r.totalFailureSessionCount(), r.toString());
    assertEquals("sts-policy-invalid", r.failureDetails().get(0).failure().resultType().token(),
        r.toString());
  }

  @Test
  void metricsCountQueriesByReplyAndLookupsByOutcome() throws Exception {
    PolicyDaemon d = daemon(host("enforce.test", ENFORCE), b -> b.metrics("127.0.0.1:0"));
    ask(d, "postfix", "enforce.test");
    ask(d, "postfix", ".test");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + d.metricsPort().orElseThrow() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    String text = r.body();
    assertTrue(text.contains("mtasts_postfix_queries_total{reply=\"ok\"} 1.0"), text);
    assertTrue(text.contains("mtasts_postfix_queries_total{reply=\"notfound\"} 1.0"), text);
    assertTrue(text.contains("mtasts_postfix_lookups_total{outcome=\"parent-key\"} 1.0"), text);
    assertTrue(text.contains("mtasts_postfix_policy_fetches_total 1.0"), text);
    assertTrue(text.contains("mtasts_postfix_cached_domains 1.0"), text);
  }
}
