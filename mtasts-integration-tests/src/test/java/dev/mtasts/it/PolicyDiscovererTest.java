package dev.mtasts.it;

import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.discovery.NoPolicyReason;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.discovery.RecordLookup;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Problem;
import dev.mtasts.result.ResultType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PolicyDiscoverer} with its real parts, {@link DnsjavaClient} and {@link
 * HttpsPolicyFetcher}, against {@link LoopbackDnsServer} and {@link PolicyHost}: every outcome of a
 * discovery. The policy host of {@code example.test} serves a valid enforce policy in every test, so
 * each "no policy" outcome also proves that the policy was not fetched. The test JVM maps {@code
 * mta-sts.example.test} and {@code mta-sts.xn--bcher-kva.example.test} to 127.0.0.1 through {@code
 * src/test/resources/hosts}.
 */
@Timeout(30)
class PolicyDiscovererTest {
  private static final String DOMAIN = "example.test";
  private static final String NAME = "_mta-sts.example.test";
  private static final String HOST = "mta-sts.example.test";
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
  private static PolicyHost host;

  private LoopbackDnsServer dns;

  @BeforeAll
  static void startHost() {
    host = PolicyHost.start(DOMAIN, CA.issue(HOST));
  }

  @AfterAll
  static void stopHost() {
    host.close();
  }

  @BeforeEach
  void startDns() throws IOException {
    host.reset();
    dns = LoopbackDnsServer.start();
  }

  @AfterEach
  void stopDns() {
    dns.close();
  }

  // ------------------------------------------------------------------ found

  @Test
  void recordAndPolicyAreFound() {
    dns.txt(NAME, "v=STSv1; id=20260501T000000");

    Outcome.Found found = found(discover(discoverer(), DOMAIN));

    assertEquals(DOMAIN, found.domain());
    assertEquals("20260501T000000", found.record().id());
    assertEquals(Mode.ENFORCE, found.policy().mode());
    assertEquals(List.of(MxPattern.of("mx1.example.test"), MxPattern.of("mx2.example.test"),
        MxPattern.of("*.backup.example.test")), found.policy().mx());
    assertEquals(Duration.ofDays(7), found.policy().maxAge());
    assertEquals(NOW, found.fetchedAt());
    assertEquals(List.of(), found.warnings());
    assertEquals(1, dns.queryCount(NAME, "TXT"), "one TXT query");
    assertEquals(1, host.requestCount(), "one GET");
  }

  @Test
  void asynchronousDiscoveryGivesTheSameOutcome() throws Exception {
    dns.txt(NAME, "v=STSv1; id=async1");

    PolicyState state = discoverer().discoverAsync("EXAMPLE.test.").get(20, TimeUnit.SECONDS);

    PolicyState.Applied applied = assertInstanceOf(PolicyState.Applied.class, state);
    assertEquals("async1", applied.id());
    assertEquals(DOMAIN, applied.domain(), "the domain in normal form");
  }

  @Test
  void warningsOfTheRecordAndThePolicyAreKept() {
    dns.txt(NAME, "v=STSv1 ; id=warn1");
    host.body("version: STSv1\r\nmode: testing\r\nmx: mx1.example.test\r\nmax_age: 86400 \r\n");

    Outcome.Found found = found(discover(discoverer(), DOMAIN));

    assertEquals(Mode.TESTING, found.policy().mode());
    assertEquals(List.of(Problem.Kind.WHITESPACE, Problem.Kind.TRAILING_WHITESPACE),
        found.warnings().stream().map(Problem::kind).toList());
  }

  @Test
  void aCnamedRecordIsFollowedAndThePolicyComesFromThePolicyDomainsHost() {
    // Delegation (RFC 8461 section 8.2): the record lives at the provider, the policy host keeps
    // the name of the policy domain.
    dns.cname(NAME, "_mta-sts.provider.test")
        .txt("_mta-sts.provider.test", "v=STSv1; id=delegated1");

    Outcome.Found found = found(discover(discoverer(), DOMAIN));

    assertEquals("delegated1", found.record().id());
    assertEquals(1, host.requestCount());
    assertEquals(List.of(HOST + ":" + host.port()), host.requests().get(0).headers().get("host"));
  }

