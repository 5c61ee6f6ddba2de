/**
 * MTA-STS policy cache: the RFC 8461 section 5.1 resolver and persistent policy stores.
 *
 * <p>Only {@code dev.mtasts.cache} is API.
 */
module dev.mtasts.cache {
  requires static org.jspecify;
  requires transitive dev.mtasts.core;
  requires org.slf4j;

  exports dev.mtasts.cache;
}
