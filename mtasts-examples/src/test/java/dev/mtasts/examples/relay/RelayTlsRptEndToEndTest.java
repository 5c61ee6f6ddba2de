package dev.mtasts.examples.relay;

import static dev.mtasts.examples.relay.RelayFixture.DOMAIN;
import static dev.mtasts.examples.relay.RelayFixture.MX1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.testkit.ReportEndpoint;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.FileTlsRptStore;
import dev.mtasts.tlsrpt.HttpsReportSender;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.TlsRptCollector;
import dev.mtasts.tlsrpt.TlsRptDiscoverer;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS-RPT end to end through the Jakarta Mail relay example: real deliveries to loopback SMTP
 * servers (a good MX, a STARTTLS-stripping one, one with a certificate for another name, then a
 * delivery while the policy host is down) are counted without any extra call, survive a restart of
 * the collector, and come out as one report POSTed to the domain's {@code rua}.
 */
@Timeout(90)
class RelayTlsRptEndToEndTest {
  @TempDir Path tmp;

  private RelayFixture world;
  private ReportEndpoint rua;
  private final TestClock clock = new TestClock(Instant.parse("2026-05-01T09:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    world = new RelayFixture();
    rua = ReportEndpoint.start(world.ca.issue("localhost"));
    world.dns.txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=" + rua.uri("/tlsrpt"));
    world.enforce();
    world.mx(MX1);
  }

  @AfterEach
  void stop() {
    rua.close();
    world.close();
  }

  private MtaSts mtaSts(TlsRptCollector collector) {
    return MtaSts.builder().dnsClient(world.dnsClient).trustStore(world.ca.trustStore())
        .policyHostPort(world.policyHost.port()).listener(collector).build();
  }

  private DeliveryResult deliver(MtaSts mtaSts, SmtpServer server) throws Exception {
    return MtaStsRelay.builder(mtaSts)
        .heloName("relay.origin.example.test")
        .timeout(Duration.ofSeconds(5))
        .port(server.hostname(), server.port())
        .build()
        .deliver(DOMAIN, RelayFixture.message(), RelayFixture.recipients());
  }

  @Test
  void deliveriesThroughTheRelayBecomeOneReport() throws Exception {
    FileTlsRptStore store = new FileTlsRptStore(tmp.resolve("tlsrpt"));
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();
    MtaSts mtaSts = mtaSts(collector);

    try (SmtpServer good = SmtpServer.start(MX1, world.ca.issue(MX1).serverContext())) {
      assertInstanceOf(DeliveryResult.Delivered.class, deliver(mtaSts, good));
      assertEquals(1, good.messages().size());
    }
    try (SmtpServer stripped = SmtpServer.startWithoutTls(MX1)) {
      assertInstanceOf(DeliveryResult.Deferred.class, deliver(mtaSts, stripped));
      assertTrue(stripped.messages().isEmpty(), "nothing in plain text under enforce");
    }
    try (SmtpServer wrongName =
        SmtpServer.start(MX1, world.ca.issue("www." + DOMAIN).serverContext())) {
      assertInstanceOf(DeliveryResult.Deferred.class, deliver(mtaSts, wrongName));
      assertTrue(wrongName.messages().isEmpty());
    }
    world.policyHost.close();
    mtaSts.cache().orElseThrow().purge(DOMAIN); // as after a restart with nothing stored
    try (SmtpServer good = SmtpServer.start(MX1, world.ca.issue(MX1).serverContext())) {
      assertInstanceOf(DeliveryResult.Delivered.class, deliver(mtaSts, good),
          "no policy can be fetched and none is cached: delivered without MTA-STS");
    }

    // A restart in the middle of the day keeps the counts.
    collector.close();
    collector = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();
    TlsRptReporter reporter = TlsRptReporter.builder()
        .collector(collector)
        .discoverer(new TlsRptDiscoverer(world.dnsClient))
        .organizationName("Relay Test")
        .contactInfo("tlsrpt@origin.example.test")
        .https(HttpsReportSender.builder().sslContext(world.ca.sslContext()).build())
        .clock(clock)
        .maxDelay(Duration.ZERO)
        .store(store)
        .build();
    clock.set(Instant.parse("2026-05-02T00:00:00Z"));
    assertEquals(1, reporter.runDue().join().reportsBuilt());

    List<ReportEndpoint.Received> posts = rua.received("/tlsrpt");
    assertEquals(1, posts.size());
    assertEquals("application/tlsrpt+gzip", posts.get(0).contentType());
    TlsRptReport report = TlsRptReport.parse(posts.get(0).json());
    assertEquals(DOMAIN, report.policyDomain());
    assertEquals(2, report.policies().size(), report.toString());

    PolicyResult sts = report.policies().stream()
        .filter(p -> p.policy().policyType() == PolicyType.STS
            && !p.policy().policyString().isEmpty())
        .findFirst().orElseThrow();
    assertEquals(List.of("mx1." + DOMAIN, "mx2." + DOMAIN, "*.backup." + DOMAIN),
        sts.policy().mxHost());
    assertEquals(1, sts.totalSuccessfulSessionCount());
    assertEquals(2, sts.totalFailureSessionCount());
    Map<ResultType, Long> byType = sts.failureDetails().stream().collect(Collectors.toMap(
        d -> d.failure().resultType(), FailureDetail::failedSessionCount, Long::sum));
    assertEquals(Map.of(ResultType.STARTTLS_NOT_SUPPORTED, 1L,
        ResultType.CERTIFICATE_HOST_MISMATCH, 1L), byType);
    assertTrue(sts.failureDetails().stream()
        .allMatch(d -> d.failure().receivingMxHostname().equals(MX1)));

    PolicyResult down = report.policies().stream()
        .filter(p -> p.policy().policyString().isEmpty())
        .findFirst().orElseThrow();
    assertEquals(PolicyType.STS, down.policy().policyType());
    assertEquals(0, down.totalSuccessfulSessionCount());
    assertEquals(1, down.totalFailureSessionCount());
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR,
        down.failureDetails().get(0).failure().resultType());
    collector.close();
  }
}
