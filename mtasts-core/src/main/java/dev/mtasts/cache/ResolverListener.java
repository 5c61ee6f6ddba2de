package dev.mtasts.cache;

import dev.mtasts.result.Failure;

/**
 * Observes a {@link PolicyResolver}: lookups, fetches, failures, evictions and policy changes, so an
 * operator can bridge them to metrics (Micrometer, JMX) and alerts without the library depending on
 * them. Methods are called on the resolver's threads; implementations must be thread-safe and quick.
 * Every method does nothing by default.
 */
public interface ResolverListener {
  /** A listener that ignores everything. */
  ResolverListener NONE = new ResolverListener() {};

  /**
   * A lookup was answered.
   *
   * @param domain the policy domain
   * @param hit {@code true} when a fresh policy was served from memory without waiting for I/O
   */
  default void onLookup(String domain, boolean hit) {}

  /**
   * A policy was fetched and stored.
   *
   * @param domain the policy domain
   * @param policy what is now cached
   */
  default void onFetched(String domain, CachedPolicy policy) {}

  /**
   * A refresh failed (TXT lookup or policy fetch) while a policy other than {@code none} was cached.
   *
   * @param domain the policy domain
   * @param failure what failed
   * @param consecutive how many refreshes in a row have failed
   * @param cached the policy that stays in force until it expires
   */
  default void onRefreshFailure(String domain, Failure failure, int consecutive, CachedPolicy cached) {}

  /**
   * A domain was evicted from memory because the resolver holds its maximum number of domains. Its
   * stored copy is kept and read back on the next lookup.
   *
   * @param domain the policy domain
   * @param fresh whether the evicted policy was still fresh
   */
  default void onEviction(String domain, boolean fresh) {}

  /**
   * A newly fetched policy differs from the cached one in a way worth a warning.
   *
   * @param domain the policy domain
   * @param change what changed
   * @param before the policy cached before
   * @param after the policy cached now
   */
  default void onPolicyChange(String domain, PolicyChange change, CachedPolicy before,
      CachedPolicy after) {}

  /**
   * Reading or writing the store failed, or a read took longer than the resolver waits. A policy
   * that could not be written is applied from memory anyway; a read that failed makes the answer a
   * temporary failure unless a policy is known otherwise, and the store is read again on the next
   * lookup.
   *
   * @param domain the policy domain
   * @param error what failed
   */
  default void onStoreError(String domain, RuntimeException error) {}

  /**
   * The store kept its entry instead of a policy fetched just now, because the stored one claims a
   * later fetch (for example another MTA of the fleet fetched it meanwhile). The fetched policy is
   * applied from memory.
   *
   * @param domain the policy domain
   * @param refused the policy the store did not take
   */
  default void onStoreWriteRefused(String domain, CachedPolicy refused) {}

  /**
   * A stored policy claims to have been fetched in the future (beyond {@link
   * CachedPolicy#CLOCK_SKEW_TOLERANCE}): a clock ran ahead when it was written. The resolver treats
   * it as fetched now, checks its id at once, and the next successful fetch replaces it.
   *
   * @param domain the policy domain
   * @param stored the entry as stored
   */
  default void onSuspiciousEntry(String domain, CachedPolicy stored) {}

  /** Changes of a domain's policy that an operator should hear about. */
  enum PolicyChange {
    /** The mode became weaker: enforce to testing or none, or testing to none. */
    MODE_WEAKENED,
    /** The set of mx patterns changed. */
    MX_CHANGED,
    /** The policy changed but its TXT id did not: other senders keep the old one until max_age. */
    CHANGED_WITHOUT_NEW_ID
  }
}
