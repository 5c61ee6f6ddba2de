package dev.mtasts.decision;

import dev.mtasts.result.Failure;
import dev.mtasts.policy.Policy;
import dev.mtasts.result.ResultType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link PolicySource} knows of a domain's policy at a moment: a policy to apply, or none.
 */
public sealed interface PolicyState permits PolicyState.Applied, PolicyState.Absent {

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
    /** Creates the state. */
    public Applied {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      Objects.requireNonNull(refreshFailure, "refreshFailure");
    }
  }

  /**
   * No policy applies.
   *
   * @param domain the policy domain
   * @param reason why
   * @param detail what happened, for people; safe to log
   * @param failure for {@link AbsentReason#POLICY_FAILURE}, the fetch failure (reportable)
   */
  record Absent(String domain, AbsentReason reason, String detail, Optional<Failure> failure)
      implements PolicyState {
    /** Creates the state. */
    public Absent {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(failure, "failure");
    }
  }

  /** Why no policy applies. */
  enum AbsentReason {
    /** The domain publishes no usable {@code _mta-sts} record. */
    NO_POLICY,
    /** The TXT lookup failed temporarily and nothing is cached. */
    TEMPORARY_FAILURE,
    /** The record is valid but the policy could not be fetched or is invalid; nothing is cached. */
    POLICY_FAILURE
  }

  /**
   * Builds the reportable failure of a policy fetch.
   *
   * @param resultType the fetch's result type
   * @param detail what went wrong
   * @return the failure
   */
  static Failure fetchFailure(ResultType resultType, String detail) {
    return new Failure(resultType, resultType.token(), detail);
  }
}
