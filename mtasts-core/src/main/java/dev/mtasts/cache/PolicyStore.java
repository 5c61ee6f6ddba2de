package dev.mtasts.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Where cached policies survive restarts: the persistent half of the policy cache. The resolver
 * writes every successfully fetched policy here and warms its in-memory cache from here at start.
 *
 * <p>Two implementations come with the library, in {@code mtasts-cache}: {@code
 * dev.mtasts.store.FilePolicyStore} (one file per domain, the embedded default) and {@code
 * dev.mtasts.store.JdbcPolicyStore} (any {@code javax.sql.DataSource}; one table shared by a fleet
 * of MTAs). Others may be plugged in; they must keep the contract below.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Thread-safe.</b> Every method may be called from many threads at once.
 *   <li><b>Domains</b> are given in any case, with or without a trailing dot, as U-labels or
 *       A-labels; they are normalised to lower-case A-labels ({@link
 *       dev.mtasts.policy.HostName#parse(String)}) and a name that is not a valid host name is
 *       rejected with {@link IllegalArgumentException}. Policies come back with the normalised
 *       domain.
 *   <li><b>Durable on return.</b> When {@link #save(CachedPolicy)} or {@link #delete(String)}
 *       returns, the change survives a crash of the process or the machine.
 *   <li><b>Last fetched wins.</b> A saved entry replaces the stored one only when it was not
 *       fetched earlier ({@link CachedPolicy#fetchedAt()}), however saves from threads or MTAs
 *       interleave. An older fetch never overwrites a newer one. The exception is an entry
 *       fetched "in the future", later than the store's now plus {@link
 *       CachedPolicy#CLOCK_SKEW_TOLERANCE}: a clock ran ahead when it was written, and any save
 *       replaces it, so a corrected clock is not locked out.
 *   <li><b>Damage is reported, never hidden.</b> An entry that cannot be read is neither treated
 *       as absent nor silently overwritten: {@link #load(String)} throws a {@link
 *       PolicyStoreException} with {@link PolicyStoreException.Reason#CORRUPT}, {@link #loadAll()}
 *       returns it as a {@link StoreProblem}. A store may set the damaged entry aside (the file
 *       store renames it) so that it does not fail every later call.
 *   <li><b>Errors</b> are {@link PolicyStoreException}s (unchecked), naming the domain and the file
 *       or table concerned; wrong arguments are {@link IllegalArgumentException}s; any call after
 *       {@link #close()} is an {@link IllegalStateException}.
 * </ul>
 *
 * <h2>Leases</h2>
 *
 * <p>In a fleet that shares one store, proactive refresh should fetch each policy once, not once
 * per MTA. Before refreshing a domain, an MTA asks for a {@link Lease}; the store grants it to one
 * owner at a time until it is released or lapses. After a lease is granted, {@link #load(String)}
 * the domain again: another MTA may have refreshed it just before, in which case there is nothing
 * to fetch. Leases are advisory: saving does not require one. A store that is not shared (the file
 * store) grants leases within the process only.
 */
public interface PolicyStore extends AutoCloseable {

  /**
   * Loads the stored policy of one domain.
   *
   * @param domain the policy domain
   * @return the stored policy, or empty when none is stored
   * @throws PolicyStoreException when the entry is damaged ({@link
   *     PolicyStoreException.Reason#CORRUPT}) or the storage cannot be read
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  Optional<CachedPolicy> load(String domain);

  /**
   * Loads every stored policy, to warm a cache at start. Damaged entries do not stop the load: they
   * are reported in {@link LoadedPolicies#problems()} and left out of the policies.
   *
   * @return the policies and the problems found
   * @throws PolicyStoreException when the storage as a whole cannot be read
   */
  LoadedPolicies loadAll();

  /**
   * Stores a policy unless the stored entry for its domain was fetched later. The change is durable
   * when the method returns.
   *
   * @param policy the policy; its id must be a valid {@code _mta-sts} record id
   * @return {@code true} when the policy was stored (or was already stored exactly so), {@code
   *     false} when a policy fetched later is stored and was kept
   * @throws PolicyStoreException when the policy could not be stored durably
   * @throws IllegalArgumentException when the domain or the id is not valid, or the policy text is
   *     over {@link dev.mtasts.policy.Policy#MAX_BODY_BYTES} (it could not be parsed back)
   */
  boolean save(CachedPolicy policy);

  /**
   * Stores several policies, each as {@link #save(CachedPolicy)} would. Stores may do this faster
   * than one call per policy (for example by syncing once); every change is durable on return.
   *
   * @param policies the policies
   * @return how many were stored
   * @throws PolicyStoreException when a policy could not be stored; some may have been
   */
  default int saveAll(Collection<CachedPolicy> policies) {
    int saved = 0;
    for (CachedPolicy policy : policies) {
      if (save(policy)) {
        saved++;
      }
    }
    return saved;
  }

  /**
   * Removes the stored policy of a domain. The change is durable when the method returns.
   *
   * @param domain the policy domain
   * @return {@code true} when a policy was stored and is now removed
   * @throws PolicyStoreException when the storage cannot be changed
   */
  boolean delete(String domain);

  /**
   * Asks for the right to refresh a domain's policy. The lease is granted when no other owner holds
   * an unexpired lease on the domain; an owner asking again renews its own lease. The domain need
   * not be stored.
   *
   * @param domain the policy domain
   * @param owner who asks: unique per MTA instance, 1 to 255 characters
   * @param ttl how long the lease lasts unless released; positive
   * @return the lease, or empty when another owner holds one (or, on a database, is working on the
   *     row right now)
   * @throws PolicyStoreException when the storage cannot be reached
   */
  Optional<Lease> tryLease(String domain, String owner, Duration ttl);

  /**
   * Gives a lease back before it lapses, so another owner may take the domain at once. Only the
   * lease's owner releases it; a lease already taken over by another owner is left alone.
   *
   * @param lease a lease from {@link #tryLease(String, String, Duration)}
   * @return {@code true} when the owner's lease was held and is now released
   * @throws PolicyStoreException when the storage cannot be reached
   */
  boolean release(Lease lease);

  /**
   * Closes the store and frees what it holds (for the file store, the directory lock). Closing
   * twice does nothing.
   */
  @Override
  void close();
}
