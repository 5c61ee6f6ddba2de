package dev.mtasts.examples.relay;

import static dev.mtasts.examples.relay.RelayFixture.DOMAIN;
import static dev.mtasts.examples.relay.RelayFixture.MX1;
import static dev.mtasts.examples.relay.RelayFixture.MX2;
import static dev.mtasts.examples.relay.RelayFixture.UNLISTED;
import static dev.mtasts.examples.relay.RelayFixture.message;
import static dev.mtasts.examples.relay.RelayFixture.recipients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.result.Failure;
import dev.mtasts.decision.Verdict;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.result.ResultType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MtaStsRelay} against real servers on loopback: DNS, the HTTPS policy host and SMTP servers
 * with certificates of a test CA, reached by their MX names through this module's hosts file.
 */
class MtaStsRelayTest {
  private static RelayFixture world;

  @BeforeAll
  static void start() throws Exception {
    world = new RelayFixture();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @BeforeEach
  void reset() {
    world.heard.clear();
  }

  private static DeliveryResult deliver(SmtpServer... servers) throws Exception {
    MtaStsRelay.Builder b = MtaStsRelay.builder(world.mtaSts())
        .heloName("relay.origin.example.test")
        .timeout(Duration.ofSeconds(5));
    for (SmtpServer server : servers) {
      b.port(server.hostname(), server.port());
    }
    return b.build().deliver(DOMAIN, message(), recipients());
  }

  private static Failure heardFailure(String host) {
    return world.heard.stream().filter(h -> h.host().equals(host)).map(h -> h.verdict())
        .map(v -> v instanceof Verdict.Refuse r ? r.failure()
            : ((Verdict.DeliverAndReport) v).failure())
        .findFirst().orElseThrow();
  }

  @Test
  void enforceDeliversOverTlsToAGoodMx() throws Exception {
    world.enforce();
    world.mx(MX1);
    try (SmtpServer mx1 = SmtpServer.start(MX1, world.ca.issueViaIntermediate(MX1).serverContext())) {
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class, deliver(mx1));
      assertEquals(MX1, d.host());
      assertTrue(d.tls());
      assertInstanceOf(Verdict.Deliver.class, d.verdict());
      assertEquals(1, mx1.messages().size());
      SmtpServer.Message m = mx1.messages().get(0);
      assertTrue(m.tls());
      assertTrue(m.tlsProtocol().equals("TLSv1.3") || m.tlsProtocol().equals("TLSv1.2"));
      assertEquals(List.of("<" + RelayFixture.RECIPIENT + ">"), m.recipients());
      assertTrue(m.data().contains("Hello over loopback."));
    }
  }

  @Test
  void enforceDefersWhenStarttlsIsStrippedAndSendsNothing() throws Exception {
    world.enforce();
    world.mx(MX1);
    try (SmtpServer attacker = SmtpServer.startWithoutTls(MX1)) {
      DeliveryResult.Deferred d = assertInstanceOf(DeliveryResult.Deferred.class, deliver(attacker));
      assertTrue(d.retryLater().isPresent());
      assertEquals(1, attacker.connections());
      assertTrue(attacker.messages().isEmpty(), "nothing was delivered in plain text");
      assertEquals(ResultType.STARTTLS_NOT_SUPPORTED, heardFailure(MX1).resultType());
      assertInstanceOf(Verdict.Refuse.class, d.attempts().get(0).verdict().orElseThrow());
    }
  }

