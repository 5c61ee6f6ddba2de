/**
 * MTA-STS (RFC 8461) core: policy and TXT record parsing, MX host matching, DNS lookups, the HTTPS
 * policy fetch and TLS-RPT (RFC 8460) result types.
 *
 * <p>The exported packages are API; {@code dev.mtasts.internal} is not exported and may change in any
 * release.
 */
module dev.mtasts.core {
  requires static transitive org.jspecify; // @NullMarked and @Nullable are part of the API
  requires transitive java.net.http;
  requires org.dnsjava;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires com.fasterxml.jackson.core;

  exports dev.mtasts.result;
  exports dev.mtasts.policy;
  exports dev.mtasts.dns;
  exports dev.mtasts.fetch;
  exports dev.mtasts.tlsrpt;
  exports dev.mtasts.discovery;
  exports dev.mtasts.tls;
  exports dev.mtasts.decision;
  exports dev.mtasts.cache;
}
