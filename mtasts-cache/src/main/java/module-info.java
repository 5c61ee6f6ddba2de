/**
 * Persistent policy stores for the MTA-STS policy cache of {@code dev.mtasts.core}: files for one
 * MTA, a JDBC database for a fleet.
 *
 * <p>Only {@code dev.mtasts.store} is API; {@code dev.mtasts.store.internal} is not exported and may
 * change in any release.
 */
module dev.mtasts.store {
  requires static transitive org.jspecify; // @NullMarked and @Nullable are part of the API
  requires transitive dev.mtasts.core;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.mtasts.store;
}
