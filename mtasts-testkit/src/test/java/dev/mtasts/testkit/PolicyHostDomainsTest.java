package dev.mtasts.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.result.ResultType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One {@link PolicyHost} server for two policy domains on one port: the certificate chosen by the SNI
 * name, the answer by the {@code Host} header, each domain controlled on its own. The test JVM maps
 * {@code mta-sts.example.test}, {@code mta-sts.other.test} and {@code mta-sts.stranger.test} (for
 * which the server has no certificate) to 127.0.0.1 through {@code src/test/resources/hosts}.
 */
@Timeout(30)
class PolicyHostDomainsTest {
  private static final String FIRST = "example.test";
  private static final String SECOND = "other.test";
  private static final String STRANGER = "stranger.test";

  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
  private static final IssuedCertificate FIRST_CERT = CA.issue("mta-sts." + FIRST);
  private static final IssuedCertificate SECOND_CERT = CA.issue("mta-sts." + SECOND);
  private static PolicyHost host;
  private static PolicyHost second;

  @BeforeAll
  static void start() {
    host = PolicyHost.builder().domain(FIRST, FIRST_CERT).domain(SECOND, SECOND_CERT).start();
    second = host.domain(SECOND);
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @BeforeEach
  void reset() {
    host.reset();
    second.reset();
  }

  @Test
  void oneFetcherOnOnePortGetsTheRightPolicyOfEachDomain() {
    assertEquals(List.of(FIRST, SECOND), host.domains());
    assertEquals(FIRST, host.policyDomain());
    assertEquals(SECOND, second.policyDomain());
    assertEquals(host.port(), second.port());
    second.body("version: STSv1\r\nmode: testing\r\nmx: mail.other.test\r\nmax_age: 86400\r\n");
    HttpsPolicyFetcher fetcher = fetcher();

    FetchResult.Fetched first = fetched(fetcher.fetch(FIRST));
    FetchResult.Fetched other = fetched(fetcher.fetch(SECOND));

    assertEquals(Mode.ENFORCE, first.policy().mode());
    assertEquals(MxPattern.of("mx1.example.test"), first.policy().mx().get(0));
    assertEquals(Mode.TESTING, other.policy().mode());
    assertEquals(List.of(MxPattern.of("mail.other.test")), other.policy().mx());
    assertEquals(1, host.requestCount());
    assertEquals(1, second.requestCount());
    assertEquals(List.of("mta-sts.other.test:" + host.port()),
        second.requests().get(0).headers().get("host"));
  }

  @Test
  void eachHandshakePresentsTheCertificateForItsSniName() throws IOException {
    assertEquals(FIRST_CERT.certificate(), handshake("mta-sts." + FIRST, true));
    assertEquals(SECOND_CERT.certificate(), handshake("mta-sts." + SECOND, true));
  }

  @Test
  void aNameNoCertificateIsForFailsTheFetchAsWebPkiInvalid() {
    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class,
        fetcher().fetch(STRANGER));
    assertEquals(ResultType.STS_WEBPKI_INVALID, failed.resultType(), failed.detail());
    assertTrue(failed.detail().contains("not valid for the name mta-sts." + STRANGER),
        failed.detail());
    assertEquals(0, host.requestCount());
    assertEquals(0, second.requestCount());
  }