  @Test
  void theStringsOfOneRecordAreJoinedWithoutSpaces() {
    dns.txt(NAME, "v=STSv1;", " id=", "split", "2026");

    assertEquals("split2026", found(discover(discoverer(), DOMAIN)).record().id());
  }

  @Test
  void aULabelDomainIsLookedUpAndFetchedAsALabels() {
    String aLabel = "xn--bcher-kva.example.test";
    dns.txt("_mta-sts." + aLabel, "v=STSv1; id=idn1");
    try (PolicyHost idn = PolicyHost.start(aLabel, CA.issue("mta-sts." + aLabel))) {
      PolicyDiscoverer discoverer = PolicyDiscoverer.builder(dnsClient(), fetcher(idn.port())).build();

      Outcome.Found found = found(discover(discoverer, "b\u00fccher.example.test"));

      assertEquals(aLabel, found.domain());
      assertEquals("idn1", found.record().id());
      assertEquals(List.of(MxPattern.of("mx1." + aLabel), MxPattern.of("mx2." + aLabel),
          MxPattern.of("*.backup." + aLabel)), found.policy().mx());
      assertEquals(1, dns.queryCount("_mta-sts." + aLabel, "TXT"));
      assertEquals(1, idn.requestCount());
    }
  }

  @Test
  void theRecordAloneIsLookedUpWithoutAFetch() {
    dns.txt(NAME, "v=STSv1; id=lookup1");

    RecordLookup.Present present = assertInstanceOf(RecordLookup.Present.class,
        discoverer().lookupRecord(DOMAIN));

    assertEquals("lookup1", present.record().id());
    assertEquals(LoopbackDnsServer.DEFAULT_TTL, present.ttl());
    assertEquals(0, host.requestCount());
  }

  @Test
  void thePolicyAloneIsFetchedWithoutALookup() {
    FetchResult result = discoverer().fetchPolicyAsync(DOMAIN).join();

    assertInstanceOf(FetchResult.Fetched.class, result, result::toString);
    assertEquals(0, dns.queryCount());
    assertEquals(1, host.requestCount());
  }

  // ------------------------------------------------------------------ no policy

  @Test
  void nxdomainIsNoPolicy() {
    Outcome.NoPolicy none = noPolicy(discover(discoverer(), DOMAIN), NoPolicyReason.NO_SUCH_NAME);

    assertTrue(none.detail().contains("NXDOMAIN"), none.detail());
    assertEquals(List.of(), none.problems());
    assertEquals(1, dns.queryCount(NAME, "TXT"));
  }

  @Test
  void nodataIsNoPolicy() {
    dns.a(NAME, "192.0.2.1");

    Outcome.NoPolicy none = noPolicy(discover(discoverer(), DOMAIN), NoPolicyReason.NO_TXT_RECORD);

    assertTrue(none.detail().contains("no TXT records"), none.detail());
  }

  @Test
  void twoStsRecordsAreNoPolicy() {
    dns.txt(NAME, "v=STSv1; id=one").txt(NAME, "v=STSv1; id=two");

    Outcome.NoPolicy none =
        noPolicy(discover(discoverer(), DOMAIN), NoPolicyReason.MULTIPLE_STS_RECORDS);

    assertEquals(Problem.Kind.MULTIPLE_RECORDS, none.problems().get(0).kind());
  }

  @Test
  void aLoneNonStsRecordIsNoStsRecord() {
    dns.txt(NAME, "v=spf1 -all");

    Outcome.NoPolicy none = noPolicy(discover(discoverer(), DOMAIN), NoPolicyReason.NO_STS_RECORD);

    assertEquals(Problem.Kind.VERSION, none.problems().get(0).kind());
  }

  @Test
  void severalNonStsRecordsAreNoStsRecord() {
    dns.txt(NAME, "v=spf1 -all").txt(NAME, "site-verification=abc").txt(NAME, "v=STSv1 ; id=1");

    Outcome.NoPolicy none = noPolicy(discover(discoverer(), DOMAIN), NoPolicyReason.NO_STS_RECORD);

    assertEquals(Problem.Kind.NO_RECORD, none.problems().get(0).kind());
    assertEquals(3, none.problems().stream()
        .filter(p -> p.kind() == Problem.Kind.RECORD_DISCARDED).count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"v=STSv1; id=not-valid!", "v=STSv1", "v=STSv1; id=", "v=STSv1;;id=1",
      "v=STSv1; ID=abc"})
  void anInvalidStsRecordIsNoPolicy(String record) {
    dns.txt(NAME, record);

    Outcome.NoPolicy none =
        noPolicy(discover(discoverer(), DOMAIN), NoPolicyReason.INVALID_STS_RECORD);

    assertFalse(none.problems().isEmpty());
    assertTrue(none.detail().startsWith(NAME + ": "), none.detail());
  }

