package dev.mtasts.james;

import static dev.mtasts.james.MtaStsWorld.DOMAIN;
import static dev.mtasts.james.MtaStsWorld.MX1;
import static dev.mtasts.james.MtaStsWorld.MX2;
import static dev.mtasts.james.MtaStsWorld.RECIPIENT;
import static dev.mtasts.james.MtaStsWorld.TODAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.Verdict;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.result.ResultType;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * The Jakarta Mail (James 3.9+) transport, through a harness that does what James's {@code
 * RemoteDelivery} does with a transport: a session with the README's {@code mail.*} parameters,
 * {@code Session.getTransport} resolving {@code mail.smtp.class} through this jar's provider
 * registration, connect to each MX host by name, send, and on a {@code MessagingException} whose
 * next exception is an {@code IOException} move on to the next MX. (The James 3.9 mailets jar does
 * not resolve from the Maven repository this build uses, so the mailet itself is tested at 3.8.1.)
 */
@Timeout(60)
class JakartaTransportTest {
  private static MtaStsWorld world;
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

  @AfterEach
  void uninstall() {
    MtaStsJames.uninstall(); // closes the policy cache before its directory goes
  }

  @BeforeEach
  void install() throws Exception {
    world.install(tmp.resolve("policies-" + ++run));
  }

  /** What the harness did with a message, as James would. */
  record Outcome(String deliveredTo, List<String> movedOn, String stopped) {
    boolean delivered() {
      return deliveredTo != null;
    }
  }

  /** The mail.* parameters of the README's mailet XML, with the Jakarta transport class. */
  private static Properties sessionProperties() throws IOException {
    Properties props = new Properties();
    for (Map.Entry<String, String> p : JamesRemoteDelivery.readmeParameters().entrySet()) {
      if (p.getKey().startsWith("mail.")) {
        props.setProperty(p.getKey(), p.getValue());
      }
    }
    // What James 3.9 does with startTLS=true, and the class of the 3.9 transport.
    props.setProperty("mail.smtp.starttls.enable", "true");
    props.setProperty("mail.smtp.class", "dev.mtasts.james.jakartamail.SMTPTransport");
    props.setProperty("mail.smtp.localhost", "james.origin.example.test");
    props.setProperty("mail.smtp.timeout", "5000");
    props.setProperty("mail.smtp.connectiontimeout", "5000");
    return props;
  }

  private static Outcome deliver(MimeMessage message, SmtpServer... mxHosts) throws Exception {
    return deliver(message, List.of(RECIPIENT), mxHosts);
  }

  private static Outcome deliver(MimeMessage message, List<String> recipients,
      SmtpServer... mxHosts) throws Exception {
    Address[] to = new Address[recipients.size()];
    for (int i = 0; i < to.length; i++) {
      to[i] = new InternetAddress(recipients.get(i));
    }
    Session session = Session.getInstance(sessionProperties());
    List<String> movedOn = new ArrayList<>();
    for (SmtpServer mx : mxHosts) {
      Transport transport = session.getTransport("smtp");
      assertInstanceOf(dev.mtasts.james.jakartamail.SMTPTransport.class, transport);
      try {
        transport.connect(mx.hostname(), mx.port(), null, null);
        transport.sendMessage(message, to);
        return new Outcome(mx.hostname(), movedOn, null);
      } catch (MessagingException e) {
        if (!(e.getNextException() instanceof IOException)) {
          return new Outcome(null, movedOn, String.valueOf(e.getMessage()));
        }
        movedOn.add(mx.hostname());
      } finally {
        transport.close();
      }
    }
    return new Outcome(null, movedOn, "no MX left: temporary failure");
  }

