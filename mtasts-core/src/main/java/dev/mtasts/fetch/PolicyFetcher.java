package dev.mtasts.fetch;

import dev.mtasts.internal.Futures;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches and parses the policy of a domain from {@code
 * https://mta-sts.<domain>/.well-known/mta-sts.txt}. Implementations are thread-safe; their futures
 * complete with a {@link FetchResult} for every outcome of the fetch, failures included.
 */
public interface PolicyFetcher {

  /**
   * Fetches the policy of a domain.
   *
   * @param policyDomain the policy domain (A-labels or U-labels; converted to A-labels)
   * @return the policy or why there is none
   */
  CompletableFuture<FetchResult> fetchAsync(String policyDomain);

  /**
   * Blocking form of {@link #fetchAsync(String)}.
   *
   * @param policyDomain the policy domain
   * @return the policy or why there is none
   */
  default FetchResult fetch(String policyDomain) {
    return Futures.join(fetchAsync(policyDomain));
  }
}
