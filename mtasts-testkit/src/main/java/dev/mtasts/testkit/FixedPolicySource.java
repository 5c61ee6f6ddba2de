package dev.mtasts.testkit;

import dev.mtasts.decision.PolicySource;
import dev.mtasts.decision.PolicyState;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A policy source that answers every lookup and recheck with the state a test chose, without DNS,
 * HTTPS or a cache: for tests of the decision API, {@code MtaSts.builder().policySource(new
 * FixedPolicySource(state))}.
 *
 * @param state supplies the state; called on every lookup, so a test may change what it answers
 */
public record FixedPolicySource(Supplier<PolicyState> state) implements PolicySource {

  /**
   * Creates the source.
   *
   * @param state supplies the state; called on every lookup, so a test may change what it answers
   */
  public FixedPolicySource {
    Objects.requireNonNull(state, "state");
  }

  /**
   * Creates a source that always answers one state.
   *
   * @param state the state
   * @return the source
   */
  public static FixedPolicySource of(PolicyState state) {
    Objects.requireNonNull(state, "state");
    return new FixedPolicySource(() -> state);
  }

  @Override
  public CompletableFuture<PolicyState> lookupAsync(String domain) {
    return CompletableFuture.completedFuture(state.get());
  }

  @Override
  public CompletableFuture<PolicyState> recheckAsync(String domain) {
    return lookupAsync(domain);
  }
}
