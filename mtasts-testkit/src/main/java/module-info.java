/**
 * Loopback servers and a test certificate authority for MTA-STS integration tests.
 *
 * <p>Only {@code dev.mtasts.testkit} is API.
 */
module dev.mtasts.testkit {
  requires static org.jspecify;
  requires transitive dev.mtasts.core;
  requires org.dnsjava;
  requires org.slf4j;

  exports dev.mtasts.testkit;
}