  @Test
  void enforceDefersWhenTheCertificateNamesAnotherHost() throws Exception {
    world.enforce();
    world.mx(MX1);
    try (SmtpServer mx1 =
        SmtpServer.start(MX1, world.ca.issue("www." + DOMAIN).serverContext())) {
      DeliveryResult.Deferred d = assertInstanceOf(DeliveryResult.Deferred.class, deliver(mx1));
      assertTrue(d.retryLater().isPresent());
      assertTrue(mx1.messages().isEmpty());
      assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, heardFailure(MX1).resultType());
    }
  }

  @Test
  void enforceMovesOnFromABadFirstMxToAGoodSecondOne() throws Exception {
    world.enforce();
    world.mx(MX1, MX2);
    try (SmtpServer mx1 = SmtpServer.start(MX1, world.ca.issueExpired(MX1).serverContext());
        SmtpServer mx2 = SmtpServer.start(MX2, world.ca.issue(MX2).serverContext())) {
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class,
          deliver(mx1, mx2));
      assertEquals(MX2, d.host());
      assertEquals(List.of(MX1, MX2), d.attempts().stream().map(a -> a.host()).toList());
      assertEquals(1, mx1.connections());
      assertTrue(mx1.messages().isEmpty());
      assertEquals(1, mx2.messages().size());
      assertEquals(ResultType.CERTIFICATE_EXPIRED, heardFailure(MX1).resultType());
    }
  }

  @Test
  void enforceSkipsAnMxThePolicyDoesNotListAndReportsIt() throws Exception {
    world.enforce();
    world.mx(UNLISTED, MX1);
    try (SmtpServer unlisted = SmtpServer.start(UNLISTED,
            world.ca.issue(UNLISTED).serverContext());
        SmtpServer mx1 = SmtpServer.start(MX1, world.ca.issue(MX1).serverContext())) {
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class,
          deliver(unlisted, mx1));
      assertEquals(MX1, d.host());
      assertEquals(0, unlisted.connections(), "an unlisted MX is never contacted");
      assertEquals("mx-not-in-policy", heardFailure(UNLISTED).failureReasonCode());
    }
  }

  @Test
  void testingDeliversDespiteABadCertificateAndReportsIt() throws Exception {
    world.testing();
    world.mx(MX1);
    try (SmtpServer mx1 =
        SmtpServer.start(MX1, world.ca.issue("www." + DOMAIN).serverContext())) {
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class, deliver(mx1));
      assertTrue(d.tls());
      Verdict.DeliverAndReport report = assertInstanceOf(Verdict.DeliverAndReport.class,
          d.verdict());
      assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, report.failure().resultType());
      assertEquals(1, world.heard.size());
      assertEquals(report, world.heard.get(0).verdict());
      assertEquals(1, mx1.messages().size());
    }
  }

  @Test
  void testingDeliversWithoutStarttlsAndReportsIt() throws Exception {
    world.testing();
    world.mx(MX1);
    try (SmtpServer mx1 = SmtpServer.startWithoutTls(MX1)) {
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class, deliver(mx1));
      assertFalse(d.tls());
      assertEquals(ResultType.STARTTLS_NOT_SUPPORTED, heardFailure(MX1).resultType());
      assertEquals(1, mx1.messages().size());
    }
  }

  @Test
  void withoutAPolicyTheRelayDeliversOpportunistically() throws Exception {
    world.noPolicy();
    world.mx(MX1);
    try (SmtpServer selfSigned = SmtpServer.start(MX1, world.ca.selfSigned(MX1).serverContext())) {
      DeliveryResult.Delivered d =
          assertInstanceOf(DeliveryResult.Delivered.class, deliver(selfSigned));
      assertTrue(d.tls(), "TLS with any certificate");
      assertInstanceOf(Verdict.Deliver.class, d.verdict());
    }
    try (SmtpServer plain = SmtpServer.startWithoutTls(MX1)) {
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class, deliver(plain));
      assertFalse(d.tls(), "plain text when STARTTLS is not offered");
      assertFalse(plain.messages().get(0).tls());
    }
  }

  @Test
  void aNullMxBouncesAndAFailedMxLookupDefers() throws Exception {
    world.noPolicy();
    world.mx(".");
    assertInstanceOf(DeliveryResult.Bounced.class, deliver());
    world.dns.remove(DOMAIN, "MX");
    world.dns.fault(DOMAIN, "MX", dev.mtasts.testkit.LoopbackDnsServer.Fault.SERVFAIL);
    try {
      assertInstanceOf(DeliveryResult.Deferred.class, deliver());
    } finally {
      world.dns.clearFault(DOMAIN);
    }
  }
}