  static MimeMessage message() throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("sender@origin.example.test"));
    m.setRecipients(Message.RecipientType.TO, RECIPIENT);
    m.setSubject("MTA-STS from James 3.9");
    m.setText("Hello through Angus Mail.\n");
    m.saveChanges();
    return m;
  }

  @Test
  void enforceDeliversOverTlsToAGoodMx() throws Exception {
    world.enforce();
    try (SmtpServer mx1 = world.good(MX1)) {
      Outcome o = deliver(message(), mx1);
      assertEquals(MX1, o.deliveredTo());
      assertTrue(mx1.messages().get(0).tls());
      assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(mx1.messages().get(0).tlsProtocol()));
      assertEquals(List.of(new Verdict.Deliver()), world.verdictsFor(MX1));
      assertEquals(PolicyLookup.Status.ENFORCE, world.heard.get(0).lookup().status());
    }
  }

  @ParameterizedTest
  @EnumSource(RemoteDeliveryTest.BadMx.class)
  void enforceMovesOnFromABadFirstMxToAGoodSecondOne(RemoteDeliveryTest.BadMx bad)
      throws Exception {
    world.enforce();
    SmtpServer first = bad.start(world);
    try (first; SmtpServer mx2 = world.good(MX2)) {
      Outcome o = deliver(message(), first, mx2);
      assertEquals(MX2, o.deliveredTo());
      assertEquals(List.of(first.hostname()), o.movedOn());
      assertTrue(first.messages().isEmpty());
      assertEquals(bad.expected, world.refused(first.hostname()).failure().resultType());
    }
  }

  @Test
  void whenEveryMxFailsUnderEnforceNothingIsSentAndTheFailureIsTemporary() throws Exception {
    world.enforce();
    try (SmtpServer mx1 = world.wrongName(MX1); SmtpServer mx2 = SmtpServer.startWithoutTls(MX2)) {
      Outcome o = deliver(message(), mx1, mx2);
      assertFalse(o.delivered());
      assertEquals(List.of(MX1, MX2), o.movedOn(), "every MX was tried");
      assertTrue(mx1.messages().isEmpty());
      assertTrue(mx2.messages().isEmpty());
    }
  }

  @Test
  void testingDeliversDespiteABadCertificateAndCountsOneFailure() throws Exception {
    world.testing();
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      assertEquals(MX1, deliver(message(), mx1).deliveredTo());
      assertInstanceOf(Verdict.DeliverAndReport.class, world.verdictsFor(MX1).get(0));
    }
    List<PolicyResult> counted = world.collector.results(TODAY, DOMAIN);
    assertEquals(1, counted.get(0).totalFailureSessionCount());
    assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH,
        counted.get(0).failureDetails().get(0).failure().resultType());
  }

  @Test
  void withoutAPolicyItDeliversWithAnyCertificateOrInPlainText() throws Exception {
    world.noPolicy();
    try (SmtpServer mx1 = world.untrusted(MX1)) {
      assertEquals(MX1, deliver(message(), mx1).deliveredTo());
      assertTrue(mx1.messages().get(0).tls());
    }
    try (SmtpServer plain = SmtpServer.startWithoutTls(MX1)) {
      assertEquals(MX1, deliver(message(), plain).deliveredTo());
      assertFalse(plain.messages().get(0).tls());
    }
  }

  @Test
  void aCachedEnforcePolicyIsEnforcedWhileThePolicyHostIsDown() throws Exception {
    world.enforce();
    try (SmtpServer mx1 = world.good(MX1)) {
      assertEquals(MX1, deliver(message(), mx1).deliveredTo());
    }
    world.policyHost.serverError();
    world.newPolicyId();
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      Outcome o = deliver(message(), mx1);
      assertFalse(o.delivered());
      assertEquals(List.of(MX1), o.movedOn());
      assertTrue(mx1.messages().isEmpty());
    } finally {
      world.policyHost.reset();
    }
  }

  @Test
  void aTlsRptReportIsDeliveredDespiteAnEnforcedFailure() throws Exception {
    world.enforce();
    String raw = "From: tlsrpt@origin.example.test\r\nTo: " + RECIPIENT + "\r\n"
        + "Subject: Report Domain: " + DOMAIN + " Submitter: origin.example.test"
        + " Report-ID: <2@origin.example.test>\r\n"
        + "TLS-Report-Domain: " + DOMAIN + "\r\nTLS-Report-Submitter: origin.example.test\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\r\n"
        + "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nA TLS-RPT report.\r\n--b1--\r\n";
    MimeMessage report = new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      assertEquals(MX1, deliver(report, mx1).deliveredTo());
      assertInstanceOf(Verdict.Deliver.class, world.verdictsFor(MX1).get(0)); // never refused nor reported
    }
    assertTrue(world.collector.results(TODAY, DOMAIN).isEmpty());
  }

  @Test
  void recipientsOfSeveralDomainsGoToTheGatewayWithoutMtaSts() throws Exception {
    world.enforce();
    try (SmtpServer gateway = world.wrongName(MX1)) {
      Outcome o = deliver(message(), List.of(RECIPIENT, "other@elsewhere.example.test"), gateway);
      assertEquals(MX1, o.deliveredTo());
      assertTrue(world.heard.isEmpty(), "no policy was applied to the smart host");
    }
  }

  @Test
  void theTransportIsJakartaMailsOwnWithTheMtaStsSteps() throws Exception {
    Session session = Session.getInstance(sessionProperties());
    assertInstanceOf(org.eclipse.angus.mail.smtp.SMTPTransport.class,
        session.getTransport("smtp"), "James 3.9 casts it to Angus's SMTPTransport");
    assertEquals("dev.mtasts.james.jakartamail.SMTPTransport",
        session.getTransport("smtp").getClass().getName(),
        "the simple name SMTPTransport keeps James from re-encoding 8-bit messages");
  }

  @Test
  void twoSendsOnOneConnectionAreOneSessionWithOneVerdict() throws Exception {
    world.testing();
    try (SmtpServer mx1 = world.wrongName(MX1)) {
      Transport transport = Session.getInstance(sessionProperties()).getTransport("smtp");
      try {
        transport.connect(mx1.hostname(), mx1.port(), null, null);
        Address[] to = {new InternetAddress(RECIPIENT)};
        transport.sendMessage(message(), to); // as James does once per group of DSN options
        transport.sendMessage(message(), to);
      } finally {
        transport.close();
      }
      assertEquals(2, mx1.messages().size());
      assertEquals(1, world.verdictsFor(MX1).size());
      assertEquals(1, world.collector.results(TODAY, DOMAIN).get(0).totalFailureSessionCount());
    }
  }

  @Test
  void aFailedPolicyLookupDefersOnlyWhenConfiguredTo() throws Exception {
    world.noPolicy();
    world.dns.fault("_mta-sts." + DOMAIN, dev.mtasts.testkit.LoopbackDnsServer.Fault.SERVFAIL);
    try (SmtpServer mx1 = world.good(MX1)) {
      assertEquals(MX1, deliver(message(), mx1).deliveredTo(), "by default: sent");
      MtaStsJames.uninstall();
      world.install(tmp.resolve("policies-" + ++run), true);
      Outcome o = deliver(message(), mx1);
      assertFalse(o.delivered(), "deferWhenUnavailable: kept back");
      assertEquals(List.of(MX1), o.movedOn(), "a temporary failure, as for a refused MX");
      assertEquals(1, mx1.messages().size());
    } finally {
      world.dns.clearFault("_mta-sts." + DOMAIN);
    }
  }
}
