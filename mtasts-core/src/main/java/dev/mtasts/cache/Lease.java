package dev.mtasts.cache;

import java.time.Instant;
import java.util.Objects;

/**
 * The right, held by one MTA of a fleet, to refresh one domain's policy until {@code expiresAt}.
 * Other MTAs asking for the same domain meanwhile are refused, so a policy is fetched once for the
 * fleet rather than once per MTA. A lease that is not released lapses at {@code expiresAt}, so a
 * crashed MTA does not block the domain for long.
 *
 * @param domain the policy domain, lower-case A-label form
 * @param owner who holds the lease: unique per MTA instance, for example host name and process id
 * @param expiresAt when the lease lapses, by the store's clock
 */
public record Lease(String domain, String owner, Instant expiresAt) {
  /**
   * Creates a lease.
   *
   * @param domain the policy domain, lower-case A-label form
   * @param owner who holds the lease: unique per MTA instance, for example host name and process id
   * @param expiresAt when the lease lapses, by the store's clock
   */
  public Lease {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
