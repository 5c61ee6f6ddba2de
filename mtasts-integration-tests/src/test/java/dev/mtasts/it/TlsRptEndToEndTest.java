package dev.mtasts.it;

import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.ReportEndpoint;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.Dane;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.tlsrpt.AppliedPolicy;
import dev.mtasts.tlsrpt.DeliveryResult;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.FileTlsRptStore;
import dev.mtasts.tlsrpt.HttpsReportSender;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.TlsRptCollector;
import dev.mtasts.tlsrpt.TlsRptDiscoverer;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReportWriter;
import dev.mtasts.tlsrpt.TlsRptReporter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;


import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS-RPT end to end on loopback: MTA-STS discovery through the loopback DNS server and policy host,
 * verdicts of the decision API fed to the collector, the daily report built by the reporter and
 * POSTed to a WireMock {@code rua} endpoint, then decoded back.
 */
@Timeout(60)
class TlsRptEndToEndTest {
  private static final String DOMAIN = "example.test";
  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
  private static final LocalDate DAY = LocalDate.of(2026, 5, 1);

  @TempDir
  Path tmp;

  private LoopbackDnsServer dns;
  private PolicyHost policyHost;
  private ReportEndpoint rua;
  private final TestClock clock = new TestClock(Instant.parse("2026-05-01T09:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    dns = LoopbackDnsServer.start();
    policyHost = PolicyHost.start(DOMAIN, CA.issue("mta-sts." + DOMAIN));
    policyHost.body("version: STSv1\nmode: enforce\nmx: mx1.example.test\nmx: mx2.example.test\n"
        + "mx: mx3.example.test\nmax_age: 86400\n");
    rua = ReportEndpoint.start(CA.issue("localhost")).status("/v1/tlsrpt", 201);
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=20260501");
    dns.txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=" + rua.uri("/v1/tlsrpt"));
  }

  @AfterEach
  void stop() {
    rua.close();
    policyHost.close();
    dns.close();
  }

  @Test
  void oneDayOfDeliveriesBecomesOneReportPostedToTheRua() throws Exception {
    DnsClient dnsClient = dnsClient();
    FileTlsRptStore store = new FileTlsRptStore(tmp.resolve("tlsrpt"));
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();
    MtaSts mtaSts = mtaSts(dnsClient, collector);
    InetAddress self = InetAddress.getByName("192.0.2.10");
    SessionDetails to1 = SessionDetails.of(self, InetAddress.getByName("198.51.100.1"))
        .withHelo("mx1.example.test");
    SessionDetails to2 = SessionDetails.of(self, InetAddress.getByName("198.51.100.2"));
    SessionDetails to3 = SessionDetails.of(self, InetAddress.getByName("2001:db8::3"));

    // The policy host is up: a good MX twice, a stripped STARTTLS, a certificate for another name.
    PolicyLookup lookup = mtaSts.lookup(DOMAIN);
    assertEquals(PolicyLookup.Status.ENFORCE, lookup.status());
    List<java.security.cert.X509Certificate> good = CA.issue("mx1.example.test").chain();
    assertInstanceOf(Verdict.Deliver.class,
        lookup.verify("mx1.example.test", good, "TLSv1.3", Dane.NOT_USED, to1));
    assertInstanceOf(Verdict.Deliver.class,
        mtaSts.lookup(DOMAIN).verify("mx1.example.test", good, "TLSv1.3", Dane.NOT_USED, to1));
    assertInstanceOf(Verdict.Refuse.class, lookup.starttlsNotSupported("mx2.example.test", to2));
    assertInstanceOf(Verdict.Refuse.class, lookup.verify("mx3.example.test",
        CA.issue("other.example.test").chain(), "TLSv1.3", Dane.NOT_USED, to3));

    // The policy host goes down and the cache is emptied: the next delivery has no policy, which
    // is reported.
    policyHost.close();
    mtaSts.cache().orElseThrow().purge(DOMAIN);
    PolicyLookup down = mtaSts.lookup(DOMAIN);
    assertEquals(PolicyLookup.Status.NO_POLICY, down.status());
    assertInstanceOf(Verdict.Deliver.class,
        down.verify("mx1.example.test", good, "TLSv1.3", Dane.NOT_USED, to1));

    // A restart in the middle of the day keeps what was counted.
    collector.close();
    collector = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();

    TlsRptReporter reporter = reporter(collector, dnsClient).store(store).build();
    assertEquals(0, reporter.runDue().join().reportsBuilt(), "not before the day is over");
    clock.set(Instant.parse("2026-05-02T00:00:00Z"));
    TlsRptReporter.Summary summary = reporter.runDue().join();
    assertEquals(new TlsRptReporter.Summary(1, 0, 1, 0, 0), summary);

    List<ReportEndpoint.Received> posts = rua.received("/v1/tlsrpt");
    assertEquals(1, posts.size());
    ReportEndpoint.Received post = posts.get(0);
    assertEquals("application/tlsrpt+gzip", post.contentType());
    // WireMock hands out request bodies with gzip magic already gunzipped; check from
    // Content-Length that the bytes on the wire were the gzip.
    byte[] json = post.json();
    assertEquals('{', json[0]);
    TlsRptReport report = TlsRptReport.parse(json);
    assertArrayEquals(TlsRptReportWriter.json(report), json, "reads back to the same JSON");
    byte[] gzip = TlsRptReportWriter.gzip(report);
    assertEquals(String.valueOf(gzip.length), post.contentLength());
    assertArrayEquals(json, ReportEndpoint.gunzipIfCompressed(gzip));

    assertEquals("Sender Test", report.organizationName());
    assertEquals(Instant.parse("2026-05-01T00:00:00Z"), report.startDatetime());
    assertEquals(Instant.parse("2026-05-01T23:59:59Z"), report.endDatetime());
    assertEquals(2, report.policies().size());

    PolicyResult sts = find(report, PolicyType.STS, false);
    assertEquals(List.of("version: STSv1", "mode: enforce", "mx: mx1.example.test",
        "mx: mx2.example.test", "mx: mx3.example.test", "max_age: 86400"),
        sts.policy().policyString());
    assertEquals(List.of("mx1.example.test", "mx2.example.test", "mx3.example.test"),
        sts.policy().mxHost());
    assertEquals(DOMAIN, sts.policy().policyDomain());
    assertEquals(2, sts.totalSuccessfulSessionCount());
    assertEquals(2, sts.totalFailureSessionCount());
    Map<ResultType, FailureDetail> byType = sts.failureDetails().stream()
        .collect(Collectors.toMap(d -> d.failure().resultType(), d -> d));
    assertEquals(Map.of(ResultType.STARTTLS_NOT_SUPPORTED, 1L,
            ResultType.CERTIFICATE_HOST_MISMATCH, 1L),
        byType.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> e.getValue().failedSessionCount())));
    FailureDetail stripped = byType.get(ResultType.STARTTLS_NOT_SUPPORTED);
    assertEquals("mx2.example.test", stripped.failure().receivingMxHostname());
    assertEquals("192.0.2.10", stripped.failure().sendingMtaIp().orElseThrow());
    assertEquals("198.51.100.2", stripped.failure().receivingIp().orElseThrow());
    FailureDetail mismatch = byType.get(ResultType.CERTIFICATE_HOST_MISMATCH);
    assertEquals("mx3.example.test", mismatch.failure().receivingMxHostname());
    assertEquals("2001:db8::3", mismatch.failure().receivingIp().orElseThrow());

