package dev.mtasts.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link PolicyHost} puts on the wire, seen through a plain {@link HttpClient}. */
@Timeout(30)
class PolicyHostTest {
  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
  private static PolicyHost host;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    host = PolicyHost.start("example.test", CA.issue("mta-sts.example.test"));
    client = HttpClient.newBuilder()
        .sslContext(CA.sslContext())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @BeforeEach
  void reset() {
    host.reset();
  }

  @Test
  void servesTheSamplePolicyOnLoopbackByItsName() throws Exception {
    assertEquals("mta-sts.example.test", host.hostName());
    assertEquals(URI.create("https://mta-sts.example.test:" + host.port()
        + "/.well-known/mta-sts.txt"), host.uri());
    HttpResponse<byte[]> r = get(host.uri());
    assertEquals(200, r.statusCode());
    assertEquals(Optional.of("text/plain"), r.headers().firstValue("content-type"));
    assertArrayEquals(SamplePolicies.enforce("example.test"), r.body());
    assertEquals(1, host.requestCount());
    assertEquals("GET", host.requests().get(0).method());
    assertEquals(PolicyHost.PATH, host.requests().get(0).url());
  }

  @Test
  void otherPathsAnswer404AndAreNotCounted() throws Exception {
    HttpResponse<byte[]> r = get(URI.create("https://mta-sts.example.test:" + host.port() + "/x"));
    assertEquals(404, r.statusCode());
    assertEquals(0, host.requestCount());
    assertEquals(1, host.requests().size());
  }

  @Test
  void statusBodyContentTypeAndHeadersCanBeSet() throws Exception {
    host.status(201).body("hello").contentType("TEXT/PLAIN; charset=utf-8").header("ETag", "\"1\"");
    HttpResponse<byte[]> r = get(host.uri());
    assertEquals(201, r.statusCode());
    assertEquals("hello", new String(r.body()));
    assertEquals(Optional.of("TEXT/PLAIN; charset=utf-8"), r.headers().firstValue("content-type"));
    assertEquals(Optional.of("\"1\""), r.headers().firstValue("etag"));
  }

  @Test
  void missingContentTypeIsReallyMissing() throws Exception {
    host.noContentType();
    HttpResponse<byte[]> r = get(host.uri());
    assertEquals(200, r.statusCode());
    assertEquals(Optional.empty(), r.headers().firstValue("content-type"));
  }

  @Test
  void redirectCarriesLocation() throws Exception {
    host.redirect(301, "https://elsewhere.example.test/");
    HttpResponse<byte[]> r = get(host.uri());
    assertEquals(301, r.statusCode());
    assertEquals(Optional.of("https://elsewhere.example.test/"), r.headers().firstValue("location"));
    assertThrows(IllegalArgumentException.class, () -> host.redirect(200, "x"));
  }

  @Test
  void hugeBodyWithAndWithoutContentLength() throws Exception {
    host.hugeBody(1024 * 1024, true);
    HttpResponse<byte[]> announced = get(host.uri());
    assertEquals(Optional.of(Long.toString(1024 * 1024)),
        announced.headers().firstValue("content-length"));
    assertEquals(1024 * 1024, announced.body().length);

    host.hugeBody(64 * 1024 + 1, false);
    HttpResponse<byte[]> chunked = get(host.uri());
    assertEquals(Optional.empty(), chunked.headers().firstValue("content-length"));
    assertEquals(Optional.of("chunked"), chunked.headers().firstValue("transfer-encoding"));
    assertEquals(64 * 1024 + 1, chunked.body().length);
  }

  @Test
  void faultsBreakTheConnection() {
    // The JDK client retries a GET once when the connection closes before any response byte, so a
    // fault may be seen twice; every attempt is counted.
    host.connectionReset();
    assertThrows(IOException.class, () -> get(host.uri()));
    int afterReset = host.requestCount();
    assertTrue(afterReset >= 1);
    host.emptyResponse();
    assertThrows(IOException.class, () -> get(host.uri()));
    assertTrue(host.requestCount() > afterReset);
  }

  @Test
  void resetForgetsRequestsAndRestoresTheDefault() throws Exception {
    host.notFound().header("X-A", "b");
    assertEquals(404, get(host.uri()).statusCode());
    host.reset();
    assertEquals(0, host.requestCount());
    HttpResponse<byte[]> r = get(host.uri());
    assertEquals(200, r.statusCode());
    assertFalse(r.headers().firstValue("x-a").isPresent());
  }

  @Test
  void samplePoliciesArePaddedToTheExactSize() {
    byte[] base = SamplePolicies.enforce("example.test");
    for (int size : new int[] {base.length, base.length + 9, 2048, 64 * 1024, 64 * 1024 + 1}) {
      byte[] padded = SamplePolicies.padded(base, size);
      assertEquals(size, padded.length);
      assertTrue(dev.mtasts.policy.Policy.parse(padded).isValid() || size > 64 * 1024);
    }
    assertThrows(IllegalArgumentException.class, () -> SamplePolicies.padded(base, base.length + 3));
  }

  private static HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
