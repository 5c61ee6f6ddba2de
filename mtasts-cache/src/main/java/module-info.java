/**
 * MTA-STS policy cache: the RFC 8461 section 5.1 resolver and persistent policy stores.
 *
 * <p>Only {@code dev.mtasts.cache} is API; {@code dev.mtasts.cache.internal} is not exported and may
 * change in any release.
 */
module dev.mtasts.cache {
  requires static transitive org.jspecify; // @NullMarked and @Nullable are part of the API
  requires transitive dev.mtasts.core;
  requires transitive java.sql;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.mtasts.cache;
}