  /** The JDK's own name check refuses the handshake too, whether the client sends SNI or not. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aNameNoCertificateIsForFailsTheHandshake(boolean sendSni) {
    assertThrows(SSLHandshakeException.class, () -> handshake("mta-sts." + STRANGER, sendSni));
  }

  @Test
  void eachDomainIsControlledOnItsOwn() {
    HttpsPolicyFetcher fetcher = fetcher();
    second.notFound();
    fetched(fetcher.fetch(FIRST));
    assertFailed(fetcher.fetch(SECOND), ResultType.STS_POLICY_FETCH_ERROR, "404");

    second.connectionReset();
    host.wrongContentType();
    assertFailed(fetcher.fetch(FIRST), ResultType.STS_POLICY_FETCH_ERROR, "text/html");
    assertFailed(fetcher.fetch(SECOND), ResultType.STS_POLICY_FETCH_ERROR, "mta-sts." + SECOND);

    int firstRequests = host.requestCount();
    assertEquals(2, firstRequests);
    second.reset();
    assertEquals(0, second.requestCount());
    assertEquals(firstRequests, host.requestCount(), "a reset of one domain keeps the other's");
    fetched(fetcher.fetch(SECOND));
    assertFailed(fetcher.fetch(FIRST), ResultType.STS_POLICY_FETCH_ERROR, "text/html");
  }

  /**
   * With one certificate for all three names, one connection (SNI {@code mta-sts.example.test})
   * gets each domain's policy by the {@code Host} header alone, and 404 for a host it does not serve.
   */
  @Test
  void theHostHeaderChoosesTheAnswer() throws IOException {
    IssuedCertificate all = CA.issue("mta-sts." + FIRST, "mta-sts." + SECOND, "mta-sts." + STRANGER);
    try (PolicyHost shared = PolicyHost.builder().domain(FIRST, all).domain(SECOND, all).start()) {
      String first = get(shared.port(), "mta-sts." + FIRST, "mta-sts." + FIRST);
      String other = get(shared.port(), "mta-sts." + FIRST, "mta-sts." + SECOND);
      String stranger = get(shared.port(), "mta-sts." + FIRST, "mta-sts." + STRANGER);

      assertTrue(first.startsWith("HTTP/1.1 200 ") && first.contains("mx: mx1.example.test"), first);
      assertTrue(other.startsWith("HTTP/1.1 200 ") && other.contains("mx: mx1.other.test"), other);
      assertTrue(stranger.startsWith("HTTP/1.1 404 "), stranger);
      assertEquals(1, shared.requestCount());
      assertEquals(1, shared.domain(SECOND).requestCount());
    }
  }

  @Test
  void domainsAreNamedOnceAndLookedUpInAnyCase() {
    assertSame(second, host.domain("Other.TEST"));
    assertSame(host, second.domain(FIRST));
    assertThrows(IllegalArgumentException.class, () -> host.domain(STRANGER));
    PolicyHost.Builder builder = PolicyHost.builder().domain(FIRST, FIRST_CERT);
    assertThrows(IllegalArgumentException.class, () -> builder.domain("EXAMPLE.test", FIRST_CERT));
    assertThrows(IllegalStateException.class, () -> PolicyHost.builder().start());
  }

  @Test
  void closingTheHostOfAnyDomainStopsTheServerForAll() {
    PolicyHost other;
    try (PolicyHost first = PolicyHost.builder().domain(FIRST, FIRST_CERT)
        .domain(SECOND, SECOND_CERT).start()) {
      other = first.domain(SECOND);
      fetched(fetcher(first.port()).fetch(SECOND));
      other.close();
      assertFailed(fetcher(first.port()).fetch(FIRST), ResultType.STS_POLICY_FETCH_ERROR,
          "could not connect");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static HttpsPolicyFetcher fetcher() {
    return fetcher(host.port());
  }

  private static HttpsPolicyFetcher fetcher(int port) {
    return HttpsPolicyFetcher.builder()
        .sslContext(CA.sslContext())
        .port(port)
        .connectTimeout(Duration.ofSeconds(5))
        .deadline(Duration.ofSeconds(10))
        .build();
  }

  private static FetchResult.Fetched fetched(FetchResult r) {
    return assertInstanceOf(FetchResult.Fetched.class, r, () -> "expected a policy, got " + r);
  }

  private static void assertFailed(FetchResult r, ResultType type, String detailPart) {
    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, r,
        () -> "expected a failure, got " + r);
    assertEquals(type, failed.resultType(), failed.detail());
    assertTrue(failed.detail().contains(detailPart),
        () -> "'" + detailPart + "' not in: " + failed.detail());
  }

  /**
   * Connects to {@code hostName} on the host's port with the JDK's HTTPS name check, and returns
   * the certificate the server presented.
   */
  private static X509Certificate handshake(String hostName, boolean sendSni) throws IOException {
    try (SSLSocket socket = (SSLSocket) CA.sslContext().getSocketFactory()
        .createSocket(hostName, host.port())) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      parameters.setServerNames(sendSni ? List.of(new SNIHostName(hostName)) : List.of());
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** One GET of the policy path over a connection whose SNI name and Host header are given. */
  private static String get(int port, String sniName, String hostHeader) throws IOException {
    try (SSLSocket socket = (SSLSocket) CA.sslContext().getSocketFactory()
        .createSocket(sniName, port)) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      parameters.setServerNames(List.of(new SNIHostName(sniName)));
      socket.setSSLParameters(parameters);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + PolicyHost.PATH + " HTTP/1.1\r\nHost: " + hostHeader + ":" + port
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
