package dev.mtasts.benchmarks;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.Lease;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.PolicyStore;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A policy store in memory, for benchmarks of what sits in front of a store. */
final class MemoryStore implements PolicyStore {
  private final Map<String, CachedPolicy> map = new ConcurrentHashMap<>();

  /** A store holding {@code n} fresh 3-mx enforce policies for d0.example.com .. d(n-1).example.com. */
  static MemoryStore withPolicies(int n, Instant fetchedAt) {
    MemoryStore store = new MemoryStore();
    for (int i = 0; i < n; i++) {
      String domain = domain(i);
      Policy policy = Policy.parse("version: STSv1\r\nmode: enforce\r\nmx: mx1." + domain
          + "\r\nmx: mx2." + domain + "\r\nmx: *.backup." + domain + "\r\nmax_age: 604800\r\n")
          .orElseThrow();
      store.save(new CachedPolicy(domain, "20261128T000000", policy, fetchedAt));
    }
    return store;
  }

  static String domain(int i) {
    return "d" + i + ".example.com";
  }

  static Policy sample() {
    return Policy.of(Mode.ENFORCE, Duration.ofDays(7), List.of(MxPattern.of("mx1.example.com")));
  }

  @Override
  public Optional<CachedPolicy> load(String domain) {
    return Optional.ofNullable(map.get(domain));
  }

  @Override
  public LoadedPolicies loadAll() {
    return new LoadedPolicies(new ArrayList<>(map.values()), List.of());
  }

  @Override
  public boolean save(CachedPolicy policy) {
    map.put(policy.domain(), policy);
    return true;
  }

  @Override
  public boolean delete(String domain) {
    return map.remove(domain) != null;
  }

  @Override
  public Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
    return Optional.empty();
  }

  @Override
  public boolean release(Lease lease) {
    return false;
  }

  /** Forgets every policy. */
  void clear() {
    map.clear();
  }

  @Override
  public void close() {}
}
