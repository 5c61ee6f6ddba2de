package dev.mtasts.it;

import dev.mtasts.testkit.TestCertificateAuthority;
import static dev.mtasts.it.Handshakes.MX;
import static dev.mtasts.it.Handshakes.applied;
import static dev.mtasts.it.Handshakes.facade;
import static dev.mtasts.it.Handshakes.handshake;
import static dev.mtasts.it.Handshakes.noPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtasts.result.Failure;
import dev.mtasts.decision.Verdict;
import dev.mtasts.policy.Mode;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.result.ResultType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.1 handshake that the client allows: the trust manager must still refuse it (RFC 8461
 * section 7.2). The JDK disables TLS 1.1, so this class runs in the surefire execution "tls11",
 * whose JVM loads {@code tls11.security}; the default execution leaves it out.
 */
class MtaStsTrustManagerTls11Test {
  private static final TestCertificateAuthority CA =
      TestCertificateAuthority.create("TLS 1.1 Test CA", Clock.systemUTC());
  private static final String[] TLS11 = {"TLSv1.1"};
  private static final String[] ANY = {"TLSv1.3", "TLSv1.2", "TLSv1.1"};
  private final List<String> verdicts = new ArrayList<>();

  @BeforeAll
  static void tls11IsEnabledInThisJvm() throws Exception {
    boolean enabled = List.of(SSLContext.getDefault().getDefaultSSLParameters().getProtocols())
        .contains("TLSv1.1");
    if (Boolean.getBoolean("mtasts.tls11")) {
      assertTrue(enabled, "the tls11 execution must load tls11.security");
    }
    assumeTrue(enabled, "TLS 1.1 is disabled in this JVM (see the surefire execution tls11)");
  }

  @Test
  void enforceRefusesAHandshakeThatNegotiatedTls11() throws Exception {
    Handshakes.Result r = handshake(facade(applied(Mode.ENFORCE), CA, verdicts),
        CA.issue(MX), MX, TLS11, ANY);
    assertInstanceOf(SSLHandshakeException.class, r.failure().orElseThrow());
    Failure f = assertInstanceOf(Verdict.Refuse.class, r.verdict()).failure();
    assertEquals(ResultType.VALIDATION_FAILURE, f.resultType());
    assertEquals("tls-version", f.failureReasonCode());
    assertTrue(f.detail().contains("TLSv1.1"), f.detail());
  }

  @Test
  void testingReportsTls11AndLetsItProceed() throws Exception {
    Handshakes.Result r = handshake(facade(applied(Mode.TESTING), CA, verdicts),
        CA.issue(MX), MX, TLS11, ANY);
    assertEquals("TLSv1.1", r.protocol());
    Failure f = assertInstanceOf(Verdict.DeliverAndReport.class, r.verdict())
        .failure();
    assertEquals("tls-version", f.failureReasonCode());
  }

  @Test
  void withoutAPolicyTls11IsOpportunisticTls() throws Exception {
    Handshakes.Result r =
        handshake(facade(noPolicy(), CA, verdicts), CA.issue(MX), MX, TLS11, ANY);
    assertEquals("TLSv1.1", r.protocol());
    assertInstanceOf(Verdict.Deliver.class, r.verdict());
  }

  @Test
  void theFacadesParametersNeverOfferTls11() throws Exception {
    // With MtaSts.sslParameters as they are (TLS 1.2+), a TLS 1.1-only server cannot complete a
    // handshake at all, and the trust manager is never asked; afterHandshake(e) still gives the one
    // verdict of the session, and reports it once.
    Handshakes.Result r = handshake(facade(applied(Mode.ENFORCE), CA, verdicts),
        CA.issue(MX), MX, TLS11, null);
    assertInstanceOf(SSLHandshakeException.class, r.failure().orElseThrow());
    Failure f = assertInstanceOf(Verdict.Refuse.class, r.verdict()).failure();
    assertEquals("tls-handshake-failed", f.failureReasonCode());
    assertEquals(1, verdicts.size(), verdicts::toString);
  }
}
