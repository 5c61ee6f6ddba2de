package dev.mtasts.it;

import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.TestCertificateAuthority;
import static dev.mtasts.it.Handshakes.MX;
import static dev.mtasts.it.Handshakes.applied;
import static dev.mtasts.it.Handshakes.facade;
import static dev.mtasts.it.Handshakes.handshake;
import static dev.mtasts.it.Handshakes.noPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.Verdict;
import dev.mtasts.policy.Mode;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.result.ResultType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** {@code MtaStsTrustManager} inside real TLS handshakes on loopback. */
class MtaStsTrustManagerTest {
  private static final TestCertificateAuthority CA =
      TestCertificateAuthority.create("Trust Manager Test CA", Clock.systemUTC());
  private final List<String> verdicts = new ArrayList<>();

  private MtaSts enforce() {
    return facade(applied(Mode.ENFORCE), CA, verdicts);
  }

  @Test
  void enforceAcceptsAGoodCertificateAndSendsTheMxNameAsSni() throws Exception {
    Handshakes.Result r = handshake(enforce(), CA.issueViaIntermediate(MX), MX, null, null);
    assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
    assertInstanceOf(Verdict.Deliver.class, r.verdict());
    assertEquals(MX, Handshakes.sniName(r));
    assertTrue(r.protocol().equals("TLSv1.3") || r.protocol().equals("TLSv1.2"), r.protocol());
    assertEquals(1, verdicts.size());
  }

  @Test
  void enforceRejectsTheHandshakeWithAWrongNameCertificate() throws Exception {
    Handshakes.Result r = handshake(enforce(), CA.issue("other.example.test"), MX, null, null);
    assertInstanceOf(SSLHandshakeException.class, r.failure().orElseThrow());
    Verdict.Refuse refuse = assertInstanceOf(Verdict.Refuse.class, r.verdict());
    assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, refuse.failure().resultType());
    assertEquals(List.of(MX + " " + refuse), verdicts);
  }

  @Test
  void enforceRejectsUntrustedAndExpiredCertificates() throws Exception {
    assertEquals(ResultType.CERTIFICATE_NOT_TRUSTED, refused(CA.selfSigned(MX)));
    assertEquals(ResultType.CERTIFICATE_NOT_TRUSTED, refused(CA.issueByUnknownAuthority(MX)));
    assertEquals(ResultType.CERTIFICATE_EXPIRED, refused(CA.issueExpired(MX)));
    assertEquals(ResultType.CERTIFICATE_HOST_MISMATCH, refused(CA.issueCnOnly(MX)));
  }

  private ResultType refused(IssuedCertificate cert) throws Exception {
    Handshakes.Result r = handshake(enforce(), cert, MX, null, null);
    assertInstanceOf(SSLHandshakeException.class, r.failure().orElseThrow());
    return assertInstanceOf(Verdict.Refuse.class, r.verdict()).failure().resultType();
  }

  @Test
  void enforceRejectsAnMxTheReportedPolicyDoesNotList() throws Exception {
    String unlisted = "mx9.elsewhere.test";
    Handshakes.Result r = handshake(enforce(), CA.issue(unlisted), unlisted, null, null);
    assertInstanceOf(SSLHandshakeException.class, r.failure().orElseThrow());
    assertEquals("mx-not-in-policy",
        assertInstanceOf(Verdict.Refuse.class, r.verdict()).failure()
            .failureReasonCode());
  }

  @Test
  void testingLetsTheHandshakeProceedAndRecordsTheFailure() throws Exception {
    MtaSts testing = facade(applied(Mode.TESTING), CA, verdicts);
    Handshakes.Result r = handshake(testing, CA.issueExpired(MX), MX, null, null);
    assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
    Verdict.DeliverAndReport report =
        assertInstanceOf(Verdict.DeliverAndReport.class, r.verdict());
    assertEquals(ResultType.CERTIFICATE_EXPIRED, report.failure().resultType());
    assertEquals(List.of(MX + " " + report), verdicts);
  }

  @Test
  void withoutAPolicyAnyCertificateIsAccepted() throws Exception {
    MtaSts none = facade(noPolicy(), CA, verdicts);
    Handshakes.Result r = handshake(none, CA.selfSigned("whatever.invalid"), MX, null, null);
    assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
    assertInstanceOf(Verdict.Deliver.class, r.verdict());
  }
}
