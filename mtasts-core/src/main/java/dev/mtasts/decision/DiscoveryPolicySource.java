package dev.mtasts.decision;

import dev.mtasts.discovery.Discovery;
import dev.mtasts.discovery.PolicyDiscoverer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PolicySource} without a cache: every call discovers the policy anew. Right for tools and
 * tests; an MTA wants the cache of {@code mtasts-cache}, without which an attacker who blocks DNS or
 * HTTPS removes the protection (RFC 8461 section 10.2).
 */
public final class DiscoveryPolicySource implements PolicySource {
  private final PolicyDiscoverer discoverer;

  /**
   * Creates the source.
   *
   * @param discoverer the discoverer to use
   */
  public DiscoveryPolicySource(PolicyDiscoverer discoverer) {
    this.discoverer = Objects.requireNonNull(discoverer, "discoverer");
  }

  @Override
  public CompletableFuture<PolicyState> currentAsync(String domain) {
    return discoverer.discoverAsync(domain).thenApply(DiscoveryPolicySource::toState);
  }

  @Override
  public CompletableFuture<PolicyState> recheckAsync(String domain) {
    return currentAsync(domain);
  }

  /**
   * Maps a discovery outcome to a policy state, as a source without a cache sees it.
   *
   * @param discovery the outcome
   * @return the state
   */
  public static PolicyState toState(Discovery discovery) {
    if (discovery instanceof Discovery.Found found) {
      return new PolicyState.Applied(found.domain(), found.record().id(), found.policy(),
          found.fetchedAt(), Optional.empty());
    }
    if (discovery instanceof Discovery.NoPolicy none) {
      return new PolicyState.Absent(none.domain(), PolicyState.AbsentReason.NO_POLICY,
          none.detail(), Optional.empty());
    }
    if (discovery instanceof Discovery.TemporaryFailure temporary) {
      return new PolicyState.Absent(temporary.domain(), PolicyState.AbsentReason.TEMPORARY_FAILURE,
          temporary.detail(), Optional.empty());
    }
    Discovery.PolicyFailure failure = (Discovery.PolicyFailure) discovery;
    return new PolicyState.Absent(failure.domain(), PolicyState.AbsentReason.POLICY_FAILURE,
        failure.detail(),
        Optional.of(Failure.policyFetch(failure.resultType(), failure.detail(), failure.problems(),
            failure.receivedPolicy())));
  }
}
