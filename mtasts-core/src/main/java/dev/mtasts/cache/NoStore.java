package dev.mtasts.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The store of a cache that lives in memory only: nothing is persisted, every lease is granted (one
 * MTA has nobody to share refreshes with).
 */
final class NoStore implements PolicyStore {
  static final NoStore INSTANCE = new NoStore();

  private NoStore() {}

  @Override
  public Optional<CachedPolicy> load(String domain) {
    return Optional.empty();
  }

  @Override
  public LoadedPolicies loadAll() {
    return new LoadedPolicies(List.of(), List.of());
  }

  @Override
  public boolean save(CachedPolicy policy) {
    return true;
  }

  @Override
  public boolean delete(String domain) {
    return false;
  }

  @Override
  public Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
    return Optional.of(new Lease(domain, owner, Instant.MAX)); // nobody else could take it
  }

  @Override
  public boolean release(Lease lease) {
    return true;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "memory only";
  }
}
