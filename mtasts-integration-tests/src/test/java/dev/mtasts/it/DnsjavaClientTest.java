package dev.mtasts.it;

import dev.mtasts.testkit.LoopbackDnsServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.dns.MxHost;
import dev.mtasts.dns.MxRecords;
import dev.mtasts.testkit.LoopbackDnsServer.Fault;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DnsjavaClient} against {@link LoopbackDnsServer}: every DNS outcome, on the wire. Each test
 * uses names of its own, and a client of its own, so caches do not leak between tests.
 */
class DnsjavaClientTest {
  private static final Duration DEFAULT_TTL = LoopbackDnsServer.DEFAULT_TTL;

  private static LoopbackDnsServer dns;

  @BeforeAll
  static void start() throws IOException {
    dns = LoopbackDnsServer.start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  /** A client with short timeouts, asking the loopback server only. */
  private static DnsjavaClient.Builder client() {
    return DnsjavaClient.builder()
        .server(dns.address())
        .timeout(Duration.ofMillis(500))
        .retries(0)
        .deadline(Duration.ofSeconds(5));
  }

  private static DnsResult.TemporaryFailure<?> failure(DnsResult<?> result) {
    return assertInstanceOf(DnsResult.TemporaryFailure.class, result, String.valueOf(result));
  }

  // -- TXT answers ------------------------------------------------------------------------------

  @Test
  void txtSingleRecord() {
    dns.txt("_mta-sts.single.test", "v=STSv1; id=20240101");
    assertEquals(
        new DnsResult.Answer<>(List.of("v=STSv1; id=20240101"), DEFAULT_TTL),
        client().build().txt("_mta-sts.single.test"));
    assertEquals(1, dns.queryCount("_mta-sts.single.test", "TXT"));
  }

  @Test
  void txtMultipleRecordsAreAllReturned() {
    dns.txt("_mta-sts.multi.test", "v=STSv1; id=1")
        .txt("_mta-sts.multi.test", "v=spf1 -all")
        .txt("_mta-sts.multi.test", "v=STSv1; id=2");
    DnsResult.Answer<?> answer =
        assertInstanceOf(DnsResult.Answer.class, client().build().txt("_mta-sts.multi.test"));
    assertEquals(
        Set.of("v=STSv1; id=1", "v=spf1 -all", "v=STSv1; id=2"),
        new HashSet<>((List<?>) answer.value()));
    assertEquals(3, ((List<?>) answer.value()).size());
  }

  @Test
  void txtCharacterStringsAreJoinedWithoutSpaces() {
    dns.txt("_mta-sts.split.test", "v=STSv1;", " id=", "2024", "0101");
    dns.txt("_mta-sts.split.test", "ab", "cd");
    DnsResult.Answer<?> answer =
        assertInstanceOf(DnsResult.Answer.class, client().build().txt("_mta-sts.split.test"));
    assertEquals(Set.of("v=STSv1; id=20240101", "abcd"), new HashSet<>((List<?>) answer.value()));
  }

  @Test
  void ttlIsTheSmallestOfTheAnswer() {
    dns.ttl(Duration.ofSeconds(3600)).txt("_mta-sts.ttl.test", "a");
    dns.ttl(Duration.ofSeconds(42)).txt("_mta-sts.ttl.test", "b");
    dns.ttl(DEFAULT_TTL);
    DnsResult.Answer<?> answer =
        assertInstanceOf(DnsResult.Answer.class, client().build().txt("_mta-sts.ttl.test"));
    assertEquals(Duration.ofSeconds(42), answer.ttl());
  }

  @Test
  void nonAsciiBytesAreKeptAsLatin1Characters() {
    dns.txtBytes(
        "_mta-sts.bytes.test",
        new byte[] {'v', '=', (byte) 0x80, (byte) 0xff},
        new byte[] {(byte) 0xc3, (byte) 0xa9, 0x00, 0x7f});
    dns.txt("_mta-sts.utf8.test", "id=\u00e9");
    DnsClient client = client().build();
    assertEquals(
        new DnsResult.Answer<>(List.of("v=\u0080\u00ff\u00c3\u00a9\u0000\u007f"), DEFAULT_TTL),
        client.txt("_mta-sts.bytes.test"));
    // UTF-8 on the wire is not decoded: "é" arrives as the two characters of its two bytes.
    assertEquals(
        new DnsResult.Answer<>(List.of("id=\u00c3\u00a9"), DEFAULT_TTL),
        client.txt("_mta-sts.utf8.test"));
  }

  @Test
  void cnameChainIsFollowed() {
    dns.cname("_mta-sts.alias.test", "sts.hop1.test")
        .cname("sts.hop1.test", "sts.hop2.test")
        .txt("sts.hop2.test", "v=STSv1; id=delegated");
    assertEquals(
        new DnsResult.Answer<>(List.of("v=STSv1; id=delegated"), DEFAULT_TTL),
        client().build().txt("_mta-sts.alias.test"));
  }

  @Test
  void namesAreCaseInsensitiveAndMayEndWithADot() {
    dns.txt("_mta-sts.case.test", "x");
    DnsClient client = client().cache(false).build();
    assertEquals(new DnsResult.Answer<>(List.of("x"), DEFAULT_TTL), client.txt("_MTA-STS.Case.TEST."));
  }

  // -- absence ----------------------------------------------------------------------------------

  @Test
  void nxdomainIsNoSuchName() {
    DnsClient client = client().build();
    DnsResult<List<String>> result = client.txt("_mta-sts.nothing-here.test");
    assertEquals(new DnsResult.NoSuchName<>(), result);
    assertTrue(result.isAbsent());
    // The second answer comes from the negative cache.
    assertEquals(new DnsResult.NoSuchName<>(), client.txt("_mta-sts.nothing-here.test"));
    assertEquals(1, dns.queryCount("_mta-sts.nothing-here.test", "TXT"));
  }

  @Test
  void nodataIsNoDataFromTheServerAndFromTheNegativeCache() {
    dns.a("_mta-sts.nodata.test", "192.0.2.1");
    DnsClient client = client().build();
    // First lookup: the server's empty NOERROR answer (an empty LookupResult in dnsjava).
    assertEquals(new DnsResult.NoData<>(), client.txt("_mta-sts.nodata.test"));
    // Second lookup: dnsjava's negative cache (a NoSuchRRSetException), no query sent.
    assertEquals(new DnsResult.NoData<>(), client.txt("_mta-sts.nodata.test"));
    assertEquals(1, dns.queryCount("_mta-sts.nodata.test", "TXT"));
  }

  @Test
  void withoutTheCacheEveryLookupAsks() {
    dns.a("_mta-sts.nocache.test", "192.0.2.1");
    DnsClient client = client().cache(false).build();
    assertEquals(new DnsResult.NoData<>(), client.txt("_mta-sts.nocache.test"));
    assertEquals(new DnsResult.NoData<>(), client.txt("_mta-sts.nocache.test"));
    assertEquals(2, dns.queryCount("_mta-sts.nocache.test", "TXT"));
  }

  @Test
  void changedRecordsAreSeenOnceTheCachedAnswerIsGone() {
    dns.txt("_mta-sts.change.test", "v=STSv1; id=1");
    DnsClient cached = client().build();
    DnsClient uncached = client().cache(false).build();
    assertEquals(List.of("v=STSv1; id=1"), answer(cached.txt("_mta-sts.change.test")));
    dns.remove("_mta-sts.change.test", "TXT").txt("_mta-sts.change.test", "v=STSv1; id=2");
    assertEquals(List.of("v=STSv1; id=1"), answer(cached.txt("_mta-sts.change.test")));
    assertEquals(List.of("v=STSv1; id=2"), answer(uncached.txt("_mta-sts.change.test")));
    dns.remove("_mta-sts.change.test");
    assertEquals(new DnsResult.NoSuchName<>(), uncached.txt("_mta-sts.change.test"));
  }

  private static Object answer(DnsResult<?> r) {
    return assertInstanceOf(DnsResult.Answer.class, r, String.valueOf(r)).value();
  }

  // -- failures ---------------------------------------------------------------------------------

  @Test
  void servfailIsAServerFailureAndIsNotCached() {
    dns.txt("_mta-sts.servfail.test", "v=STSv1; id=1").fault("_mta-sts.servfail.test", Fault.SERVFAIL);
    DnsClient client = client().build();
    DnsResult.TemporaryFailure<?> f = failure(client.txt("_mta-sts.servfail.test"));
    assertEquals(DnsResult.Reason.SERVER_FAILURE, f.reason());
    assertTrue(f.detail().contains("_mta-sts.servfail.test/TXT"), f.detail());
    assertTrue(!f.isAbsent());
    dns.clearFault("_mta-sts.servfail.test");
    assertEquals(List.of("v=STSv1; id=1"), answer(client.txt("_mta-sts.servfail.test")));
  }

  @Test
  void refusedIsRefused() {
    dns.txt("_mta-sts.refused.test", "x").fault("_mta-sts.refused.test", Fault.REFUSED);
    DnsResult.TemporaryFailure<?> f = failure(client().build().txt("_mta-sts.refused.test"));
    assertEquals(DnsResult.Reason.REFUSED, f.reason());
  }

  @Test
  void aRefusingServerIsSkippedForTheNext() throws IOException {
    try (LoopbackDnsServer second = LoopbackDnsServer.start()) {
      dns.fault("_mta-sts.next.test", Fault.REFUSED);
      second.txt("_mta-sts.next.test", "v=STSv1; id=from-second");
      DnsClient client =
          DnsjavaClient.builder()
              .servers(List.of(dns.address(), second.address()))
              .timeout(Duration.ofMillis(500))
              .retries(0)
              .build();
      assertEquals(List.of("v=STSv1; id=from-second"), answer(client.txt("_mta-sts.next.test")));
      assertEquals(1, dns.queryCount("_mta-sts.next.test", "TXT"));
      assertEquals(1, second.queryCount("_mta-sts.next.test", "TXT"));
    }
  }

  @Test
  void aSilentServerIsSkippedForTheNext() throws IOException {
    try (LoopbackDnsServer second = LoopbackDnsServer.start()) {
      dns.fault("_mta-sts.failover.test", Fault.DROP);
      second.txt("_mta-sts.failover.test", "v=STSv1; id=failover");
      DnsClient client =
          DnsjavaClient.builder()
              .server(dns.address())
              .server(second.address())
              .timeout(Duration.ofMillis(200))
              .retries(0)
              .build();
      assertEquals(List.of("v=STSv1; id=failover"), answer(client.txt("_mta-sts.failover.test")));
    }
  }

  @Test
  void noAnswerIsATimeout() {
    dns.txt("_mta-sts.drop.test", "x").fault("_mta-sts.drop.test", Fault.DROP);
    DnsResult.TemporaryFailure<?> f =
        failure(client().timeout(Duration.ofMillis(150)).build().txt("_mta-sts.drop.test"));
    assertEquals(DnsResult.Reason.TIMEOUT, f.reason());
    assertTrue(f.detail().contains("per query"), f.detail());
  }

  @Test
  void eachServerIsAskedRetriesPlusOneTimes() {
    dns.fault("_mta-sts.retries.test", Fault.DROP);
    DnsResult<?> r =
        client().timeout(Duration.ofMillis(100)).retries(2).build().txt("_mta-sts.retries.test");
    assertEquals(DnsResult.Reason.TIMEOUT, failure(r).reason());
    assertEquals(3, dns.queryCount("_mta-sts.retries.test", "TXT"));
  }

  @Test
  void theDeadlineEndsTheLookup() {
    dns.fault("_mta-sts.deadline.test", Fault.DROP);
    DnsResult.TemporaryFailure<?> f =
        failure(
            client()
                .timeout(Duration.ofSeconds(2))
                .deadline(Duration.ofMillis(150))
                .build()
                .txt("_mta-sts.deadline.test"));
    assertEquals(DnsResult.Reason.TIMEOUT, f.reason());
    assertTrue(f.detail().contains("deadline of 150 ms"), f.detail());
  }

  @Test
  void truncatedAnswerIsRetriedOverTcp() {
    dns.txt("_mta-sts.tc.test", "v=STSv1; id=over-tcp").fault("_mta-sts.tc.test", Fault.TRUNCATE);
    assertEquals(
        new DnsResult.Answer<>(List.of("v=STSv1; id=over-tcp"), DEFAULT_TTL),
        client().build().txt("_mta-sts.tc.test"));
    assertEquals(2, dns.queryCount("_mta-sts.tc.test", "TXT"), "one over UDP, one over TCP");
  }

  @Test
  void largeAnswerIsRetriedOverTcp() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String s = String.format(Locale.ROOT, "%02d", i) + "x".repeat(200);
      dns.txt("_mta-sts.large.test", s);
      expected.add(s);
    }
    List<?> got = (List<?>) answer(client().build().txt("_mta-sts.large.test"));
    assertEquals(new HashSet<>(expected), new HashSet<>(got));
    assertEquals(2, dns.queryCount("_mta-sts.large.test", "TXT"), "one over UDP, one over TCP");
  }

  @Test
  void truncatedAnswerWithFailedTcpRetryIsTruncated() {
    dns.txt("_mta-sts.tcfail.test", "x").fault("_mta-sts.tcfail.test", Fault.TRUNCATE_TCP_FAIL);
    DnsResult.TemporaryFailure<?> f = failure(client().build().txt("_mta-sts.tcfail.test"));
    assertEquals(DnsResult.Reason.TRUNCATED, f.reason());
    assertEquals(2, dns.queryCount("_mta-sts.tcfail.test", "TXT"));
  }

  @Test
  void answerWithWrongIdIsABadAnswer() {
    dns.txt("_mta-sts.wrongid.test", "x").fault("_mta-sts.wrongid.test", Fault.WRONG_ID);
    DnsResult.TemporaryFailure<?> f = failure(client().build().txt("_mta-sts.wrongid.test"));
    assertEquals(DnsResult.Reason.BAD_ANSWER, f.reason());
    assertTrue(f.detail().contains("invalid message id"), f.detail());
  }

  @Test
  void cnameLoopIsABadAnswer() {
    dns.cname("_mta-sts.loop.test", "loop-a.test")
        .cname("loop-a.test", "loop-b.test")
        .cname("loop-b.test", "loop-a.test");
    DnsResult.TemporaryFailure<?> f = failure(client().build().txt("_mta-sts.loop.test"));
    assertEquals(DnsResult.Reason.BAD_ANSWER, f.reason());
    assertTrue(f.detail().contains("CNAME loop"), f.detail());
  }

  @Test
  void tooLongCnameChainIsABadAnswer() {
    dns.cname("_mta-sts.long.test", "long0.test");
    for (int i = 0; i < 20; i++) {
      dns.cname("long" + i + ".test", "long" + (i + 1) + ".test");
    }
    dns.txt("long20.test", "v=STSv1; id=far");
    DnsResult.TemporaryFailure<?> f = failure(client().build().txt("_mta-sts.long.test"));
    assertEquals(DnsResult.Reason.BAD_ANSWER, f.reason());
    assertTrue(f.detail().contains("too many CNAMEs"), f.detail());
  }

  @Test
  void unreachablePortIsANetworkError() throws IOException {
    assumeTrue(
        System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
        "ICMP port unreachable on loopback surfaces as an error on Linux");
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    DnsClient client =
        DnsjavaClient.builder()
            .server(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .timeout(Duration.ofMillis(500))
            .retries(0)
            .build();
    DnsResult.TemporaryFailure<?> f = failure(client.txt("_mta-sts.closed.test"));
    assertEquals(DnsResult.Reason.OTHER, f.reason());
    assertTrue(f.detail().contains("network error"), f.detail());
  }

  @Test
  void failuresForOneTypeLeaveOthersAlone() {
    dns.txt("_mta-sts.pertype.test", "x")
        .a("_mta-sts.pertype.test", "192.0.2.7")
        .fault("_mta-sts.pertype.test", "MX", Fault.SERVFAIL);
    DnsClient client = client().build();
    assertEquals(List.of("x"), answer(client.txt("_mta-sts.pertype.test")));
    assertEquals(
        DnsResult.Reason.SERVER_FAILURE, failure(client.mx("_mta-sts.pertype.test")).reason());
  }

  // -- MX ---------------------------------------------------------------------------------------

  @Test
  void mxOrderedByPreferenceLowerCaseWithoutDot() {
    dns.mx("mx-order.test", 20, "MX-B.Mx-Order.TEST.")
        .mx("mx-order.test", 10, "mx-z.mx-order.test")
        .mx("mx-order.test", 20, "mx-a.mx-order.test")
        .mx("mx-order.test", 5, "mx-y.mx-order.test");
    assertEquals(
        new DnsResult.Answer<>(
            new MxRecords.Explicit(
                List.of(
                    new MxHost(5, "mx-y.mx-order.test"),
                    new MxHost(10, "mx-z.mx-order.test"),
                    new MxHost(20, "mx-b.mx-order.test"),
                    new MxHost(20, "mx-a.mx-order.test"))),
            DEFAULT_TTL),
        client().build().mx("mx-order.test"));
  }

  @Test
  void noMxIsAnImplicitMx() {
    dns.a("implicit.test", "192.0.2.25");
    DnsClient client = client().build();
    DnsResult<MxRecords> expected =
        new DnsResult.Answer<>(new MxRecords.Implicit("implicit.test"), Duration.ZERO);
    assertEquals(expected, client.mx("Implicit.TEST."));
    // And again from the negative cache.
    assertEquals(expected, client.mx("implicit.test"));
    assertEquals(1, dns.queryCount("implicit.test", "MX"));
  }

  @Test
  void nullMx() {
    dns.mx("nullmx.test", 0, ".");
    assertEquals(
        new DnsResult.Answer<>(new MxRecords.NullMx(), DEFAULT_TTL), client().build().mx("nullmx.test"));
  }

  @Test
  void nullMxBesideOtherMxIsABadAnswer() {
    dns.mx("mixed-nullmx.test", 0, ".").mx("mixed-nullmx.test", 10, "mx.mixed-nullmx.test");
    DnsResult.TemporaryFailure<?> f = failure(client().build().mx("mixed-nullmx.test"));
    assertEquals(DnsResult.Reason.BAD_ANSWER, f.reason());
    assertTrue(f.detail().contains("null MX"), f.detail());
  }

  @Test
  void mxOfAMissingDomainIsNoSuchName() {
    assertEquals(new DnsResult.NoSuchName<>(), client().build().mx("no-such-domain.test"));
  }

  @Test
  void mxFollowsCname() {
    dns.cname("mx-alias.test", "mx-target.test").mx("mx-target.test", 10, "mx.mx-target.test");
    assertEquals(
        new DnsResult.Answer<>(
            new MxRecords.Explicit(List.of(new MxHost(10, "mx.mx-target.test"))), DEFAULT_TTL),
        client().build().mx("mx-alias.test"));
  }

  // -- API --------------------------------------------------------------------------------------

  @Test
  void invalidNamesFailAtOnceWithoutAQuery() {
    DnsClient client = client().build();
    int before = dns.queryCount();
    assertThrows(IllegalArgumentException.class, () -> client.txtAsync("_mta-sts.with space.test"));
    assertThrows(IllegalArgumentException.class, () -> client.txtAsync("a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + ".test"));
    assertThrows(IllegalArgumentException.class, () -> client.mxAsync("two..dots.test"));
    assertThrows(IllegalArgumentException.class, () -> client.mx(""));
    assertEquals(before, dns.queryCount());
  }

  @Test
  void lookupsCompleteOnTheConfiguredExecutor() {
    dns.txt("_mta-sts.executor.test", "x");
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      DnsClient client =
          client()
              .executor(
                  task -> {
                    tasks.incrementAndGet();
                    pool.execute(task);
                  })
              .build();
      assertEquals(List.of("x"), answer(client.txtAsync("_mta-sts.executor.test").join()));
      assertTrue(tasks.get() > 0);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentLookupsOnOneClient() {
    DnsClient client = client().build();
    List<CompletableFuture<DnsResult<List<String>>>> futures = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      dns.txt("_mta-sts.c" + i + ".concurrent.test", "v=STSv1; id=" + i);
    }
    for (int i = 0; i < 40; i++) {
      futures.add(client.txtAsync("_mta-sts.c" + i + ".concurrent.test"));
    }
    for (int i = 0; i < 40; i++) {
      assertEquals(List.of("v=STSv1; id=" + i), answer(futures.get(i).join()));
    }
  }

  @Test
  void builderChecksItsArguments() {
    DnsjavaClient.Builder b = DnsjavaClient.builder();
    assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.deadline(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.retries(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.server(InetSocketAddress.createUnresolved("dns.example", 53)));
    assertEquals(List.of(dns.address()), client().build().servers());
    assertTrue(!DnsjavaClient.builder().build().servers().isEmpty());
  }
}
