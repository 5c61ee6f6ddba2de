package dev.mtasts.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * An HTTPS endpoint on 127.0.0.1 that receives TLS-RPT reports (RFC 8460 section 5.4), to stand for
 * a domain's {@code rua=https://...} in tests. It answers every POST with 200 unless told otherwise
 * and keeps what it received.
 *
 * <pre>{@code
 * try (ReportEndpoint rua = ReportEndpoint.start(ca.issue("localhost"))) {
 *   dns.txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=" + rua.uri("/tlsrpt"));
 *   // ... deliver, then run the reporter
 *   byte[] json = rua.received("/tlsrpt").get(0).json();
 * }
 * }</pre>
 *
 * <p>URIs name {@code localhost}, so the certificate must be issued for {@code localhost} and the
 * test JVM must resolve it (a {@code -Djdk.net.hosts.file} that maps it to 127.0.0.1 does).
 */
public final class ReportEndpoint implements AutoCloseable {
  private final LoopbackHttps https;
  private final WireMockServer server;

  /**
   * One report as it arrived.
   *
   * @param contentType the {@code Content-Type} header, or {@code null} when there was none
   * @param contentLength the {@code Content-Length} header, or {@code null} when there was none
   * @param json the report JSON, gunzipped when it arrived compressed
   */
  public record Received(@Nullable String contentType, @Nullable String contentLength, byte[] json) {
    /**
     * Creates the record.
     *
     * @param contentType the {@code Content-Type} header, or {@code null} when there was none
     * @param contentLength the {@code Content-Length} header, or {@code null} when there was none
     * @param json the report JSON, gunzipped when it arrived compressed
     */
    public Received {
      Objects.requireNonNull(json, "json");
    }
  }

  private ReportEndpoint(IssuedCertificate certificate) {
    https = new LoopbackHttps("report-endpoint", certificate);
    server = https.server();
    server.stubFor(post(urlMatching(".*")).willReturn(aResponse().withStatus(200)));
  }

  /**
   * Starts an endpoint presenting a certificate (usually issued for {@code localhost}).
   *
   * @param certificate the certificate
   * @return the running endpoint
   */
  public static ReportEndpoint start(IssuedCertificate certificate) {
    return new ReportEndpoint(certificate);
  }

  /**
   * Returns the URI of a path on this endpoint.
   *
   * @param path for example {@code "/tlsrpt"}
   * @return {@code https://localhost:<port><path>}
   */
  public URI uri(String path) {
    return URI.create("https://localhost:" + server.httpsPort() + path);
  }

  /**
   * Makes POSTs to a path answer with a status, for example 503 to test retries.
   *
   * @param path the path
   * @param status the HTTP status
   * @return this endpoint
   */
  public ReportEndpoint status(String path, int status) {
    server.stubFor(any(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
    return this;
  }

  /**
   * Returns the reports POSTed to a path, in arrival order.
   *
   * @param path the path
   * @return what arrived
   */
  public List<Received> received(String path) {
    return server.findAll(postRequestedFor(urlEqualTo(path))).stream()
        .map(ReportEndpoint::toReceived).toList();
  }

  private static Received toReceived(LoggedRequest request) {
    return new Received(request.getHeader("Content-Type"), request.getHeader("Content-Length"),
        gunzipIfCompressed(request.getBody()));
  }

  /**
   * Returns bytes gunzipped when they start with the gzip magic number, else as they are.
   * (WireMock hands out some gzip bodies already gunzipped, so both forms can arrive here.)
   *
   * @param body the bytes
   * @return the uncompressed bytes
   */
  public static byte[] gunzipIfCompressed(byte[] body) {
    if (body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
      return body;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("not a valid gzip body", e);
    }
  }

  /** Stops the endpoint. */
  @Override
  public void close() {
    https.close();
  }
}
