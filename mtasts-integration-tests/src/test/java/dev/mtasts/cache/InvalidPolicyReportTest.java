package dev.mtasts.cache;

import dev.mtasts.store.FilePolicyStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.result.Failure;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.TlsRptCollector;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through {@link PolicyResolver}, a policy that is fetched but invalid reaches TLS-RPT with its lines
 * as received and the parser's first error (RFC 8460 section 4.4, docs/decisions.md docs/decisions.md, decision 11).
 */
class InvalidPolicyReportTest {
  private static final String DOMAIN = "cache.example.test";

  @TempDir Path dir;
  private TestCertificateAuthority ca;
  private LoopbackDnsServer dns;
  private PolicyHost host;
  private FilePolicyStore store;
  private PolicyResolver resolver;
  private TlsRptCollector collector;
  private final TestClock clock = new TestClock(Instant.parse("2026-11-28T12:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificateAuthority.create();
    dns = LoopbackDnsServer.start();
    host = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=1");
    DnsjavaClient client = DnsjavaClient.builder().server(dns.address()).cache(false)
        .timeout(Duration.ofSeconds(2)).retries(0).build();
    HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().trustedCertificatesPem(ca.pem())
        .port(host.port()).deadline(Duration.ofSeconds(10)).build();
    store = FilePolicyStore.builder(dir).build();
    resolver = PolicyResolver.builder(PolicyDiscoverer.builder(client, fetcher).build()).store(store)
        .clock(clock).build();
    collector = TlsRptCollector.builder().clock(clock).flushInterval(Duration.ZERO).build();
  }

  @AfterEach
  void stop() {
    collector.close();
    resolver.close();
    store.close();
    host.close();
    dns.close();
  }

  @Test
  void anInvalidPolicyIsReportedWithItsLinesAndFirstError() throws Exception {
    host.body("version: STSv1\nmode: enforce\nmx: mx1..example.test\nmax_age: 999999999\n");
    MtaSts mtaSts = MtaSts.builder().policySource(resolver.asPolicySource()).listener(collector).build();

    PolicyLookup lookup = mtaSts.lookup(DOMAIN);
    Failure failure =
        assertInstanceOf(PolicyState.PolicyFailure.class, lookup.state()).failure();
    assertEquals(ResultType.STS_POLICY_INVALID, failure.resultType());
    assertEquals(List.of("version: STSv1", "mode: enforce", "mx: mx1..example.test",
        "max_age: 999999999"), failure.receivedPolicy());
    lookup.starttlsNotSupported("mx1.example.test", SessionDetails.of(
        InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2")));

    List<PolicyResult> results = collector.results(LocalDate.of(2026, 11, 28), DOMAIN);
    assertEquals(1, results.size());
    PolicyResult result = results.get(0);
    assertEquals(PolicyType.STS, result.policy().policyType());
    assertEquals(failure.receivedPolicy(), result.policy().policyString());
    assertEquals(1, result.totalFailureSessionCount());
    FailureDetail invalid = result.failureDetails().stream()
        .filter(d -> d.failure().resultType() == ResultType.STS_POLICY_INVALID)
        .findFirst().orElseThrow(() -> new AssertionError(result.toString()));
    String reason = invalid.failure().failureReasonCode().orElseThrow();
    assertTrue(reason.startsWith("line 3: ") && reason.contains("mx1..example.test"), reason);
  }
}
