package dev.mtasts.it;

import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.result.ResultType;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpsPolicyFetcher} against a {@link PolicyHost} on loopback: every outcome of a fetch and
 * its RFC 8460 result type. The test JVM maps {@code mta-sts.example.test} and {@code
 * mta-sts.xn--bcher-kva.example.test} to 127.0.0.1 through {@code src/test/resources/hosts}.
 */
@Timeout(30)
class HttpsPolicyFetcherTest {
  private static final String DOMAIN = "example.test";
  private static final String HOST = "mta-sts.example.test";
  private static final int LIMIT = Policy.MAX_BODY_BYTES;
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
  private static PolicyHost host;

  @BeforeAll
  static void start() {
    host = PolicyHost.start(DOMAIN, CA.issue(HOST));
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @BeforeEach
  void reset() {
    host.reset();
  }

  // ---------------------------------------------------------------- valid policies

  @Test
  void validPolicyWithCrlfLineEnds() {
    FetchResult.Fetched fetched = fetched(fetcher().fetch(DOMAIN));
    assertEquals(Mode.ENFORCE, fetched.policy().mode());
    assertEquals(List.of(MxPattern.of("mx1.example.test"), MxPattern.of("mx2.example.test"),
        MxPattern.of("*.backup.example.test")), fetched.policy().mx());
    assertEquals(Duration.ofSeconds(604800), fetched.policy().maxAge());
    assertEquals(List.of(), fetched.warnings());
    assertEquals(NOW, fetched.fetchedAt(), "stamped by the injected clock");
    assertEquals(1, host.requestCount(), "exactly one GET");
  }

  @Test
  void validPolicyWithLfLineEnds() {
    host.body("version: STSv1\nmode: testing\nmx: mail.example.test\nmax_age: 86400\n");
    FetchResult.Fetched fetched = fetched(fetcher().fetch(DOMAIN));
    assertEquals(Mode.TESTING, fetched.policy().mode());
    assertEquals(List.of(MxPattern.of("mail.example.test")), fetched.policy().mx());
  }

  @Test
  void toleratedNoiseComesBackAsWarnings() {
    host.body("version: STSv1\r\nmode: none\r\nmax_age: 86400 \r\n");
    FetchResult.Fetched fetched = fetched(fetcher().fetch(DOMAIN));
    assertEquals(Mode.NONE, fetched.policy().mode());
    assertEquals(Problem.Kind.TRAILING_WHITESPACE, fetched.warnings().get(0).kind());
  }

  @Test
  void requestIsAPlainGetWithoutCachingHeadersAndCachingHeadersAreNotHonoured() {
    host.header("Cache-Control", "max-age=3600").header("ETag", "\"v1\"")
        .header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        .header("Expires", "Wed, 21 Oct 2099 07:28:00 GMT");
    HttpsPolicyFetcher fetcher = fetcher();
    fetched(fetcher.fetch(DOMAIN));
    fetched(fetcher.fetch(DOMAIN));
    assertEquals(2, host.requestCount(), "the second fetch is not answered from any cache");
    for (PolicyHost.RecordedRequest r : host.requests()) {
      assertEquals("GET", r.method());
      assertEquals("/.well-known/mta-sts.txt", r.url());
      for (String h : List.of("if-none-match", "if-modified-since", "cache-control", "pragma")) {
        assertFalse(r.headers().containsKey(h), h + " must not be sent: " + r.headers());
      }
      assertEquals(List.of(HOST + ":" + host.port()), r.headers().get("host"));
    }
  }

  @Test
  void uLabelDomainIsFetchedFromItsALabelPolicyHost() {
    String aLabel = "xn--bcher-kva.example.test";
    try (PolicyHost idn = PolicyHost.start(aLabel, CA.issue("mta-sts." + aLabel))) {
      HttpsPolicyFetcher fetcher = fetcher(b -> b.port(idn.port()));
      assertEquals(idn.uri(), fetcher.policyUri("b\u00fccher.example.test"));
      FetchResult.Fetched fetched = fetched(fetcher.fetch("B\u00dcCHER.Example.TEST."));
      assertEquals(List.of(MxPattern.of("mx1." + aLabel), MxPattern.of("mx2." + aLabel),
          MxPattern.of("*.backup." + aLabel)), fetched.policy().mx());
      assertEquals(1, idn.requestCount());
    }
  }

  @Test
  void invalidDomainIsAnArgumentError() {
    HttpsPolicyFetcher fetcher = fetcher();
    for (String bad : List.of("", "exa mple.test", "a..test", "under_score.test", "-x.test",
        "x".repeat(64) + ".test", "a.".repeat(123) + "test")) {
      assertThrows(IllegalArgumentException.class, () -> fetcher.fetchAsync(bad), bad);
    }
    assertEquals(0, host.requestCount());
  }

  @Test
  void policyUriIsTheWellKnownPathOnPort443ByDefault() {
    assertEquals(URI.create("https://mta-sts.example.com/.well-known/mta-sts.txt"),
        HttpsPolicyFetcher.builder().build().policyUri("Example.COM"));
  }

  @Test
  void concurrentFetchesShareOneClient() throws Exception {
    HttpsPolicyFetcher fetcher = fetcher();
    List<CompletableFuture<FetchResult>> futures = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      futures.add(fetcher.fetchAsync(DOMAIN));
    }
    for (CompletableFuture<FetchResult> f : futures) {
      fetched(f.get(20, TimeUnit.SECONDS));
    }
    assertEquals(6, host.requestCount());
  }

