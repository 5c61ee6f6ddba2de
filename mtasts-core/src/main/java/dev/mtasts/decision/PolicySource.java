package dev.mtasts.decision;

import java.util.concurrent.CompletableFuture;

/**
 * Where {@link MtaSts} gets policies from: by default the RFC 8461 section 5.1 cache it builds
 * itself ({@link dev.mtasts.cache.PolicyResolver}). Other sources are for tests and tools ({@code
 * mtasts-testkit} has one that always answers the same state). Implementations are thread-safe and
 * their futures complete normally for every DNS and HTTPS outcome.
 */
public interface PolicySource {

  /**
   * Returns the policy state of a domain, using a cache where the implementation has one.
   *
   * @param domain the policy domain, in normal form
   * @return the state
   */
  CompletableFuture<PolicyState> lookupAsync(String domain);

  /**
   * Checks the {@code _mta-sts} record id again and fetches a new policy if it changed; called
   * before an MTA would fail a message for good (RFC 8461 section 5.1, step 3).
   *
   * @param domain the policy domain, in normal form
   * @return the state after the check
   */
  CompletableFuture<PolicyState> recheckAsync(String domain);
}
