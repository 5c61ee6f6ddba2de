package dev.mtasts.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.result.ResultType;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The mapping from exceptions to result types, for the cases a loopback server cannot produce
 * (connect timeouts) and for the shapes of exception chains the JDK may use.
 */
class FetchFailuresTest {
  private static final String HOST = "mta-sts.example.com";

  private static FetchResult.Failed classify(Throwable t) {
    return FetchFailures.classify(HOST, 443, Duration.ofSeconds(10), t);
  }

  private static SSLHandshakeException handshake(String message, Throwable cause) {
    SSLHandshakeException e = new SSLHandshakeException(message);
    e.initCause(cause);
    return e;
  }

  @Test
  void connectTimeoutIsAFetchErrorNamingTheTimeout() {
    FetchResult.Failed f = classify(new CompletionException(
        new HttpConnectTimeoutException("HTTP connect timed out")));
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, f.resultType());
    assertEquals("connecting to " + HOST + " port 443 timed out after 10 s", f.detail());
  }

  @Test
  void unresolvedAddressUnderAConnectExceptionIsAResolutionFailure() {
    ConnectException connect = new ConnectException();
    connect.initCause(new UnresolvedAddressException());
    FetchResult.Failed f = classify(new CompletionException(connect));
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, f.resultType());
    assertTrue(f.detail().contains("could not be resolved"), f.detail());
    assertTrue(classify(new UnknownHostException(HOST)).detail().contains("could not be resolved"));
  }

  @Test
  void expiredCertificateBehindAPathValidatorIsWebPkiInvalid() {
    CertPathValidatorException v = new CertPathValidatorException("validity check failed",
        new CertificateExpiredException("NotAfter: ..."), null, -1,
        CertPathValidatorException.BasicReason.EXPIRED);
    CertificateException validator = new CertificateException("PKIX path validation failed", v);
    FetchResult.Failed f = classify(new CompletionException(handshake("PKIX", validator)));
    assertEquals(ResultType.STS_WEBPKI_INVALID, f.resultType());
    assertTrue(f.detail().contains("it has expired"), f.detail());
  }

  @Test
  void certificateExceptionWithoutTlsIsNotAWebPkiFailure() {
    FetchResult.Failed f = classify(new IOException("x", new CertificateException("odd")));
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, f.resultType());
  }

  @Test
  void handshakeFailureWithoutCertificateProblemIsAFetchError() {
    FetchResult.Failed f = classify(new SSLHandshakeException("Received fatal alert: handshake_failure"));
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, f.resultType());
    assertTrue(f.detail().startsWith("the TLS handshake with " + HOST + " failed"), f.detail());
  }

  @Test
  void unexpectedExceptionsStillBecomeAFetchError() {
    FetchResult.Failed f = classify(new IllegalStateException("boom"));
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, f.resultType());
    assertTrue(f.detail().contains("java.lang.IllegalStateException"), f.detail());
  }

  @Test
  void cyclicCauseChainsTerminate() {
    IOException a = new IOException("a");
    EOFException b = new EOFException("b");
    a.initCause(b);
    b.initCause(a);
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, classify(a).resultType());
  }

  @Test
  void exceptionMessagesAreEscapedAndShortened() {
    String detail = classify(new IOException("line\r\nInjected: yes\u001b[2J" + "x".repeat(500)))
        .detail();
    assertFalse(detail.chars().anyMatch(c -> c < 0x20 || c > 0x7e), detail);
    assertTrue(detail.length() < 200, detail);
  }

  @Test
  void durationsAreWrittenForPeople() {
    assertEquals("60 s", FetchFailures.describe(Duration.ofMinutes(1)));
    assertEquals("1500 ms", FetchFailures.describe(Duration.ofMillis(1500)));
  }
}
