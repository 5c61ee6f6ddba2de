package dev.mtasts.cache;

import dev.mtasts.decision.PolicyState;
import java.util.Objects;

/**
 * What a {@link PolicyResolver} decided for a domain, and why.
 *
 * @param state the policy state handed to the decision API
 * @param source how the resolver got there
 */
public record Resolution(PolicyState state, Source source) {
  /**
   * Creates a resolution.
   *
   * @param state the policy state handed to the decision API
   * @param source how the resolver got there
   */
  public Resolution {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(source, "source");
  }

  /** How a resolution came about. */
  public enum Source {
    /** A fresh cached policy, served from memory without I/O. */
    CACHED,
    /** A cached policy whose TXT id was just checked and is unchanged. */
    CACHED_ID_CONFIRMED,
    /** A cached policy kept because the TXT lookup or the policy fetch failed (RFC 8461 5.1). */
    CACHED_DESPITE_FAILURE,
    /** A policy fetched just now. */
    FETCHED,
    /** The domain has no policy and nothing is cached. */
    NO_POLICY,
    /**
     * Nothing is known for now: the TXT lookup failed temporarily and nothing is cached, or the
     * store could not be read (it may hold a policy) and discovery did not find one.
     */
    TEMPORARY_FAILURE,
    /** The policy could not be fetched or is invalid, and nothing is cached. */
    POLICY_FAILURE,
    /**
     * Background mode: nothing in memory and nothing in the store; discovery runs in the
     * background.
     */
    NOT_YET_DISCOVERED
  }
}
