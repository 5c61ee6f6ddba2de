package dev.mtasts.store.internal;

import dev.mtasts.cache.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Leases held in memory, for stores that are not shared between processes. */
public final class LeaseTable {
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final Clock clock;

  /**
   * Creates an empty table.
   *
   * @param clock the clock that decides when leases lapse
   */
  public LeaseTable(Clock clock) {
    this.clock = clock;
  }

  /**
   * Grants a lease unless another owner holds an unexpired one.
   *
   * @param domain the normalised domain
   * @param owner the checked owner
   * @param ttl the checked duration
   * @return the lease, or empty
   */
  public Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
    Instant now = clock.instant();
    Lease wanted = new Lease(domain, owner, now.plus(ttl));
    Lease held =
        leases.compute(
            domain,
            (d, current) ->
                current == null
                        || !current.expiresAt().isAfter(now)
                        || current.owner().equals(owner)
                    ? wanted
                    : current);
    return held == wanted ? Optional.of(wanted) : Optional.empty();
  }

  /**
   * Releases the owner's lease on a domain.
   *
   * @param domain the normalised domain
   * @param owner the owner
   * @return {@code true} when the owner held a lease on the domain
   */
  public boolean release(String domain, String owner) {
    boolean[] removed = new boolean[1];
    leases.computeIfPresent(
        domain,
        (d, current) -> {
          if (current.owner().equals(owner)) {
            removed[0] = true;
            return null;
          }
          return current;
        });
    return removed[0];
  }
}
