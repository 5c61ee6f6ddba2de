/**
 * MTA-STS (RFC 8461) core: policy and TXT record parsing, MX host matching.
 *
 * <p>Only {@code dev.mtasts.policy} is API; {@code dev.mtasts.internal} is not exported and may change
 * in any release.
 */
module dev.mtasts.core {
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.mtasts.policy;
}
