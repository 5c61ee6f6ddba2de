package dev.mtasts.store;

import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.Lease;
import static dev.mtasts.store.Fixtures.T0;
import static dev.mtasts.store.Fixtures.cached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link PolicyStore} promises; subclasses supply a fresh, empty store. */
abstract class PolicyStoreContract {
  protected TestClock clock;
  protected PolicyStore store;

  /** Returns a new, empty store whose leases use {@code clock}. */
  protected abstract PolicyStore newStore(TestClock clock) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    clock = new TestClock(T0.plus(Duration.ofDays(1)));
    store = newStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void savedPolicyLoadsBackEqual() {
    CachedPolicy p = cached("example.com", 1);
    assertTrue(store.save(p));
    assertEquals(Optional.of(p), store.load("example.com"));
  }

  @Test
  void anEntryFetchedInTheFutureIsReplacedByAnyFetch() {
    // Written by a clock 30 days ahead; "ahead" of the store clock, and of the real time a
    // database judges by. Truncated to whole microseconds, as the JDBC store keeps times.
    java.time.Instant ahead = java.time.Instant.now().plus(Duration.ofDays(30))
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    store.save(cached("skew.example", 1, ahead));
    CachedPolicy now = cached("skew.example", 2, clock.instant());
    assertTrue(store.save(now), "a corrected clock is not locked out");
    assertEquals(Optional.of(now), store.load("skew.example"));
  }

  @Test
  void anEntryWithinTheSkewToleranceStillOutranksAnEarlierFetch() {
    CachedPolicy soon = cached("skew.example", 1, clock.instant().plus(Duration.ofMinutes(2)));
    store.save(soon);
    assertFalse(store.save(cached("skew.example", 2, clock.instant())));
    assertEquals(Optional.of(soon), store.load("skew.example"));
  }

  @Test
  void unknownDomainLoadsEmpty() {
    store.save(cached("example.com", 1));
    assertEquals(Optional.empty(), store.load("example.org"));
  }

  @Test
  void domainsAreNormalisedToLowerCaseALabels() {
    store.save(cached("Mail.Example.COM.", 1));
    CachedPolicy loaded = store.load("mail.example.com").orElseThrow();
    assertEquals("mail.example.com", loaded.domain());
    assertEquals(Optional.of(loaded), store.load("MAIL.example.com."));

    store.save(cached("bücher.example", 2));
    assertEquals("xn--bcher-kva.example", store.load("xn--bcher-kva.example").orElseThrow().domain());
    assertEquals(
        Set.of("mail.example.com", "xn--bcher-kva.example"),
        store.loadAll().policies().stream().map(CachedPolicy::domain).collect(Collectors.toSet()));
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> store.load("not a domain"));
    assertThrows(IllegalArgumentException.class, () -> store.load("../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> store.delete("a..b"));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.save(new CachedPolicy("example.com", "bad id!", Fixtures.policy(1), T0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.tryLease("example.com", "", Duration.ofMinutes(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.tryLease("example.com", "mta-1", Duration.ZERO));
    assertEquals(List.of(), store.loadAll().policies());
  }

  @Test
  void aPolicyTooLongToReadBackIsRefused() {
    List<dev.mtasts.policy.MxPattern> mx = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      mx.add(dev.mtasts.policy.MxPattern.of("mx" + i + ".example.net"));
    }
    dev.mtasts.policy.Policy huge =
        dev.mtasts.policy.Policy.of(dev.mtasts.policy.Mode.ENFORCE, Duration.ofDays(1), mx);
    assertThrows(
        IllegalArgumentException.class,
        () -> store.save(new CachedPolicy("example.com", "id1", huge, T0)));
    assertEquals(Optional.empty(), store.load("example.com"));
  }

  @Test
  void anOlderFetchNeverReplacesANewerOne() {
    CachedPolicy newer = cached("example.com", 2);
    CachedPolicy older = cached("example.com", 1);
    assertTrue(store.save(newer));
    assertFalse(store.save(older), "an older fetch must be refused");
    assertEquals(Optional.of(newer), store.load("example.com"));

    CachedPolicy newest = cached("example.com", 3);
    assertTrue(store.save(newest));
    assertEquals(Optional.of(newest), store.load("example.com"));
  }

  @Test
  void savingTheSameEntryAgainSucceeds() {
    CachedPolicy p = cached("example.com", 1);
    assertTrue(store.save(p));
    assertTrue(store.save(p));
    assertEquals(Optional.of(p), store.load("example.com"));
  }

  @Test
  void deleteRemovesOnlyThatDomain() {
    store.save(cached("a.example", 1));
    store.save(cached("b.example", 2));
    assertTrue(store.delete("A.example"));
    assertEquals(Optional.empty(), store.load("a.example"));
    assertFalse(store.delete("a.example"));
    assertEquals(Optional.of(cached("b.example", 2)), store.load("b.example"));
  }

