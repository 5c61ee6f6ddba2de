package dev.mtasts.examples.relay;

import static dev.mtasts.examples.relay.RelayFixture.DOMAIN;
import static dev.mtasts.examples.relay.RelayFixture.MX1;
import static dev.mtasts.examples.relay.RelayFixture.MX2;
import static dev.mtasts.examples.relay.RelayFixture.message;
import static dev.mtasts.examples.relay.RelayFixture.recipients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtasts.decision.Verdict;
import dev.mtasts.testkit.SmtpServer;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real TLS 1.1-only MX server. The JDK disables TLS 1.1, so this class runs in the surefire
 * execution "tls11", whose JVM loads {@code tls11.security}. The relay offers TLS 1.2 and 1.3 only,
 * so the handshake fails before any certificate is looked at: under {@code enforce} the host is
 * refused ({@code validation-failure}, {@code tls-handshake-failed}) and nothing is sent. (That a
 * session which did negotiate TLS 1.1 fails as {@code tls-version} is tested on the trust manager,
 * in mtasts-testkit's {@code MtaStsTrustManagerTls11Test}.)
 */
class MtaStsRelayTls11Test {
  private static RelayFixture world;

  @BeforeAll
  static void start() throws Exception {
    boolean enabled = List.of(SSLContext.getDefault().getDefaultSSLParameters().getProtocols())
        .contains("TLSv1.1");
    if (Boolean.getBoolean("mtasts.tls11")) {
      assertTrue(enabled, "the tls11 execution must load tls11.security");
    }
    assumeTrue(enabled, "TLS 1.1 is disabled in this JVM (see the surefire execution tls11)");
    world = new RelayFixture();
  }

  @AfterAll
  static void stop() {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void enforceRefusesATls11OnlyMxAndDeliversToTheNextOne() throws Exception {
    world.enforce();
    world.mx(MX1, MX2);
    try (SmtpServer old = SmtpServer.start(MX1, world.ca.issue(MX1).serverContext(), "TLSv1.1");
        SmtpServer mx2 = SmtpServer.start(MX2, world.ca.issue(MX2).serverContext())) {
      DeliveryResult result = MtaStsRelay.builder(world.mtaSts())
          .port(MX1, old.port()).port(MX2, mx2.port()).timeout(Duration.ofSeconds(5)).build()
          .deliver(DOMAIN, message(), recipients());
      DeliveryResult.Delivered d = assertInstanceOf(DeliveryResult.Delivered.class, result);
      assertEquals(MX2, d.host());
      assertTrue(old.messages().isEmpty(), "nothing went to the TLS 1.1 server");
      Verdict.Refuse refuse = assertInstanceOf(Verdict.Refuse.class,
          d.attempts().get(0).verdict().orElseThrow());
      assertEquals("tls-handshake-failed", refuse.failure().failureReasonCode());
    }
  }
}
