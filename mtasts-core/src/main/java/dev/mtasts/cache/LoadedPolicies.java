package dev.mtasts.cache;

import java.util.List;

/**
 * What {@link PolicyStore#loadAll()} found: the policies it could read and the entries it could
 * not. A damaged entry never disappears silently: it is in {@code problems}.
 *
 * @param policies the stored policies, in no particular order, one per domain
 * @param problems the entries that could not be read; empty when all were fine
 */
public record LoadedPolicies(List<CachedPolicy> policies, List<StoreProblem> problems) {
  /**
   * Creates the result; the lists are copied.
   *
   * @param policies the stored policies, in no particular order, one per domain
   * @param problems the entries that could not be read; empty when all were fine
   */
  public LoadedPolicies {
    policies = List.copyOf(policies);
    problems = List.copyOf(problems);
  }
}
