package dev.mtasts.cache;

import dev.mtasts.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A policy as a sender remembers it: the policy, the TXT record id it was fetched under, and when it
 * was fetched. It is fresh until {@code fetchedAt + max_age} (RFC 8461 section 5.1).
 *
 * @param domain the policy domain, in lower-case A-label form
 * @param id the {@code id} of the {@code _mta-sts} record the policy was fetched under
 * @param policy the policy
 * @param fetchedAt when the policy was last fetched (or confirmed by an unchanged id)
 */
public record CachedPolicy(String domain, String id, Policy policy, Instant fetchedAt) {

  /**
   * How far in the future a {@link #fetchedAt()} may lie before the entry is taken for the work of
   * a clock that ran ahead: clocks of MTAs in a fleet differ by seconds, not minutes.
   */
  public static final Duration CLOCK_SKEW_TOLERANCE = Duration.ofMinutes(5);

  /**
   * Creates a cached policy.
   *
   * @param domain the policy domain, in lower-case A-label form
   * @param id the {@code id} of the {@code _mta-sts} record the policy was fetched under
   * @param policy the policy
   * @param fetchedAt when the policy was last fetched (or confirmed by an unchanged id)
   */
  public CachedPolicy {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
  }

  /**
   * Returns the instant at which the policy stops being usable.
   *
   * @return {@code fetchedAt + max_age}
   */
  public Instant expiresAt() {
    return fetchedAt.plus(policy.maxAge());
  }

  /**
   * Tells whether the policy may still be applied at an instant.
   *
   * @param now the current time
   * @return {@code true} while {@code now} is before {@link #expiresAt()}
   */
  public boolean isFresh(Instant now) {
    return now.isBefore(expiresAt());
  }

  /**
   * Tells whether the policy claims to have been fetched later than {@code now} plus {@link
   * #CLOCK_SKEW_TOLERANCE}: written by a clock that ran ahead. Such an entry is suspicious; it
   * never outranks a policy fetched successfully now.
   *
   * @param now the current time
   * @return {@code true} when {@link #fetchedAt()} lies beyond {@code now + CLOCK_SKEW_TOLERANCE}
   */
  public boolean fetchedInFuture(Instant now) {
    return fetchedAt.isAfter(now.plus(CLOCK_SKEW_TOLERANCE));
  }
}