  @Test
  void runsOnTheGivenExecutor() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      HttpsPolicyFetcher fetcher = fetcher(b -> b.executor(r -> {
        tasks.incrementAndGet();
        pool.execute(r);
      }));
      fetched(fetcher.fetch(DOMAIN));
      assertTrue(tasks.get() > 0, "the client used the executor");
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- certificates

  @Test
  void certificateForAnotherNameIsWebPkiInvalid() {
    Failed failed = withCertificate(CA.issue("www.example.test"));
    failed.assertType(ResultType.STS_WEBPKI_INVALID).assertDetail("not valid for the name " + HOST);
  }

  @Test
  void expiredCertificateIsWebPkiInvalid() {
    withCertificate(CA.issueExpired(HOST))
        .assertType(ResultType.STS_WEBPKI_INVALID).assertDetail("expired");
  }

  @Test
  void notYetValidCertificateIsWebPkiInvalid() {
    withCertificate(CA.issueNotYetValid(HOST))
        .assertType(ResultType.STS_WEBPKI_INVALID).assertDetail("not valid yet");
  }

  @Test
  void selfSignedCertificateIsWebPkiInvalid() {
    withCertificate(CA.selfSigned(HOST))
        .assertType(ResultType.STS_WEBPKI_INVALID).assertDetail("does not chain to a trusted root");
  }

  @Test
  void certificateFromAnUnknownCaIsWebPkiInvalid() {
    withCertificate(CA.issueByUnknownAuthority(HOST))
        .assertType(ResultType.STS_WEBPKI_INVALID).assertDetail("does not chain to a trusted root");
  }

  @Test
  void cnOnlyCertificateIsWebPkiInvalidThoughTheJdkWouldFallBackToTheCn() {
    withCertificate(CA.issueCnOnly(HOST))
        .assertType(ResultType.STS_WEBPKI_INVALID)
        .assertDetail("no subjectAltName DNS name; the subject CN is not used");
  }

  @Test
  void partialLabelWildcardIsWebPkiInvalid() {
    withCertificate(CA.issue("mta*.example.test")).assertType(ResultType.STS_WEBPKI_INVALID);
  }

  @Test
  void wildcardCertificateIsValidForThePolicyHost() {
    try (PolicyHost wildcard = PolicyHost.start(DOMAIN, CA.issue("*.example.test"))) {
      fetched(fetcher(b -> b.port(wildcard.port())).fetch(DOMAIN));
      assertEquals(1, wildcard.requestCount());
    }
  }

  @Test
  void chainWithIntermediateIsValidButNotWithoutIt() {
    IssuedCertificate viaIntermediate = CA.issueViaIntermediate(HOST);
    try (PolicyHost full = PolicyHost.start(DOMAIN, viaIntermediate)) {
      fetched(fetcher(b -> b.port(full.port())).fetch(DOMAIN));
    }
    withCertificate(viaIntermediate.withoutIntermediates())
        .assertType(ResultType.STS_WEBPKI_INVALID).assertDetail("does not chain to a trusted root");
  }

  @Test
  void trustCanBeGivenAsKeyStoreOrPem() {
    fetched(HttpsPolicyFetcher.builder().trustStore(CA.trustStore()).port(host.port()).build()
        .fetch(DOMAIN));
    fetched(HttpsPolicyFetcher.builder().trustedCertificatesPem(CA.pem()).port(host.port()).build()
        .fetch(DOMAIN));
    fetched(HttpsPolicyFetcher.builder()
        .trustedCertificates(List.of(CA.certificate())).port(host.port()).build().fetch(DOMAIN));
  }

  @Test
  void theJdkDefaultTrustDoesNotKnowTheTestCa() {
    FetchResult r = HttpsPolicyFetcher.builder().port(host.port()).build().fetch(DOMAIN);
    new Failed(r).assertType(ResultType.STS_WEBPKI_INVALID);
    assertEquals(0, host.requestCount(), "nothing is sent before the certificate is accepted");
  }

