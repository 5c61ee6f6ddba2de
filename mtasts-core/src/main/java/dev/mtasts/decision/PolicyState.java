package dev.mtasts.decision;

import dev.mtasts.result.Failure;
import dev.mtasts.policy.Policy;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of a domain's policy at a moment, each case meaning one thing: a policy to apply
 * ({@link Applied}), no policy ({@link NoPolicy}), not known for now ({@link Unavailable}), or a
 * policy announced but not usable ({@link PolicyFailure}).
 */
public sealed interface PolicyState permits PolicyState.Applied, PolicyState.NoPolicy,
    PolicyState.Unavailable, PolicyState.PolicyFailure {

  /**
   * Returns the policy domain.
   *
   * @return lower-case A-labels
   */
  String domain();

  /**
   * A valid, fresh policy applies.
   *
   * @param domain the policy domain
   * @param id the record id the policy was fetched under
   * @param policy the policy
   * @param fetchedAt when it was fetched
   * @param refreshFailure when the policy is applied from the cache because a refresh failed, that
   *     failure (reportable: RFC 8461 section 6)
   */
  record Applied(String domain, String id, Policy policy, Instant fetchedAt,
      Optional<Failure> refreshFailure) implements PolicyState {
    /**
     * Creates the state.
     *
     * @param domain the policy domain
     * @param id the record id the policy was fetched under
     * @param policy the policy
     * @param fetchedAt when it was fetched
     * @param refreshFailure when the policy is applied from the cache because a refresh failed,
     *     that failure (reportable: RFC 8461 section 6)
     */
    public Applied {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      Objects.requireNonNull(refreshFailure, "refreshFailure");
    }
  }

  /**
   * The domain publishes no policy: no {@code _mta-sts} record, or none that is valid (RFC 8461
   * section 3.1), and nothing is cached. Mail goes as without MTA-STS.
   *
   * @param domain the policy domain
   * @param detail why, for people; safe to log
   */
  record NoPolicy(String domain, String detail) implements PolicyState {
    /**
     * Creates the state.
     *
     * @param domain the policy domain
     * @param detail why, for people; safe to log
     */
    public NoPolicy {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * Whether the domain has a policy is not known for now: the TXT lookup failed temporarily (or the
   * policy store could not be read) and nothing is cached. Mail goes as without MTA-STS unless the
   * MTA chose to defer ({@code MtaSts.Builder.deferWhenUnavailable}).
   *
   * @param domain the policy domain
   * @param detail what failed, for people; safe to log
   */
  record Unavailable(String domain, String detail) implements PolicyState {
    /**
     * Creates the state.
     *
     * @param domain the policy domain
     * @param detail what failed, for people; safe to log
     */
    public Unavailable {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The domain announces a policy (a valid {@code _mta-sts} record) that could not be fetched or
   * is invalid, and nothing is cached: mail goes as without MTA-STS, and the failure is reported
   * (RFC 8460 section 4.3.1).
   *
   * @param domain the policy domain
   * @param failure the fetch's failure, with the result type to report
   */
  record PolicyFailure(String domain, Failure failure) implements PolicyState {
    /**
     * Creates the state.
     *
     * @param domain the policy domain
     * @param failure the fetch's failure, with the result type to report
     */
    public PolicyFailure {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(failure, "failure");
    }
  }
}
