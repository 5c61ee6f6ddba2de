package dev.mtasts.james;

import static dev.mtasts.james.JamesRemoteDelivery.await;
import static dev.mtasts.james.MtaStsWorld.DOMAIN;
import static dev.mtasts.james.MtaStsWorld.MX1;
import static dev.mtasts.james.MtaStsWorld.MX2;
import static dev.mtasts.james.MtaStsWorld.RECIPIENT;
import static dev.mtasts.james.MtaStsWorld.TODAY;
import static dev.mtasts.james.MtaStsWorld.UNLISTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.Verdict;
import dev.mtasts.decision.VerdictEvent;
import dev.mtasts.testkit.ReportEndpoint;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReporter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MTA-STS in James 3.8.1's own {@code RemoteDelivery} mailet (the real jar), as {@link
 * MtaStsRemoteDelivery} (its MX lookup filtered by the policy) configured as the README says,
 * delivering through the javax.mail transport to SMTP servers on loopback. {@link
 * StockRemoteDeliveryTest} runs the same with James's unchanged mailet class.
 */
@Timeout(120)
class RemoteDeliveryTest {
  private static MtaStsWorld world;
  private JamesRemoteDelivery james;
  @TempDir static Path tmp;
  private static int run;

  @BeforeAll
  static void startWorld() throws Exception {
    world = new MtaStsWorld();
  }

  @AfterAll
  static void stopWorld() {
    world.close();
  }

  @BeforeEach
  void startJames() throws Exception {
    world.install(tmp.resolve("policies-" + ++run));
    james = new JamesRemoteDelivery(mailet());
  }

  /** The mailet class under test. */
  JamesRemoteDelivery.Mailet mailet() {
    return JamesRemoteDelivery.Mailet.README;
  }

  /** Whether an MX host the enforce policy does not list is left out before connecting. */
  boolean filtersMxHosts() {
    return mailet() == JamesRemoteDelivery.Mailet.README;
  }

  @AfterEach
  void stopJames() {
    james.close();
    MtaStsJames.uninstall(); // closes the policy cache before its directory goes
  }