  // ---------------------------------------------------------------- HTTP

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 307, 308})
  void redirectIsNotFollowed(int status) {
    host.redirect(status, host.uri() + "?moved");
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("redirect (HTTP " + status + ")")
        .assertDetail("'" + host.uri() + "?moved'");
    assertEquals(1, host.requestCount(), "the redirect target was not requested");
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 204, 206, 404, 500, 503})
  void onlyStatus200IsAPolicy(int status) {
    host.status(status);
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("answered HTTP " + status + "; only 200");
  }

  @Test
  void wrongContentTypeIsAFetchError() {
    host.wrongContentType();
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR).assertDetail("Content-Type 'text/html'");
    host.contentType("text/plain-ish");
    new Failed(fetcher().fetch(DOMAIN)).assertType(ResultType.STS_POLICY_FETCH_ERROR);
  }

  @Test
  void missingContentTypeIsAFetchError() {
    host.noContentType();
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR).assertDetail("no Content-Type");
  }

  @Test
  void lenientOptionAcceptsWrongOrMissingContentType() {
    HttpsPolicyFetcher lenient = fetcher(b -> b.acceptAnyContentType(true));
    host.wrongContentType();
    fetched(lenient.fetch(DOMAIN));
    host.noContentType();
    fetched(lenient.fetch(DOMAIN));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain; charset=utf-8", "TEXT/PLAIN", "Text/Plain;charset=us-ascii",
      "text/plain ; format=flowed"})
  void textPlainInAnyCaseWithParametersIsAccepted(String contentType) {
    host.contentType(contentType);
    fetched(fetcher().fetch(DOMAIN));
  }

  // ---------------------------------------------------------------- size

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void bodyOfExactly64KiBIsAccepted(boolean withContentLength) {
    host.hugeBody(LIMIT, withContentLength);
    FetchResult.Fetched fetched = fetched(fetcher().fetch(DOMAIN));
    assertEquals(Mode.ENFORCE, fetched.policy().mode());
  }

  @Test
  void announcedLengthOverTheLimitIsRefusedBeforeReading() {
    host.hugeBody(LIMIT + 1, true);
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("announced a policy of " + (LIMIT + 1) + " bytes (Content-Length)");
  }

  @Test
  void streamedBodyOverTheLimitIsCutOff() {
    host.hugeBody(LIMIT + 1, false);
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("sent a policy body of more than " + LIMIT + " bytes");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void hugeBodyIsAFetchError(boolean withContentLength) {
    host.hugeBody(1024 * 1024, withContentLength);
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail(withContentLength ? "(Content-Length)" : "more than " + LIMIT + " bytes");
  }

  // ---------------------------------------------------------------- time

  /**
   * The server sends the headers at once and then about one KiB of a 1 MiB body every 0.6 s. A fetcher
   * whose deadline stopped at the headers (as {@code HttpRequest.timeout} does on Java 17) would wait
   * for the size limit (about 40 s, past this test's timeout) or for the body (10 minutes); one that
   * buffered the body would report its size. The result must instead be the deadline, reached while
   * the body was arriving, with fewer bytes held than the limit.
   */
  @Test
  @Timeout(15)
  void endlessSlowBodyGivesUpAtTheDeadlineWhileStreaming() {
    host.endlessBody();
    FetchResult r = fetcher(b -> b.deadline(Duration.ofSeconds(2))).fetch(DOMAIN);
    Failed failed = new Failed(r)
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("within the deadline of 2 s")
        .assertDetail("while the body was arriving");
    Matcher m = Pattern.compile("\\((\\d+) bytes received so far\\)").matcher(failed.detail());
    assertTrue(m.find(), failed.detail());
    long received = Long.parseLong(m.group(1));
    assertTrue(received < LIMIT, "gave up before the size limit, holding " + received + " bytes");
    assertEquals(1, host.requestCount());
  }

  @Test
  @Timeout(15)
  void slowHeadersGiveUpAtTheDeadline() {
    host.delayHeaders(Duration.ofSeconds(2));
    new Failed(fetcher(b -> b.deadline(Duration.ofMillis(500))).fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("within the deadline of 500 ms")
        .assertDetail("before the response headers arrived");
  }

  // ---------------------------------------------------------------- network

  @Test
  void connectionResetIsAFetchError() {
    host.connectionReset();
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR).assertDetail("connection to " + HOST);
  }

  @Test
  void emptyResponseIsAFetchError() {
    host.emptyResponse();
    new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR).assertDetail(HOST);
  }

  @Test
  void brokenChunkedBodyIsAFetchError() {
    host.fault(PolicyHost.Fault.MALFORMED_RESPONSE_CHUNK);
    new Failed(fetcher().fetch(DOMAIN)).assertType(ResultType.STS_POLICY_FETCH_ERROR);
  }

  @Test
  void garbageInsteadOfHttpIsAFetchError() {
    host.fault(PolicyHost.Fault.RANDOM_DATA_THEN_CLOSE);
    new Failed(fetcher().fetch(DOMAIN)).assertType(ResultType.STS_POLICY_FETCH_ERROR);
  }

  @Test
  void connectionRefusedIsAFetchError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    new Failed(fetcher(b -> b.port(closedPort)).fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("could not connect to " + HOST + " port " + closedPort);
  }

  @Test
  void unknownPolicyHostIsAFetchError() {
    // Not in the hosts file, so the JVM cannot resolve it (and never asks a real DNS server).
    new Failed(fetcher().fetch("unknown.example.test"))
        .assertType(ResultType.STS_POLICY_FETCH_ERROR)
        .assertDetail("mta-sts.unknown.example.test could not be resolved");
  }

  // ---------------------------------------------------------------- body

  @Test
  void invalidBodyIsPolicyInvalidWithTheParserProblems() {
    host.body("version: STSv1\r\nmode: \u001b[31mevil\r\nmax_age: 86400\r\n");
    Failed failed = new Failed(fetcher().fetch(DOMAIN))
        .assertType(ResultType.STS_POLICY_INVALID)
        .assertDetail("the policy served by " + HOST + " is not valid");
    List<Problem> problems = failed.failed.problems();
    assertFalse(problems.isEmpty());
    assertTrue(problems.stream().anyMatch(p -> p.kind() == Problem.Kind.CONTROL_CHARACTER
        || p.kind() == Problem.Kind.MODE), problems.toString());
  }

  @Test
  void emptyBodyIsPolicyInvalid() {
    host.body(new byte[0]);
    assertFalse(new Failed(fetcher().fetch(DOMAIN)).assertType(ResultType.STS_POLICY_INVALID)
        .failed.problems().isEmpty());
  }

  @Test
  void detailsAreSafeToLog() {
    host.redirect(302, "https://x.example.test/\u00e9vil\u202e" + "A".repeat(200));
    String detail = new Failed(fetcher().fetch(DOMAIN)).detail();
    assertFalse(detail.chars().anyMatch(c -> c < 0x20 || c > 0x7e), detail);
    assertTrue(detail.length() < 400, detail);
    host.body("version: STSv1\r\nmode: \u001b]0;title\u0007\r\nmax_age: 1\r\n");
    String invalid = new Failed(fetcher().fetch(DOMAIN)).detail();
    assertFalse(invalid.chars().anyMatch(c -> c < 0x20 || c > 0x7e), invalid);
  }

  // ---------------------------------------------------------------- helpers

  private static HttpsPolicyFetcher fetcher() {
    return fetcher(b -> { });
  }

  private static HttpsPolicyFetcher fetcher(Consumer<HttpsPolicyFetcher.Builder> custom) {
    HttpsPolicyFetcher.Builder b = HttpsPolicyFetcher.builder()
        .sslContext(CA.sslContext())
        .port(host.port())
        .connectTimeout(Duration.ofSeconds(5))
        .deadline(Duration.ofSeconds(10))
        .clock(CLOCK);
    custom.accept(b);
    return b.build();
  }

  private static Failed withCertificate(IssuedCertificate certificate) {
    try (PolicyHost other = PolicyHost.start(DOMAIN, certificate)) {
      FetchResult r = fetcher(b -> b.port(other.port())).fetch(DOMAIN);
      Failed failed = new Failed(r);
      if (failed.failed.resultType() == ResultType.STS_WEBPKI_INVALID) {
        // A refused certificate never reaches HTTP, or at least never yields a policy.
        assertTrue(other.requestCount() <= 1);
      }
      return failed;
    }
  }

  private static FetchResult.Fetched fetched(FetchResult r) {
    return assertInstanceOf(FetchResult.Fetched.class, r, () -> "expected a policy, got " + r);
  }

  /** Assertions on a failed fetch. */
  private static final class Failed {
    final FetchResult.Failed failed;

    Failed(FetchResult r) {
      this.failed = assertInstanceOf(FetchResult.Failed.class, r, () -> "expected a failure: " + r);
    }

    String detail() {
      return failed.detail();
    }

    Failed assertType(ResultType type) {
      assertEquals(type, failed.resultType(), failed::detail);
      if (type != ResultType.STS_POLICY_INVALID) {
        assertEquals(List.of(), failed.problems());
      }
      return this;
    }

    Failed assertDetail(String part) {
      assertTrue(failed.detail().contains(part), () -> "'" + part + "' not in: " + failed.detail());
      return this;
    }
  }
}