  @Test
  void loadAllReturnsEveryStoredPolicy() {
    Set<CachedPolicy> saved = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      CachedPolicy p = cached("d" + i + ".example", i);
      store.save(p);
      saved.add(p);
    }
    LoadedPolicies all = store.loadAll();
    assertEquals(List.of(), all.problems());
    assertEquals(saved, new HashSet<>(all.policies()));
  }

  @Test
  void saveAllStoresEachUnlessANewerOneIsStored() {
    store.save(cached("b.example", 5));
    List<CachedPolicy> batch =
        List.of(cached("a.example", 1), cached("b.example", 2), cached("c.example", 3));
    assertEquals(2, store.saveAll(batch));
    assertEquals(
        Set.of(cached("a.example", 1), cached("b.example", 5), cached("c.example", 3)),
        new HashSet<>(store.loadAll().policies()));
  }

  @Test
  void concurrentWritersLeaveTheLatestFetch() throws Exception {
    int threads = 4;
    int perThread = 12;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < threads * perThread; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Integer> mine = order.subList(t * perThread, (t + 1) * perThread);
        done.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      start.await();
                      for (int n : mine) {
                        store.save(cached("race.example", n));
                      }
                      return null;
                    }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    int latest = threads * perThread - 1;
    assertEquals(Optional.of(cached("race.example", latest)), store.load("race.example"));
  }

  @Test
  void aLeaseIsHeldByOneOwnerAtATime() {
    Lease lease = store.tryLease("example.com", "mta-1", Duration.ofMinutes(5)).orElseThrow();
    assertEquals("example.com", lease.domain());
    assertEquals("mta-1", lease.owner());
    assertEquals(clock.instant().plus(Duration.ofMinutes(5)), lease.expiresAt());

    assertEquals(Optional.empty(), store.tryLease("EXAMPLE.com", "mta-2", Duration.ofMinutes(5)));
    assertFalse(store.release(new Lease("example.com", "mta-2", lease.expiresAt())));

    clock.advance(Duration.ofMinutes(1));
    Lease renewed = store.tryLease("example.com", "mta-1", Duration.ofMinutes(5)).orElseThrow();
    assertTrue(renewed.expiresAt().isAfter(lease.expiresAt()));

    assertTrue(store.release(renewed));
    assertFalse(store.release(renewed));
    assertTrue(store.tryLease("example.com", "mta-2", Duration.ofMinutes(5)).isPresent());
  }

  @Test
  void anExpiredLeaseCanBeTakenOver() {
    store.tryLease("example.com", "crashed-mta", Duration.ofMinutes(2)).orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Optional.empty(), store.tryLease("example.com", "mta-2", Duration.ofMinutes(2)));
    clock.advance(Duration.ofMinutes(1));
    Lease taken = store.tryLease("example.com", "mta-2", Duration.ofMinutes(2)).orElseThrow();
    assertEquals("mta-2", taken.owner());
    assertFalse(
        store.release(new Lease("example.com", "crashed-mta", T0)),
        "the lapsed owner no longer holds the lease");
    assertEquals(Optional.empty(), store.tryLease("example.com", "mta-3", Duration.ofMinutes(2)));
  }

  @Test
  void leasesDoNotDisturbStoredPolicies() {
    CachedPolicy p = cached("example.com", 1);
    store.save(p);
    Lease onStored = store.tryLease("example.com", "mta-1", Duration.ofMinutes(5)).orElseThrow();
    Lease onUnknown = store.tryLease("new.example", "mta-1", Duration.ofMinutes(5)).orElseThrow();
    assertEquals(Optional.of(p), store.load("example.com"));
    assertEquals(Optional.empty(), store.load("new.example"));
    assertEquals(List.of(p), store.loadAll().policies());

    CachedPolicy refreshed = cached("example.com", 2);
    assertTrue(store.save(refreshed));
    assertTrue(store.release(onStored));
    assertTrue(store.release(onUnknown));
    assertEquals(Optional.of(refreshed), store.load("example.com"));
    assertEquals(List.of(refreshed), store.loadAll().policies());
  }

  @Test
  void racingOwnersGetExactlyOneLease() throws Exception {
    int owners = 4;
    store.save(cached("stored.example", 1));
    for (String domain : List.of("stored.example", "unstored.example")) {
      CyclicBarrier start = new CyclicBarrier(owners);
      ExecutorService pool = Executors.newFixedThreadPool(owners);
      try {
        List<Future<Optional<Lease>>> results = new ArrayList<>();
        for (int o = 0; o < owners; o++) {
          String owner = "mta-" + o;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.tryLease(domain, owner, Duration.ofMinutes(5));
                  }));
        }
        int granted = 0;
        for (Future<Optional<Lease>> f : results) {
          granted += f.get().isPresent() ? 1 : 0;
        }
        assertEquals(1, granted, "leases granted on " + domain);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aClosedStoreRefusesCalls() {
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.load("example.com"));
    assertThrows(IllegalStateException.class, () -> store.save(cached("example.com", 1)));
    assertThrows(IllegalStateException.class, store::loadAll);
  }

  /** For subclasses: an instant with nanoseconds, which some stores round. */
  static Instant withNanos(Instant t) {
    return t.plusNanos(789);
  }
}