    PolicyResult unavailable = find(report, PolicyType.STS, true);
    assertEquals(AppliedPolicy.stsUnavailable(DOMAIN), unavailable.policy());
    assertEquals(0, unavailable.totalSuccessfulSessionCount());
    assertEquals(1, unavailable.totalFailureSessionCount());
    assertEquals(1, unavailable.failureDetails().size());
    FailureDetail fetch = unavailable.failureDetails().get(0);
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, fetch.failure().resultType());
    assertEquals("mx1.example.test", fetch.failure().receivingMxHostname());
    assertEquals("mx1.example.test", fetch.failure().receivingMxHelo().orElseThrow());

    assertEquals(List.of(), collector.days(), "reported counts are gone");
    assertEquals(List.of(), reporter.pending());
    assertEquals(List.of(), store.loadCounts());
    reporter.close();
  }

  /**
   * A policy that is fetched but invalid is reported as RFC 8460 section 4.4 asks: type {@code sts},
   * {@code policy-string} the lines as the policy host served them, errors included, and the parser's
   * first error as the {@code failure-reason-code} (docs/decisions.md, decision 11).
   */
  @Test
  void anInvalidPolicyIsReportedAsReceivedWithTheParsersFirstError() throws Exception {
    policyHost.body("version: STSv1\r\nmode: enforced\r\nmx: mx1.example.test\r\n"
        + "max_age: 86400\r\n");
    DnsClient dnsClient = dnsClient();
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock)
        .flushInterval(Duration.ZERO).build();
    MtaSts mtaSts = mtaSts(dnsClient, collector);
    SessionDetails session = SessionDetails.of(InetAddress.getByName("192.0.2.10"),
        InetAddress.getByName("198.51.100.1"));

    PolicyLookup lookup = mtaSts.lookup(DOMAIN);
    assertEquals(PolicyLookup.Status.NO_POLICY, lookup.status());
    assertInstanceOf(Verdict.Deliver.class, lookup.verify("mx1.example.test",
        CA.issue("mx1.example.test").chain(), "TLSv1.3", Dane.NOT_USED, session));
    assertInstanceOf(Verdict.Deliver.class, mtaSts.lookup(DOMAIN).verify("mx1.example.test",
        CA.issue("mx1.example.test").chain(), "TLSv1.3", Dane.NOT_USED, session));

    TlsRptReporter reporter = reporter(collector, dnsClient).build();
    clock.set(Instant.parse("2026-05-02T00:00:00Z"));
    assertEquals(1, reporter.runDue().join().reportsBuilt());
    List<ReportEndpoint.Received> posts = rua.received("/v1/tlsrpt");
    assertEquals(1, posts.size());

    List<ReportJson.PolicyEntry> policies = ReportJson.policies(posts.get(0).json());
    assertEquals(1, policies.size());
    ReportJson.PolicyEntry entry = policies.get(0);
    assertEquals("sts", entry.policy().get("policy-type"));
    assertEquals(List.of("version: STSv1", "mode: enforced", "mx: mx1.example.test",
        "max_age: 86400"), entry.policy().get("policy-string"));
    assertEquals(DOMAIN, entry.policy().get("policy-domain"));
    assertEquals(List.of(), entry.policy().get("mx-host"));
    assertEquals(1, entry.failureDetails().size(), entry.toString());
    Map<String, String> detail = entry.failureDetails().get(0);
    assertEquals("sts-policy-invalid", detail.get("result-type"));
    assertEquals("2", detail.get("failed-session-count"));
    assertEquals("192.0.2.10", detail.get("sending-mta-ip"));
    String reason = detail.get("failure-reason-code");
    assertTrue(reason.startsWith("line 2: ") && reason.contains("'enforced'"), reason);
    reporter.close();
    collector.close();
  }

  @Test
  void httpsDeliveryNeedsA2xxAndAValidCertificateUnlessErrorsAreIgnored() throws Exception {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(buffer)) {
      out.write("{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    byte[] gz = buffer.toByteArray();
    URI good = rua.uri("/v1/tlsrpt");
    HttpsReportSender trusting = HttpsReportSender.builder().sslContext(CA.sslContext()).build();
    DeliveryResult first = trusting.postAsync(good, gz).join();
    assertTrue(first.delivered(), first.detail());

    rua.status("/busy", 503);
    DeliveryResult busy = trusting.postAsync(rua.uri("/busy"), gz).join();
    assertFalse(busy.delivered());
    assertEquals("HTTP 503", busy.detail());

    try (ReportEndpoint wrongName = ReportEndpoint.start(CA.issue("elsewhere.test"))) {
      wrongName.status("/r", 202);
      URI uri = wrongName.uri("/r");
      assertFalse(trusting.postAsync(uri, gz).join().delivered());
      assertFalse(HttpsReportSender.builder().build().postAsync(good, gz).join().delivered(),
          "the JDK's roots do not trust the test CA");
      HttpsReportSender lenient = HttpsReportSender.builder().ignoreCertificateErrors(true).build();
      assertTrue(lenient.postAsync(uri, gz).join().delivered());
    }
  }

  private DnsClient dnsClient() {
    return DnsjavaClient.builder().server(dns.address()).cache(false)
        .timeout(Duration.ofSeconds(2)).build();
  }

  /** The facade, discovering through the loopback servers and counting for TLS-RPT. */
  private MtaSts mtaSts(DnsClient dnsClient, TlsRptCollector collector) {
    return MtaSts.builder().dnsClient(dnsClient).trustStore(CA.trustStore())
        .policyHostPort(policyHost.port()).listener(collector).build();
  }

  /** A reporter that posts to the loopback rua at once when a day is over. */
  private TlsRptReporter.Builder reporter(TlsRptCollector collector, DnsClient dnsClient) {
    return TlsRptReporter.builder()
        .collector(collector)
        .discoverer(new TlsRptDiscoverer(dnsClient))
        .organizationName("Sender Test")
        .contactInfo("tlsrpt@sender.test")
        .https(HttpsReportSender.builder().sslContext(CA.sslContext()).build())
        .clock(clock)
        .maxDelay(Duration.ZERO);
  }

  private static PolicyResult find(TlsRptReport report, PolicyType type, boolean unavailable) {
    return report.policies().stream()
        .filter(p -> p.policy().policyType() == type
            && p.policy().policyString().isEmpty() == unavailable)
        .findFirst().orElseThrow(() -> new AssertionError(report.toString()));
  }

}
