/**
 * Loopback servers and a test certificate authority for MTA-STS integration tests.
 *
 * <p>Only {@code dev.mtasts.testkit} is API. The kit is test tooling: it brings Bouncy Castle and
 * WireMock (standalone, an automatic module) with it, so depend on it in test scope only.
 */
module dev.mtasts.testkit {
  requires transitive dev.mtasts.core;
  requires org.dnsjava;
  requires org.slf4j;
  requires jdk.httpserver; // PolicyHosts
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  // An automatic module; it also supplies the org.jspecify.annotations package used here.
  requires wiremock.standalone;

  exports dev.mtasts.testkit;
}
