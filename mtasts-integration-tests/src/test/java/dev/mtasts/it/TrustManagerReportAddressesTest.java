package dev.mtasts.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.MtaStsTrustManager;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.policy.Mode;
import dev.mtasts.tlsrpt.TlsRptCollector;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReportWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The addresses of a failed session in the TLS-RPT report when the MTA checks the handshake with
 * {@link MtaSts#trustManager(PolicyLookup, String)} and gives no {@link SessionDetails}: the trust
 * manager takes them from the socket. Real STARTTLS sessions with the testkit's SMTP server.
 */
@Timeout(60)
class TrustManagerReportAddressesTest {
  private static final TestCertificateAuthority CA =
      TestCertificateAuthority.create("Report Addresses Test CA", Clock.systemUTC());
  private static final LocalDate DAY = LocalDate.of(2026, 5, 1);

  private final TestClock clock = new TestClock(Instant.parse("2026-05-01T09:00:00Z"));
  private TlsRptCollector collector;
  private SmtpServer mx;

  @BeforeEach
  void start() throws IOException {
    collector = TlsRptCollector.builder().clock(clock).flushInterval(Duration.ZERO).build();
  }

  @AfterEach
  void stop() {
    if (mx != null) {
      mx.close();
    }
    collector.close();
  }

  private MtaSts mtaSts(Mode mode) {
    return MtaSts.builder().policySource(Handshakes.source(Handshakes.applied(mode)))
        .trustStore(CA.trustStore())
        .listener(collector).build();
  }

  @Test
  void aFailedHandshakeIsReportedWithTheSocketsAddresses() throws Exception {
    mx = SmtpServer.start(Handshakes.MX, CA.issue("other.example.test").serverContext());
    MtaSts mtaSts = mtaSts(Mode.TESTING);
    PolicyLookup lookup = mtaSts.lookup(Handshakes.DOMAIN);
    MtaStsTrustManager trust = mtaSts.trustManager(lookup, Handshakes.MX);

    InetAddress local = starttls(mtaSts, trust);

    assertInstanceOf(Verdict.DeliverAndReport.class, trust.afterHandshake());
    Map<String, String> detail = onlyFailureDetail();
    assertEquals("certificate-host-mismatch", detail.get("result-type"));
    assertEquals(Handshakes.MX, detail.get("receiving-mx-hostname"));
    assertEquals(local.getHostAddress(), detail.get("sending-mta-ip"));
    assertEquals(mx.address().getAddress().getHostAddress(), detail.get("receiving-ip"));
  }

  @Test
  void anAddressTheCallerGaveIsKeptAndTheMissingOneTakenFromTheSocket() throws Exception {
    mx = SmtpServer.start(Handshakes.MX, CA.issueExpired(Handshakes.MX).serverContext());
    MtaSts mtaSts = mtaSts(Mode.TESTING);
    PolicyLookup lookup = mtaSts.lookup(Handshakes.DOMAIN);
    InetAddress nat = InetAddress.getByName("192.0.2.25");
    SessionDetails given = new SessionDetails(Optional.of(nat), Optional.empty(),
        Optional.of(Handshakes.MX), false);
    MtaStsTrustManager trust = mtaSts.trustManager(lookup, Handshakes.MX, given);

    starttls(mtaSts, trust);

    Map<String, String> detail = onlyFailureDetail();
    assertEquals("certificate-expired", detail.get("result-type"));
    assertEquals("192.0.2.25", detail.get("sending-mta-ip"));
    assertEquals(mx.address().getAddress().getHostAddress(), detail.get("receiving-ip"));
    assertEquals(Handshakes.MX, detail.get("receiving-mx-helo"));
  }

  @Test
  void anEngineCreatedForAnAddressGivesTheReceivingAddressAndNoNameIsResolved() throws Exception {
    MtaSts mtaSts = mtaSts(Mode.TESTING);
    PolicyLookup lookup = mtaSts.lookup(Handshakes.DOMAIN);
    X509Certificate[] chain =
        CA.issue("other.example.test").chain().toArray(new X509Certificate[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);

    SSLEngine byAddress = context.createSSLEngine("2001:db8:0:0::25", 25);
    byAddress.setUseClientMode(true);
    mtaSts.trustManager(lookup, Handshakes.MX).checkServerTrusted(chain, "RSA", byAddress);
    SSLEngine byName = context.createSSLEngine("mx.unresolvable.invalid", 25);
    byName.setUseClientMode(true);
    mtaSts.trustManager(lookup, Handshakes.MX).checkServerTrusted(chain, "RSA", byName);

    List<Map<String, String>> details = report().get(0).failureDetails();
    assertEquals(2, details.size(), details::toString);
    assertTrue(details.stream().anyMatch(d -> "2001:db8::25".equals(d.get("receiving-ip"))),
        details::toString);
    assertTrue(details.stream().anyMatch(d -> !d.containsKey("receiving-ip")), details::toString);
    assertTrue(details.stream().noneMatch(d -> d.containsKey("sending-mta-ip")), details::toString);
  }

  /**
   * Opens an SMTP session to the test MX from a second loopback address where the system has one,
   * says EHLO and STARTTLS and runs the handshake with {@code trust}.
   *
   * @return the local address the session came from
   */
  private InetAddress starttls(MtaSts mtaSts, MtaStsTrustManager trust) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {trust}, null);
    try (Socket plain = new Socket()) {
      try {
        plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
      } catch (BindException e) {
        plain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      }
      plain.connect(mx.address(), 5000);
      plain.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(
          new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      reply(in, "220");
      send(out, "EHLO sender.example.test");
      reply(in, "250");
      send(out, "STARTTLS");
      reply(in, "220");
      SSLSocket ssl = (SSLSocket) tls.getSocketFactory()
          .createSocket(plain, Handshakes.MX, mx.port(), false);
      ssl.setSSLParameters(mtaSts.sslParameters(Handshakes.MX));
      ssl.startHandshake();
      send(ssl.getOutputStream(), "QUIT");
      ssl.close();
      return plain.getLocalAddress();
    }
  }

  private Map<String, String> onlyFailureDetail() {
    List<ReportJson.PolicyEntry> policies = report();
    assertEquals(1, policies.size());
    List<Map<String, String>> details = policies.get(0).failureDetails();
    assertEquals(1, details.size(), details::toString);
    assertFalse(details.get(0).isEmpty());
    return details.get(0);
  }

  private List<ReportJson.PolicyEntry> report() {
    TlsRptReport report = TlsRptReport.forDay(DAY, "Sender Test", "tlsrpt@sender.test", "r1",
        collector.results(DAY, Handshakes.DOMAIN));
    return ReportJson.policies(TlsRptReportWriter.json(report));
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one (possibly multi-line) reply and checks its code. */
  private static void reply(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null || !line.startsWith(code)) {
        throw new IOException("expected " + code + ", got " + line);
      }
    } while (line.charAt(3) == '-');
  }
}