  // ------------------------------------------------------------------ temporary failures

  @Test
  void servfailIsATemporaryFailureNeverNoPolicy() {
    dns.txt(NAME, "v=STSv1; id=hidden").fault(NAME, LoopbackDnsServer.Fault.SERVFAIL);

    Outcome.TemporaryFailure failure = temporary(discover(discoverer(), DOMAIN));

    assertEquals(DnsResult.Reason.SERVER_FAILURE, failure.reason());
    assertEquals(DOMAIN, failure.domain());
    assertEquals(0, host.requestCount());
  }

  @Test
  void noAnswerIsATemporaryFailureNeverNoPolicy() {
    dns.txt(NAME, "v=STSv1; id=hidden").fault(NAME, LoopbackDnsServer.Fault.DROP);
    PolicyDiscoverer discoverer = PolicyDiscoverer.builder(
        DnsjavaClient.builder().server(dns.address()).timeout(Duration.ofMillis(200)).retries(0)
            .deadline(Duration.ofSeconds(1)).cache(false).build(),
        fetcher(host.port())).build();

    Outcome.TemporaryFailure failure = temporary(discover(discoverer, DOMAIN));

    assertEquals(DnsResult.Reason.TIMEOUT, failure.reason());
    assertTrue(dns.queryCount(NAME, "TXT") >= 1);
    assertEquals(0, host.requestCount());
  }

  // ------------------------------------------------------------------ policy failures

  @Test
  void aCertificateForAnotherNameIsWebPkiInvalid() {
    dns.txt(NAME, "v=STSv1; id=cert1");
    try (PolicyHost wrong = PolicyHost.start(DOMAIN, CA.issue("www.example.test"))) {
      PolicyDiscoverer discoverer = PolicyDiscoverer.builder(dnsClient(), fetcher(wrong.port())).build();

      Outcome.PolicyFailure failure =
          policyFailure(discover(discoverer, DOMAIN), ResultType.STS_WEBPKI_INVALID);

      assertTrue(failure.detail().contains("not valid for the name " + HOST), failure.detail());
      assertEquals(0, wrong.requestCount(), "the request never reached HTTP");
    }
  }

  @Test
  void notFoundIsAFetchError() {
    dns.txt(NAME, "v=STSv1; id=gone1");
    host.notFound();

    Outcome.PolicyFailure failure =
        policyFailure(discover(discoverer(), DOMAIN), ResultType.STS_POLICY_FETCH_ERROR);

    assertTrue(failure.detail().contains("404"), failure.detail());
    assertEquals(List.of(), failure.problems());
    assertEquals(1, host.requestCount());
  }

  @Test
  void anInvalidBodyIsPolicyInvalidWithTheProblems() {
    dns.txt(NAME, "v=STSv1; id=bad1");
    host.body("version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\n");

    Outcome.PolicyFailure failure =
        policyFailure(discover(discoverer(), DOMAIN), ResultType.STS_POLICY_INVALID);

    assertFalse(failure.problems().isEmpty());
    assertTrue(failure.detail().contains("is not valid"), failure.detail());
  }

  // ------------------------------------------------------------------ helpers

  private PolicyDiscoverer discoverer() {
    return PolicyDiscoverer.builder(dnsClient(), fetcher(host.port())).build();
  }

  private DnsjavaClient dnsClient() {
    return DnsjavaClient.builder()
        .server(dns.address())
        .timeout(Duration.ofMillis(500))
        .retries(0)
        .deadline(Duration.ofSeconds(5))
        .cache(false)
        .build();
  }

  private static HttpsPolicyFetcher fetcher(int port) {
    return HttpsPolicyFetcher.builder()
        .sslContext(CA.sslContext())
        .port(port)
        .connectTimeout(Duration.ofSeconds(5))
        .deadline(Duration.ofSeconds(10))
        .clock(CLOCK)
        .build();
  }

