package dev.mtasts.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.MxRecords;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.result.ResultType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Proactive refresh in a fleet: when another MTA holds a domain's refresh lease, the resolver takes
 * the policy that MTA stored, by the same rules as any stored policy it reads back.
 */
class FleetAdoptionTest {
  private static final String D = "fleet.example.test";
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  /** A store shared with another MTA of the fleet, which holds every refresh lease. */
  private static final class SharedStore implements PolicyStore {
    final Map<String, CachedPolicy> rows = new ConcurrentHashMap<>();

    @Override
    public Optional<CachedPolicy> load(String domain) {
      return Optional.ofNullable(rows.get(domain));
    }

    @Override
    public LoadedPolicies loadAll() {
      return new LoadedPolicies(List.copyOf(rows.values()), List.of());
    }

    @Override
    public boolean save(CachedPolicy policy) {
      rows.put(policy.domain(), policy);
      return true;
    }

    @Override
    public boolean delete(String domain) {
      return rows.remove(domain) != null;
    }

    @Override
    public Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
      return Optional.empty();
    }

    @Override
    public boolean release(Lease lease) {
      return false;
    }

    @Override
    public void close() {}
  }

  /** DNS that fails every lookup for now, so an id check keeps what is cached. */
  private static final class FailingDns implements DnsClient {
    @Override
    public CompletableFuture<DnsResult<List<String>>> txtAsync(String name) {
      return CompletableFuture.completedFuture(
          new DnsResult.TemporaryFailure<>(DnsResult.Reason.SERVER_FAILURE, "SERVFAIL"));
    }

    @Override
    public CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain) {
      return CompletableFuture.completedFuture(
          new DnsResult.TemporaryFailure<>(DnsResult.Reason.SERVER_FAILURE, "SERVFAIL"));
    }
  }

  @Test
  void aPolicyAnotherMtaStoredInTheFutureIsTakenAsFetchedNow() {
    Policy enforce = Policy.of(Mode.ENFORCE, Duration.ofDays(1),
        List.of(MxPattern.of("mx1.fleet.example.test")));
    Policy none = Policy.of(Mode.NONE, Duration.ofDays(1), List.of());
    SharedStore store = new SharedStore();
    store.save(new CachedPolicy(D, "1", enforce, NOW.minus(Duration.ofHours(13))));
    List<String> events = new CopyOnWriteArrayList<>();
    PolicyDiscoverer discoverer = PolicyDiscoverer.builder(new FailingDns(), domain ->
        CompletableFuture.completedFuture(new FetchResult.Failed(
            ResultType.STS_POLICY_FETCH_ERROR, "no policy host in this test", List.of())))
        .build();
    try (PolicyResolver resolver = PolicyResolver.builder(discoverer).store(store)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).proactiveRefresh(Duration.ofDays(1))
        .listener(new ResolverListener() {
          @Override
          public void onSuspiciousEntry(String domain, CachedPolicy stored) {
            events.add("suspicious " + stored.id());
          }
        }).build()) {
      // The MTA holding the lease ran 30 days ahead when it stored "none".
      store.save(new CachedPolicy(D, "old", none, NOW.plus(Duration.ofDays(30))));

      resolver.runProactiveRefresh().join();

      PolicyState.Applied applied = assertInstanceOf(PolicyState.Applied.class,
          resolver.lookup(D).state());
      assertEquals("old", applied.id(), "the other MTA's policy is taken");
      assertEquals(NOW, applied.fetchedAt(),
          "taken as fetched now: it cannot outlive its max_age by 30 days");
      assertEquals(List.of("suspicious old"), events);
    }
  }
}
