package dev.mtasts.cache;

import dev.mtasts.store.FilePolicyStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.Policy;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.SamplePolicies;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.result.ResultType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 8461 section 5.1 behaviour of {@link PolicyResolver} against real loopback DNS and HTTPS
 * servers, with time moved by an injected clock.
 */
class PolicyResolverTest {
  private static final String DOMAIN = "cache.example.test";
  private static final String TXT = "_mta-sts." + DOMAIN;
  private static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.cache.example.test\r\n"
      + "max_age: 86400\r\n";

  private static TestCertificateAuthority ca;
  private static LoopbackDnsServer dns;
  private static PolicyHost host;

  @TempDir Path dir;
  private TestClock clock;
  private FilePolicyStore store;
  private PolicyResolver resolver;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void servers() throws Exception {
    ca = TestCertificateAuthority.create();
    dns = LoopbackDnsServer.start();
    host = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
  }

  @AfterAll
  static void stop() {
    host.close();
    dns.close();
  }

  @BeforeEach
  void setUp() {
    dns.remove(TXT);
    dns.clearFaults();
    dns.resetQueryCounts();
    host.reset();
    dns.txt(TXT, "v=STSv1; id=1");
    host.body(ENFORCE);
    clock = new TestClock(Instant.parse("2026-11-28T12:00:00Z"));
    store = FilePolicyStore.builder(dir).clock(clock).build();
    resolver = newResolver(store);
  }

  @AfterEach
  void tearDown() {
    resolver.close();
    store.close();
  }

  private PolicyResolver newResolver(PolicyStore s) {
    return newResolver(s, Duration.ZERO);
  }

  /** Discovery against the loopback DNS server and policy host, failing fast. */
  private PolicyDiscoverer discoverer() {
    DnsjavaClient client = DnsjavaClient.builder().server(dns.address()).cache(false)
        .timeout(Duration.ofMillis(300)).retries(0).build();
    HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().trustedCertificatesPem(ca.pem())
        .port(host.port()).deadline(Duration.ofSeconds(10)).build();
    return PolicyDiscoverer.builder(client, fetcher).build();
  }

  private PolicyResolver newResolver(PolicyStore s, Duration proactiveRefresh) {
    return PolicyResolver.builder(discoverer()).store(s)
        .clock(clock)
        .proactiveRefresh(proactiveRefresh)
        .listener(new ResolverListener() {
          @Override
          public void onPolicyChange(String domain, PolicyChange change, CachedPolicy before,
              CachedPolicy after) {
            events.add(change.name());
          }

          @Override
          public void onRefreshFailure(String domain, dev.mtasts.result.Failure failure,
              int consecutive, CachedPolicy cached) {
            events.add("refresh-failure " + failure.resultType());
          }

          @Override
          public void onStoreWriteRefused(String domain, CachedPolicy refused) {
            events.add("write-refused " + refused.id());
          }

          @Override
          public void onSuspiciousEntry(String domain, CachedPolicy stored) {
            events.add("suspicious " + stored.id());
          }

          @Override
          public void onStoreError(String domain, RuntimeException error) {
            events.add("store-error");
          }
        })
        .build();
  }

  private static PolicyState.Applied applied(Resolution r) {
    return assertInstanceOf(PolicyState.Applied.class, r.state(), () -> r.toString());
  }

  @Test
  void coldLookupFetchesThenServesFromMemoryWithoutIo() {
    Resolution first = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.FETCHED, first.source());
    assertEquals(Mode.ENFORCE, applied(first).policy().mode());
    int queries = dns.queryCount();
    int gets = host.requestCount();