  static MimeMessage message() throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("sender@origin.example.test"));
    m.setRecipients(Message.RecipientType.TO, RECIPIENT);
    m.setSubject("MTA-STS from James");
    m.setText("Hello from James over loopback.\n");
    m.saveChanges();
    return m;
  }

  private void mx(SmtpServer... servers) {
    String[] records = new String[servers.length];
    for (int i = 0; i < servers.length; i++) {
      records[i] = servers[i].hostname() + ":" + servers[i].port();
    }
    james.dns.set(DOMAIN, records);
  }

  private void assertNoBounce() {
    assertTrue(james.context.getBouncedMails().isEmpty(), "bounced");
    assertTrue(james.context.getSentMails().isEmpty(), "a bounce or DSN was sent");
  }

  @Test
  void enforceDeliversOverTlsToAGoodMx() throws Exception {
    world.enforce();
    try (SmtpServer mx1 = world.good(MX1)) {
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("mx1 has the mail", () -> mx1.messages().size() == 1);
      SmtpServer.Message m = mx1.messages().get(0);
      assertTrue(m.tls());
      assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(m.tlsProtocol()), m.tlsProtocol());
      assertEquals(List.of("<" + RECIPIENT + ">"), m.recipients());
      assertTrue(m.data().contains("Hello from James over loopback."));
      assertEquals(List.of(new Verdict.Deliver()), world.verdictsFor(MX1));
      VerdictEvent event = world.heard.get(0);
      assertEquals(PolicyLookup.Status.ENFORCE, event.lookup().status());
      assertTrue(event.session().receivingIp().isPresent(), "addresses for TLS-RPT");
      assertEquals(MX1, event.session().receivingMxHelo().orElseThrow());
      await("the queue is empty", () -> james.queuedRetries().isEmpty());
      assertNoBounce();
    }
  }

  /** The ways the first MX host fails under enforce, and what each is refused for. */
  enum BadMx {
    WRONG_NAME(ResultType.CERTIFICATE_HOST_MISMATCH),
    UNTRUSTED(ResultType.CERTIFICATE_NOT_TRUSTED),
    NO_STARTTLS(ResultType.STARTTLS_NOT_SUPPORTED),
    NOT_IN_POLICY(ResultType.VALIDATION_FAILURE);

    final ResultType expected;

    BadMx(ResultType expected) {
      this.expected = expected;
    }

    /** Starts the failing first MX host. */
    SmtpServer start(MtaStsWorld world) {
      return switch (this) {
        case WRONG_NAME -> world.wrongName(MX1);
        case UNTRUSTED -> world.untrusted(MX1);
        case NO_STARTTLS -> SmtpServer.startWithoutTls(MX1);
        case NOT_IN_POLICY -> world.good(UNLISTED);
      };
    }
  }

  @ParameterizedTest
  @EnumSource(BadMx.class)
  void enforceMovesOnFromABadFirstMxToAGoodSecondOne(BadMx bad) throws Exception {
    world.enforce();
    SmtpServer first = bad.start(world);
    try (first; SmtpServer mx2 = world.good(MX2)) {
      mx(first, mx2);
      james.send(message(), RECIPIENT);
      await("mx2 has the mail", () -> mx2.messages().size() == 1);
      assertTrue(mx2.messages().get(0).tls());
      assertTrue(first.messages().isEmpty(), "nothing went to the refused host");
      assertEquals(bad == BadMx.NOT_IN_POLICY && filtersMxHosts() ? 0 : 1, first.connections(),
          "connections to the refused host");
      assertEquals(1, world.verdictsFor(first.hostname()).size(), "one verdict per host");
      Verdict.Refuse refuse = world.refused(first.hostname());
      assertEquals(bad.expected, refuse.failure().resultType(), refuse.toString());
      if (bad == BadMx.NOT_IN_POLICY) {
        assertEquals("mx-not-in-policy", refuse.failure().failureReasonCode());
      }
      assertEquals(List.of(new Verdict.Deliver()), world.verdictsFor(MX2));
      assertNoBounce();
    }
  }

  @Test
  void whenEveryMxFailsUnderEnforceTheMailStaysQueuedAndIsRetriedLater() throws Exception {
    world.enforce();
    try (SmtpServer mx1 = world.wrongName(MX1); SmtpServer mx2 = SmtpServer.startWithoutTls(MX2)) {
      mx(mx1, mx2);
      james.send(message(), RECIPIENT);
      await("the mail is queued again after one attempt",
          () -> james.queuedRetries().equals(List.of(1)));
      assertEquals(1, mx1.connections());
      assertEquals(1, mx2.connections());
      assertTrue(mx1.messages().isEmpty());
      assertTrue(mx2.messages().isEmpty());
      assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, world.refused(MX1).failure().resultType());
      assertEquals(ResultType.STARTTLS_NOT_SUPPORTED, world.refused(MX2).failure().resultType());
      assertNoBounce();
    }
    try (SmtpServer mx1 = world.good(MX1)) {
      mx(mx1);
      james.retryNow();
      await("the retry reached the repaired mx1", () -> mx1.messages().size() == 1);
      await("the queue is empty", () -> james.queuedRetries().isEmpty());
      assertNoBounce();
    }
  }

  @Test
  void anEnforcePolicyThatListsNoMxHostRefusesEachBeforeMailFrom() throws Exception {
    world.enforce();
    try (SmtpServer first = world.good(UNLISTED);
        SmtpServer second = world.good("mx.other.example.test")) {
      mx(first, second);
      james.send(message(), RECIPIENT);
      await("the mail is queued again after one attempt",
          () -> james.queuedRetries().equals(List.of(1)));
      for (SmtpServer s : List.of(first, second)) {
        // connected to (so that a TLS-RPT report could still go out), never given the envelope
        assertEquals(1, s.connections());
        assertTrue(s.messages().isEmpty());
        assertEquals(1, world.verdictsFor(s.hostname()).size(), "one verdict per host");
        assertEquals("mx-not-in-policy", world.refused(s.hostname()).failure().failureReasonCode());
      }
      assertNoBounce();
    }
  }

  @Test
  void aFailedPolicyLookupDefersOnlyWhenConfiguredTo() throws Exception {
    world.noPolicy();
    world.dns.fault("_mta-sts." + DOMAIN, dev.mtasts.testkit.LoopbackDnsServer.Fault.SERVFAIL);
    try (SmtpServer mx1 = world.good(MX1)) {
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("by default: sent as without MTA-STS", () -> mx1.messages().size() == 1);
      james.close();
      MtaStsJames.uninstall();
      world.install(tmp.resolve("policies-" + ++run), true);
      james = new JamesRemoteDelivery(mailet());
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("deferWhenUnavailable: queued again",
          () -> james.queuedRetries().equals(List.of(1)));
      assertEquals(1, mx1.messages().size(), "nothing more was sent");
      assertEquals(filtersMxHosts() ? 1 : 2, mx1.connections(),
          "deferred before connecting, or before MAIL FROM");
      assertNoBounce();
    } finally {
      world.dns.clearFault("_mta-sts." + DOMAIN);
    }
  }

  @Test
  void testingDeliversDespiteABadCertificateAndReportsOneFailure() throws Exception {
    world.testing();
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("mx1 has the mail", () -> mx1.messages().size() == 1);
      assertTrue(mx1.messages().get(0).tls());
      Verdict.DeliverAndReport report = assertInstanceOf(Verdict.DeliverAndReport.class,
          world.verdictsFor(MX1).get(0));
      assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, report.failure().resultType());
    }
    List<PolicyResult> counted = world.collector.results(TODAY, DOMAIN);
    assertEquals(1, counted.size());
    assertEquals(0, counted.get(0).totalSuccessfulSessionCount());
    assertEquals(1, counted.get(0).totalFailureSessionCount());

    try (TlsRptReporter reporter = world.reporter()) {
      world.clock.set(Instant.parse("2026-05-02T00:00:00Z"));
      assertEquals(1, reporter.runDue().join().reportsBuilt());
    } finally {
      world.clock.set(MtaStsWorld.NOW);
    }
    List<ReportEndpoint.Received> posts = world.rua.received("/tlsrpt");
    assertEquals(1, posts.size());
    TlsRptReport sent = TlsRptReport.parse(posts.get(0).json());
    PolicyResult sts = sent.policies().get(0);
    assertEquals(PolicyType.STS, sts.policy().policyType());
    assertEquals(1, sts.totalFailureSessionCount());
    assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH,
        sts.failureDetails().get(0).failure().resultType());
    assertEquals(MX1, sts.failureDetails().get(0).failure().receivingMxHostname());
  }

  @Test
  void withoutAPolicyJamesDeliversAsItWouldWithoutMtaSts() throws Exception {
    world.noPolicy();
    try (SmtpServer mx1 = world.untrusted(MX1)) {
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("mx1 has the mail", () -> mx1.messages().size() == 1);
      assertTrue(mx1.messages().get(0).tls(), "opportunistic TLS with any certificate");
    }
    try (SmtpServer plain = SmtpServer.startWithoutTls(MX1)) {
      mx(plain);
      james.send(message(), RECIPIENT);
      await("the plain-text mx has the mail", () -> plain.messages().size() == 1);
      assertFalse(plain.messages().get(0).tls());
    }
    assertTrue(world.heard.stream().allMatch(e -> e.verdict() instanceof Verdict.Deliver),
        world.heard.toString());
    assertEquals(2, world.heard.size(), "both sessions went to the listener");
    assertNoBounce();
  }

  @Test
  void aCachedEnforcePolicyIsEnforcedWhileThePolicyHostIsDown() throws Exception {
    world.enforce();
    try (SmtpServer mx1 = world.good(MX1)) {
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("mx1 has the mail", () -> mx1.messages().size() == 1);
    }
    world.policyHost.serverError();
    world.newPolicyId();
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      mx(mx1);
      james.send(message(), RECIPIENT);
      await("the mail is queued again", () -> james.queuedRetries().equals(List.of(1)));
      assertTrue(mx1.messages().isEmpty());
      Verdict.Refuse refuse = world.refused(MX1);
      assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, refuse.failure().resultType());
      VerdictEvent event = world.heard.get(world.heard.size() - 1);
      assertEquals(PolicyLookup.Status.ENFORCE, event.lookup().status());
      assertInstanceOf(PolicyState.Applied.class, event.lookup().state());
      assertNoBounce();
    } finally {
      world.policyHost.reset();
    }
  }

  @Test
  void aTlsRptReportIsDeliveredDespiteAnEnforcedFailureAndNotCounted() throws Exception {
    world.enforce();
    String raw = "From: tlsrpt@origin.example.test\r\n"
        + "To: " + RECIPIENT + "\r\n"
        + "Subject: Report Domain: " + DOMAIN + " Submitter: origin.example.test"
        + " Report-ID: <1@origin.example.test>\r\n"
        + "TLS-Report-Domain: " + DOMAIN + "\r\n"
        + "TLS-Report-Submitter: origin.example.test\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\"b1\"\r\n"
        + "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThis is a TLS-RPT report.\r\n--b1--\r\n";
    MimeMessage report = new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      mx(mx1);
      james.send(report, RECIPIENT);
      await("mx1 has the report", () -> mx1.messages().size() == 1);
      // a report delivery is never refused, and never reported: the verdict delivers, and the
      // listener still hears what failed
      assertInstanceOf(Verdict.Deliver.class, world.verdictsFor(MX1).get(0));
      assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH,
          world.heard.get(0).sessionFailure().orElseThrow().resultType());
      assertTrue(world.heard.get(0).session().tlsReportDelivery());
    }
    assertTrue(world.collector.results(TODAY, DOMAIN).isEmpty(), "report sessions are not counted");
    assertNoBounce();
  }

  @Test
  void anEightBitMessageGoesOutUnchangedAsThroughJamesOwnTransport() throws Exception {
    world.enforce();
    MimeMessage m = message();
    m.setText("Gr\u00fc\u00dfe aus James.\n", "UTF-8");
    m.saveChanges();
    m.setHeader("Content-Transfer-Encoding", "8bit");
    try (SmtpServer mx1 = world.good(MX1)) {
      mx(mx1);
      james.send(m, RECIPIENT);
      await("mx1 has the mail", () -> mx1.messages().size() == 1);
      // James re-encodes to 7 bit for any transport whose class is not named SMTPTransport.
      assertTrue(mx1.messages().get(0).data().contains("Content-Transfer-Encoding: 8bit"),
          mx1.messages().get(0).data());
    }
  }
}
