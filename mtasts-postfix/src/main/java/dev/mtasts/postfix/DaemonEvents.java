package dev.mtasts.postfix;

/**
 * What the policy cache does behind the answers, for metrics. Methods are called on the cache's
 * threads and must be quick.
 */
public interface DaemonEvents {
  /** Ignores everything. */
  DaemonEvents NONE = new DaemonEvents() {};

  /**
   * A policy was fetched and stored.
   *
   * @param domain the policy domain
   */
  default void fetched(String domain) {}

  /**
   * A refresh of a cached policy failed; the cached policy stays in force.
   *
   * @param domain the policy domain
   * @param resultType the RFC 8460 result type, e.g. {@code sts-policy-fetch-error}
   */
  default void refreshFailed(String domain, String resultType) {}

  /**
   * The policy store failed to read or write.
   *
   * @param domain the policy domain
   */
  default void storeFailed(String domain) {}
}