    Resolution second = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.CACHED, second.source());
    assertEquals(queries, dns.queryCount(), "no DNS query for a fresh cached policy");
    assertEquals(gets, host.requestCount(), "no HTTPS fetch for a fresh cached policy");
  }

  @Test
  void sameIdIsConfirmedWithoutAFetch() {
    resolver.lookup(DOMAIN);
    int gets = host.requestCount();
    Resolution r = refresh();
    assertEquals(Resolution.Source.CACHED_ID_CONFIRMED, r.source());
    assertEquals(gets, host.requestCount(), "same id: no HTTPS fetch");
    assertEquals(2, dns.queryCount(TXT, "TXT"), "the id was checked again");
  }

  @Test
  void newIdFetchesTheNewPolicy() {
    resolver.lookup(DOMAIN);
    dns.remove(TXT).txt(TXT, "v=STSv1; id=2");
    host.body(new String(SamplePolicies.testing(DOMAIN)));
    PolicyState.Applied state = applied(refresh());
    assertEquals("2", state.id());
    assertEquals(Mode.TESTING, state.policy().mode());
    assertTrue(events.contains("MODE_WEAKENED"), events.toString());
    assertTrue(events.contains("MX_CHANGED"), events.toString());
  }

  @Test
  void strippedTxtRecordKeepsTheCachedPolicy() {
    resolver.lookup(DOMAIN);
    dns.remove(TXT);
    Resolution r = refresh();
    assertEquals(Resolution.Source.CACHED_DESPITE_FAILURE, r.source());
    assertEquals(Mode.ENFORCE, applied(r).policy().mode());
  }

  @Test
  void dnsFailureKeepsTheCachedPolicy() {
    resolver.lookup(DOMAIN);
    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    Resolution r = refresh();
    assertEquals(Resolution.Source.CACHED_DESPITE_FAILURE, r.source());
    assertEquals("1", applied(r).id());
  }

  @Test
  void policyHostDownWithNewIdKeepsTheCachedPolicyAndReports() {
    resolver.lookup(DOMAIN);
    dns.remove(TXT).txt(TXT, "v=STSv1; id=2");
    host.serverError();
    Resolution r = refresh();
    assertEquals(Resolution.Source.CACHED_DESPITE_FAILURE, r.source());
    PolicyState.Applied state = applied(r);
    assertEquals("1", state.id(), "the attacker's new id gains nothing");
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR,
        state.refreshFailure().orElseThrow().resultType());
    assertTrue(events.contains("refresh-failure sts-policy-fetch-error"), events.toString());
  }

  @Test
  void failedFetchIsNotRepeatedForTheSameIdWithinTheBackoff() {
    resolver.lookup(DOMAIN);
    dns.remove(TXT).txt(TXT, "v=STSv1; id=2");
    host.serverError();
    refresh();
    int gets = host.requestCount();

    clock.advance(Duration.ofMinutes(4));
    host.reset();
    host.body(ENFORCE.replace("86400", "172800"));
    Resolution during = refresh();
    assertEquals(Resolution.Source.CACHED_DESPITE_FAILURE, during.source());
    assertEquals(0, host.requestCount(), "no fetch within five minutes of the failure");

    clock.advance(Duration.ofMinutes(2));
    Resolution after = refresh();
    assertEquals(Resolution.Source.FETCHED, after.source());
    assertEquals("2", applied(after).id());
    assertTrue(gets >= 1);
  }

  @Test
  void expiredPolicyIsNotAppliedWhenTheRecordIsGone() {
    resolver.lookup(DOMAIN);
    dns.remove(TXT);
    clock.advance(Duration.ofSeconds(86400));
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.NO_POLICY, r.source());
    assertInstanceOf(PolicyState.NoPolicy.class, r.state());
  }

  @Test
  void expiredPolicyIsFetchedAgainEvenWithTheSameId() {
    resolver.lookup(DOMAIN);
    clock.advance(Duration.ofDays(2));
    int gets = host.requestCount();
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.FETCHED, r.source());
    assertEquals(gets + 1, host.requestCount());
    assertEquals(clock.instant(), applied(r).fetchedAt(), "the max_age clock restarts");
  }

  @Test
  void nonePolicyReplacesEnforce() {
    resolver.lookup(DOMAIN);
    dns.remove(TXT).txt(TXT, "v=STSv1; id=3");
    host.body(new String(SamplePolicies.none()));
    Resolution r = refresh();
    assertEquals(Resolution.Source.FETCHED, r.source());
    assertEquals(Mode.NONE, applied(r).policy().mode());
    resolver.storeWrites().join();
    assertEquals(Mode.NONE, store.load(DOMAIN).orElseThrow().policy().mode(), "stored too");
  }

  @Test
  void policyChangedWithoutNewIdIsReported() {
    resolver.lookup(DOMAIN);
    host.body(ENFORCE.replace("mx1.", "mx2."));
    resolver.refreshAsync(DOMAIN).join();
    assertTrue(events.contains("CHANGED_WITHOUT_NEW_ID"), events.toString());
  }

  @Test
  void concurrentColdLookupsShareOneQueryAndOneFetch() {
    List<CompletableFuture<Resolution>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(resolver.lookupAsync(DOMAIN));
    }
    for (CompletableFuture<Resolution> f : all) {
      assertEquals(Mode.ENFORCE, applied(f.join()).policy().mode());
    }
    assertEquals(1, dns.queryCount(TXT, "TXT"), "exactly one TXT query");
    assertEquals(1, host.requestCount(), "exactly one GET");
  }

  @Test
  void restartServesTheStoredPolicyWithoutIo() {
    resolver.lookup(DOMAIN);
    resolver.close();
    store.close();
    dns.resetQueryCounts();
    host.reset();
    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);

    store = FilePolicyStore.builder(dir).clock(clock).build();
    resolver = newResolver(store);
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.CACHED, r.source());
    assertEquals("1", applied(r).id());
    assertEquals(0, host.requestCount());
  }

  @Test
  void backgroundModeAnswersAtOnceAndDiscoversBehind() {
    resolver.close();
    resolver = PolicyResolver.builder(discoverer()).store(store).clock(clock)
        .proactiveRefresh(Duration.ZERO).backgroundDiscovery(true).build();
    Resolution first = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.NOT_YET_DISCOVERED, first.source());
    Resolution later = resolver.recheckAsync(DOMAIN).thenCompose(s -> resolver.lookupAsync(DOMAIN))
        .join();
    assertEquals(Resolution.Source.CACHED, later.source());
  }

  @Test
  void noPolicyAndTemporaryFailureWithoutCacheAreTold() {
    dns.remove(TXT);
    assertEquals(Resolution.Source.NO_POLICY, resolver.lookup(DOMAIN).source());
    dns.txt(TXT, "v=STSv1; id=1").fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    assertEquals(Resolution.Source.TEMPORARY_FAILURE, resolver.lookup(DOMAIN).source());
    dns.clearFaults();
    host.notFound();
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.POLICY_FAILURE, r.source());
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, assertInstanceOf(PolicyState.PolicyFailure.class,
        r.state()).failure().resultType());
  }

  @Test
  void storeThatFailsToWriteDoesNotLoseTheNewPolicy() {
    resolver.close();
    store.close();
    PolicyStore broken = new PolicyStore() {
      @Override
      public java.util.Optional<CachedPolicy> load(String domain) {
        return java.util.Optional.empty();
      }

      @Override
      public LoadedPolicies loadAll() {
        return new LoadedPolicies(List.of(), List.of());
      }

      @Override
      public boolean save(CachedPolicy policy) {
        throw new PolicyStoreException(PolicyStoreException.Reason.IO, policy.domain(), "test",
            "disk full", null);
      }

      @Override
      public boolean delete(String domain) {
        return false;
      }

      @Override
      public java.util.Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
        return java.util.Optional.empty();
      }

      @Override
      public boolean release(Lease lease) {
        return false;
      }

      @Override
      public void close() {}
    };
    store = FilePolicyStore.builder(dir.resolve("unused")).build();
    resolver = newResolver(broken);
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.FETCHED, r.source());
    assertEquals(Resolution.Source.CACHED, resolver.lookup(DOMAIN).source());
  }

  @Test
  void proactiveRefreshFetchesADuePolicyAndRestartsItsClock() {
    resolver.close();
    resolver = newResolver(store, Duration.ofDays(1));
    resolver.lookup(DOMAIN);
    int gets = host.requestCount();
    resolver.runProactiveRefresh().join();
    assertEquals(gets, host.requestCount(), "nothing is due right after a fetch");

    clock.advance(Duration.ofHours(13)); // max_age 1 day: due after about half of it
    resolver.runProactiveRefresh().join();
    assertEquals(gets + 1, host.requestCount(), "one fetch, whatever the TXT id");
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.CACHED, r.source());
    assertEquals(clock.instant(), applied(r).fetchedAt(), "the max_age clock restarted");
  }

  @Test
  void proactiveRefreshIsLeftToTheMtaHoldingTheLease() {
    resolver.close();
    resolver = newResolver(store, Duration.ofDays(1));
    resolver.lookup(DOMAIN);
    clock.advance(Duration.ofHours(13));
    assertTrue(store.tryLease(DOMAIN, "another-mta", Duration.ofHours(1)).isPresent());
    int gets = host.requestCount();
    resolver.runProactiveRefresh().join();
    assertEquals(gets, host.requestCount(), "another MTA of the fleet refreshes this domain");
  }

  @Test
  void evictionIsReportedAndTheStoredPolicyServesTheNextLookup() {
    resolver.close();
    List<String> evicted = new CopyOnWriteArrayList<>();
    resolver = PolicyResolver.builder(discoverer()).store(store).clock(clock)
        .proactiveRefresh(Duration.ZERO).maximumDomains(1)
        .listener(new ResolverListener() {
          @Override
          public void onEviction(String domain, boolean fresh) {
            evicted.add(domain + (fresh ? " fresh" : " stale"));
          }
        }).build();
    resolver.lookup(DOMAIN);
    resolver.storeWrites().join();
    dns.remove("_mta-sts.other.example.test").txt("_mta-sts.other.example.test", "v=STSv1; id=1");
    resolver.lookup("other.example.test"); // no policy host: a policy failure, but an entry
    resolver.lookup("third.example.test");
    assertTrue(resolver.size() <= 1, "bounded: " + resolver.size());
    assertTrue(evicted.contains(DOMAIN + " fresh"), evicted.toString());

    int gets = host.requestCount();
    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    Resolution back = resolver.lookup(DOMAIN);
    assertEquals(Mode.ENFORCE, applied(back).policy().mode(), "read back from the store");
    assertEquals(gets, host.requestCount());
  }

  @Test
  void aPolicyStoredByAClockThatRanAheadIsReplacedByTheNextFetch() {
    resolver.close();
    // An MTA whose clock ran 30 days ahead stored "none"; the clock is right again and the domain
    // now publishes enforce under a new id.
    Policy none = Policy.parse(SamplePolicies.none()).value().orElseThrow();
    store.save(new CachedPolicy(DOMAIN, "old", none, clock.instant().plus(Duration.ofDays(30))));
    resolver = newResolver(store);
    assertTrue(events.contains("suspicious old"), events.toString());

    Resolution checked = refresh();
    assertEquals(Resolution.Source.FETCHED, checked.source());
    assertEquals(Mode.ENFORCE, applied(checked).policy().mode());
    resolver.storeWrites().join();
    assertEquals(Mode.ENFORCE, store.load(DOMAIN).orElseThrow().policy().mode(), "stored");

    // After a restart, under SERVFAIL, the fetched policy applies, not the pinned "none".
    resolver.close();
    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    resolver = newResolver(store);
    assertEquals(Mode.ENFORCE, applied(resolver.recheckAsync(DOMAIN).thenCompose(
        st -> resolver.lookupAsync(DOMAIN)).join()).policy().mode());
  }

  @Test
  void aStoreWriteThatIsRefusedIsReported() {
    // Another MTA stored a fetch a minute later (within the skew tolerance): it is kept, and the
    // refusal is told rather than ignored.
    store.save(new CachedPolicy(DOMAIN, "other", SamplePolicyText.enforce(),
        clock.instant().plus(Duration.ofMinutes(1))));
    resolver.close();
    resolver = newResolver(store);
    dns.remove(TXT).txt(TXT, "v=STSv1; id=2");
    assertEquals(Resolution.Source.FETCHED, refresh().source());
    resolver.storeWrites().join();
    assertTrue(events.contains("write-refused 2"), events.toString());
  }

  @Test
  void aStoreThatCannotBeReadIsATemporaryFailureNotNoPolicy() {
    resolver.lookup(DOMAIN);
    resolver.close();
    // Restart while the store is unreachable; the attacker strips the TXT record.
    FlakyStore flaky = new FlakyStore(store);
    flaky.failing = true;
    dns.remove(TXT);
    resolver = newResolver(flaky);
    Resolution r = resolver.lookup(DOMAIN);
    assertEquals(Resolution.Source.TEMPORARY_FAILURE, r.source(), r.toString());
    assertInstanceOf(PolicyState.Unavailable.class, r.state());
    assertTrue(events.contains("store-error"), events.toString());

    flaky.failing = false; // the store is read again, not remembered as empty
    Resolution back = resolver.lookup(DOMAIN);
    assertEquals(Mode.ENFORCE, applied(back).policy().mode(), back.toString());
  }

  @Test
  void backgroundModeReadsTheStoreBeforeSayingNothingIsKnown() {
    resolver.lookup(DOMAIN);
    store.save(new CachedPolicy("b." + DOMAIN, "1", SamplePolicyText.enforce(), clock.instant()));
    resolver.close();
    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    resolver = PolicyResolver.builder(discoverer()).store(store).clock(clock)
        .proactiveRefresh(Duration.ZERO).backgroundDiscovery(true).maximumDomains(1).build();
    assertTrue(resolver.size() <= 1, "one of the two is evicted from memory");
    for (String d : List.of(DOMAIN, "b." + DOMAIN, DOMAIN)) {
      Resolution r = resolver.lookup(d);
      assertEquals(Resolution.Source.CACHED, r.source(), d + ": " + r);
      assertEquals(Mode.ENFORCE, applied(r).policy().mode());
    }
  }

  @Test
  void backgroundModeReadsTheStoreOnceForADomainItDoesNotKnow() {
    FlakyStore counting = new FlakyStore(store);
    resolver.close();
    resolver = PolicyResolver.builder(discoverer())
        .store(counting).clock(clock).proactiveRefresh(Duration.ZERO).backgroundDiscovery(true)
        .build();
    Resolution first = resolver.lookup(DOMAIN); // nothing known: answered, discovered behind
    assertEquals(Resolution.Source.NOT_YET_DISCOVERED, first.source(), first.toString());
    // Joins the discovery under way (one per domain at a time) rather than starting another.
    Resolution r = resolver.recheckAsync(DOMAIN).join();
    assertEquals(Resolution.Source.FETCHED, r.source(), r.toString());
    assertEquals(1, counting.loads.get(), "the store is read once, before the first answer");
  }

  @Test
  void refreshFetchesThePolicyWhateverTheTxtRecordSays() {
    resolver.lookup(DOMAIN);
    clock.advance(Duration.ofHours(13));
    dns.remove(TXT); // blocked or stripped by an attacker
    Resolution r = resolver.refreshAsync(DOMAIN).join();
    assertEquals(Resolution.Source.FETCHED, r.source(), r.toString());
    assertEquals("1", applied(r).id(), "the cached id is kept");
    assertEquals(clock.instant(), applied(r).fetchedAt(), "max_age extended");

    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    clock.advance(Duration.ofHours(13));
    Resolution again = resolver.refreshAsync(DOMAIN).join();
    assertEquals(Resolution.Source.FETCHED, again.source(), again.toString());

    host.notFound(); // a failed fetch keeps the cached policy, as before
    Resolution failed = resolver.refreshAsync(DOMAIN).join();
    assertEquals(Resolution.Source.CACHED_DESPITE_FAILURE, failed.source());
  }

  @Test
  void proactiveRefreshFetchesWhenTheTxtLookupFails() {
    resolver.close();
    resolver = newResolver(store, Duration.ofDays(1));
    resolver.lookup(DOMAIN);
    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    clock.advance(Duration.ofHours(13));
    int gets = host.requestCount();
    resolver.runProactiveRefresh().join();
    assertEquals(gets + 1, host.requestCount(), "fetched although the TXT lookup failed");
    assertEquals(clock.instant(), applied(resolver.lookup(DOMAIN)).fetchedAt());
  }

  /** A real store behind a switch that makes its reads fail, as an unreachable database does. */
  private static final class FlakyStore implements PolicyStore {
    private final PolicyStore real;
    volatile boolean failing;
    final java.util.concurrent.atomic.AtomicInteger loads =
        new java.util.concurrent.atomic.AtomicInteger();

    FlakyStore(PolicyStore real) {
      this.real = real;
    }

    private void check() {
      if (failing) {
        throw new PolicyStoreException(PolicyStoreException.Reason.IO, null, "test",
            "connection refused", null);
      }
    }

    @Override
    public java.util.Optional<CachedPolicy> load(String domain) {
      loads.incrementAndGet();
      check();
      return real.load(domain);
    }

    @Override
    public LoadedPolicies loadAll() {
      check();
      return real.loadAll();
    }

    @Override
    public boolean save(CachedPolicy policy) {
      check();
      return real.save(policy);
    }

    @Override
    public boolean delete(String domain) {
      return real.delete(domain);
    }

    @Override
    public java.util.Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
      return real.tryLease(domain, owner, ttl);
    }

    @Override
    public boolean release(Lease lease) {
      return real.release(lease);
    }

    @Override
    public void close() {}
  }

  /** Policies for entries put into the store directly. */
  private static final class SamplePolicyText {
    static Policy enforce() {
      return Policy.parse(ENFORCE).value().orElseThrow();
    }
  }

  private Resolution refresh() {
    return resolver.recheckAsync(DOMAIN).join();
  }
}
