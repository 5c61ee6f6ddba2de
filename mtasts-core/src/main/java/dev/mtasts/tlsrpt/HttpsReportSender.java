package dev.mtasts.tlsrpt;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Delivers gzip reports by HTTPS POST (RFC 8460 section 5.4) with the media type {@code
 * application/tlsrpt+gzip}. Any 2xx status is success; redirects are not followed. Certificate errors
 * fail the delivery unless {@link Builder#ignoreCertificateErrors(boolean)} is set, which RFC 8460
 * section 3 allows but the default does not do. Thread-safe; one shared {@link HttpClient}.
 */
public final class HttpsReportSender {
  private final HttpClient client;
  private final Duration timeout;

  private HttpsReportSender(Builder b) {
    SSLContext context = b.ignoreCertificateErrors ? trustAll() : b.sslContext;
    HttpClient.Builder hb = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(b.connectTimeout);
    if (context != null) {
      hb.sslContext(context);
    }
    this.client = hb.build();
    this.timeout = b.timeout;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Posts a report.
   *
   * @param uri an {@code https:} URI
   * @param gzip the gzip-compressed report
   * @return the outcome; the future completes normally for every network outcome
   * @throws IllegalArgumentException when the URI is not {@code https:}
   */
  public CompletableFuture<DeliveryResult> postAsync(URI uri, byte[] gzip) {
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("reports are posted to https: URIs only");
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", TlsRptReportWriter.GZIP_MEDIA_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            return new DeliveryResult(false, "POST failed: " + cause);
          }
          int status = response.statusCode();
          return new DeliveryResult(status >= 200 && status < 300, "HTTP " + status);
        });
  }

  private static SSLContext trustAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an SSL context", e);
    }
  }

  /** Accepts every server certificate and name: only for {@code ignoreCertificateErrors}. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Builds an {@link HttpsReportSender}. */
  public static final class Builder {
    private SSLContext sslContext;
    private boolean ignoreCertificateErrors;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration timeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * Sets the TLS context (its trust anchors); the JDK's default by default.
     *
     * @param context the context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Accepts any certificate of the report endpoint (RFC 8460 section 3 allows it); off by default.
     *
     * @param ignore whether to ignore certificate errors
     * @return this builder
     */
    public Builder ignoreCertificateErrors(boolean ignore) {
      this.ignoreCertificateErrors = ignore;
      return this;
    }

    /**
     * Sets the connect timeout; 30 seconds by default.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the timeout of the whole request; 60 seconds by default.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the sender.
     *
     * @return the sender
     */
    public HttpsReportSender build() {
      return new HttpsReportSender(this);
    }
  }
}