  /**
   * The steps of a discovery, as {@link PolicyDiscoverer#discover} takes them, with all that each
   * step tells: the record, its warnings, why there is no policy.
   */
  private sealed interface Outcome {
    String domain();

    record Found(String domain, StsRecord record, Policy policy, Instant fetchedAt,
        List<Problem> warnings) implements Outcome {}

    record NoPolicy(String domain, NoPolicyReason reason, String detail, List<Problem> problems)
        implements Outcome {}

    record TemporaryFailure(String domain, DnsResult.Reason reason, String detail)
        implements Outcome {}

    record PolicyFailure(String domain, StsRecord record, ResultType resultType, String detail,
        List<Problem> problems) implements Outcome {}
  }

  private static Outcome discover(PolicyDiscoverer discoverer, String domain) {
    String normal = dev.mtasts.policy.HostName.normalize(domain);
    RecordLookup lookup = discoverer.lookupRecord(domain);
    if (lookup instanceof RecordLookup.Absent absent) {
      return new Outcome.NoPolicy(normal, absent.reason(), absent.detail(), absent.problems());
    }
    if (lookup instanceof RecordLookup.Failed failed) {
      return new Outcome.TemporaryFailure(normal, failed.reason(), failed.detail());
    }
    RecordLookup.Present present = (RecordLookup.Present) lookup;
    FetchResult fetch = discoverer.fetchPolicyAsync(domain).join();
    if (fetch instanceof FetchResult.Fetched fetched) {
      List<Problem> warnings = new java.util.ArrayList<>(present.warnings());
      warnings.addAll(fetched.warnings());
      return new Outcome.Found(normal, present.record(), fetched.policy(), fetched.fetchedAt(),
          warnings);
    }
    FetchResult.Failed failed = (FetchResult.Failed) fetch;
    return new Outcome.PolicyFailure(normal, present.record(), failed.resultType(),
        failed.detail(), failed.problems());
  }

  @Test
  void aWholeDiscoveryEndsInTheStateASenderWouldApply() {
    dns.txt(NAME, "v=STSv1; id=state1");
    PolicyState.Applied applied =
        assertInstanceOf(PolicyState.Applied.class, discoverer().discover(DOMAIN));
    assertEquals("state1", applied.id());
    assertEquals(Mode.ENFORCE, applied.policy().mode());
    assertEquals(NOW, applied.fetchedAt());

    dns.remove(NAME);
    assertEquals(1, host.requestCount(), "one fetch so far");
    assertInstanceOf(PolicyState.NoPolicy.class, discoverer().discover(DOMAIN));

    dns.fault(NAME, LoopbackDnsServer.Fault.SERVFAIL);
    assertInstanceOf(PolicyState.Unavailable.class, discoverer().discover(DOMAIN));
  }

  @Test
  void anUnusablePolicyIsAPolicyFailureWithItsResultType() {
    dns.txt(NAME, "v=STSv1; id=state2");
    host.notFound();
    PolicyState.PolicyFailure failure =
        assertInstanceOf(PolicyState.PolicyFailure.class, discoverer().discover(DOMAIN));
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, failure.failure().resultType());
  }

  private static Outcome.Found found(Outcome d) {
    return assertInstanceOf(Outcome.Found.class, d, d::toString);
  }

  private static Outcome.NoPolicy noPolicy(Outcome d, NoPolicyReason reason) {
    Outcome.NoPolicy none = assertInstanceOf(Outcome.NoPolicy.class, d, d::toString);
    assertEquals(reason, none.reason(), none::toString);
    assertEquals(0, host.requestCount(), "no fetch without a valid record");
    return none;
  }

  private static Outcome.TemporaryFailure temporary(Outcome d) {
    return assertInstanceOf(Outcome.TemporaryFailure.class, d, d::toString);
  }

  private static Outcome.PolicyFailure policyFailure(Outcome d, ResultType type) {
    Outcome.PolicyFailure failure = assertInstanceOf(Outcome.PolicyFailure.class, d, d::toString);
    assertEquals(type, failure.resultType(), failure::toString);
    assertFalse(failure.record().id().isEmpty());
    return failure;
  }
}
