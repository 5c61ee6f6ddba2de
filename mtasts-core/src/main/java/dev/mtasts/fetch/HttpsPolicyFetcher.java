package dev.mtasts.fetch;

import dev.mtasts.internal.Admission;
import dev.mtasts.internal.ReceivedPolicy;
import dev.mtasts.internal.Text;
import dev.mtasts.internal.Trust;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.result.ResultType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * Fetches MTA-STS policies over HTTPS with {@code java.net.http}, as RFC 8461 section 3.3 requires.
 *
 * <p>For a policy domain {@code example.com} it sends one {@code GET
 * https://mta-sts.example.com/.well-known/mta-sts.txt} (U-labels are converted to A-labels) and
 * <ul>
 *   <li>speaks HTTP/1.1 over TLS 1.2 or 1.3 only, with the policy host as SNI;
 *   <li>validates the certificate with PKIX against the configured trust (by default the JDK's) and
 *       checks that it names the policy host in a subjectAltName DNS name: the subject CN is never
 *       used, and a wildcard must be the whole left-most label;
 *   <li>never follows redirects and takes only a {@code 200} response as a policy;
 *   <li>requires the media type {@code text/plain} (any case, parameters ignored), unless {@link
 *       Builder#acceptAnyContentType(boolean)} relaxes this;
 *   <li>reads at most {@link Policy#MAX_BODY_BYTES} bytes of body: a larger announced {@code
 *       Content-Length} is refused before the body is read, and a body that grows past the limit
 *       while streaming is cut off there;
 *   <li>gives up when the whole response, headers and body, has not arrived within the {@linkplain
 *       Builder#deadline(Duration) deadline}, and cancels the exchange;
 *   <li>sends no caching headers and honours none (HTTP caching must not be used);
 *   <li>keeps at most {@linkplain Builder#maxConcurrentFetches(int) a bounded number} of fetches,
 *       and so of HTTPS connections, open at once; the others wait their turn (at most {@link
 *       #DEFAULT_MAX_WAITING_FETCHES} of them, within their deadline) and are otherwise answered
 *       with a fetch error that says so.
 * </ul>
 *
 * <p>Every outcome of the fetch is a {@link FetchResult}; the futures never complete exceptionally
 * because of what the network or the server did:
 *
 * <table>
 *   <caption>Failures and their RFC 8460 result types</caption>
 *   <tr><th>what happened</th><th>result type</th></tr>
 *   <tr><td>certificate not trusted, expired, not yet valid, or not naming the policy host</td>
 *       <td>{@link ResultType#STS_WEBPKI_INVALID}</td></tr>
 *   <tr><td>policy host unknown to DNS, connection refused, reset or timed out, other TLS failures,
 *       any status but 200 (3xx included), wrong or missing media type, body too large, deadline
 *       passed</td>
 *       <td>{@link ResultType#STS_POLICY_FETCH_ERROR}</td></tr>
 *   <tr><td>a body that is not a valid policy</td>
 *       <td>{@link ResultType#STS_POLICY_INVALID}, with the parser's problems</td></tr>
 * </table>
 *
 * <p>The JDK's client may send the GET a second time on its own when a connection fails before any
 * byte of the response arrived (a refused connect, or a close right after the request); that is
 * still one fetch and one result.
 *
 * <p>An instance owns one {@link HttpClient}, is thread-safe, and is meant to be built once and
 * shared:
 *
 * <pre>{@code
 * HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
 *     .deadline(Duration.ofSeconds(30))
 *     .build();
 * FetchResult result = fetcher.fetch("example.com");
 * if (result instanceof FetchResult.Fetched fetched) {
 *   use(fetched.policy());
 * } else if (result instanceof FetchResult.Failed failed) {
 *   log.info("no policy: {} ({})", failed.detail(), failed.resultType());
 * }
 * }</pre>
 */
public final class HttpsPolicyFetcher implements PolicyFetcher {

  /** The default connect timeout: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default deadline for the whole response: 60 seconds, as RFC 8461 section 3.3 suggests. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  /** The default of {@link Builder#maxConcurrentFetches(int)}: 128 fetches at once. */
  public static final int DEFAULT_MAX_CONCURRENT_FETCHES = 128;

  /** How many fetches may wait for a free connection; a fetch beyond that is refused at once. */
  public static final int DEFAULT_MAX_WAITING_FETCHES = 10_000;

  /** The path of the policy on the policy host. */
  public static final String WELL_KNOWN_PATH = "/.well-known/mta-sts.txt";

  private static final int HTTPS_PORT = 443;
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final HttpClient client;
  private final Duration connectTimeout;
  private final Duration deadline;
  private final int port;
  private final boolean anyContentType;
  private final Clock clock;
  private final int maxConcurrent;
  private final Admission admission;

  private HttpsPolicyFetcher(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.deadline = b.deadline;
    this.port = b.port;
    this.anyContentType = b.anyContentType;
    this.clock = b.clock;
    this.maxConcurrent = b.maxConcurrent;
    this.admission = new Admission("HTTPS policy fetches", b.maxConcurrent,
        DEFAULT_MAX_WAITING_FETCHES, b.deadline);
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(PROTOCOLS.clone());
    HttpClient.Builder hb = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .sslParameters(parameters);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    if (b.executor != null) {
      hb.executor(b.executor);
    }
    this.client = hb.build();
  }

  /**
   * Returns a new builder with the defaults: the JDK's default trust, a 10 s connect timeout, a 60 s
   * deadline, strict media type, the system clock.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the URI the policy of a domain is fetched from.
   *
   * @param policyDomain the policy domain (A-labels or U-labels)
   * @return for example {@code https://mta-sts.example.com/.well-known/mta-sts.txt}; with the port
   *     when a port other than 443 was configured
   * @throws IllegalArgumentException when the domain is not a valid host name, or is too long to
   *     have a policy host
   */
  public URI policyUri(String policyDomain) {
    return uri(policyHost(policyDomain));
  }

  /**
   * Fetches the policy of a domain.
   *
   * @param policyDomain the policy domain (A-labels or U-labels; converted to A-labels)
   * @return a future that completes with the policy or why there is none; it never completes
   *     exceptionally for an outcome of the fetch. Cancelling it cancels the exchange.
   * @throws IllegalArgumentException when the domain is not a valid host name, or is too long to
   *     have a policy host
   */
  @Override
  public CompletableFuture<FetchResult> fetchAsync(String policyDomain) {
    String host = policyHost(policyDomain);
    URI uri = uri(host);
    long asked = System.nanoTime();
    // The deadline covers the wait for a free connection too.
    return admission.submit(Admission.Lane.NEW,
        () -> exchange(host, uri, Math.max(1, deadline.toNanos() - (System.nanoTime() - asked))),
        refused -> FetchFailures.fetchError("policy fetch from " + host + " " + refused));
  }

  private CompletableFuture<FetchResult> exchange(String host, URI uri, long deadlineNanos) {
    HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
    LimitedBodyHandler handler = new LimitedBodyHandler(host, Policy.MAX_BODY_BYTES, anyContentType);
    CompletableFuture<FetchResult> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<LimitedBodyHandler.Body>> exchange;
    try {
      exchange = client.sendAsync(request, handler);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(FetchFailures.classify(host, port, connectTimeout, e));
    }
    exchange.whenComplete((response, error) -> {
      FetchResult r;
      try {
        r = error != null
            ? FetchFailures.classify(host, port, connectTimeout, error)
            : interpret(host, response);
      } catch (RuntimeException e) {
        r = FetchFailures.classify(host, port, connectTimeout, e);
      }
      result.complete(r);
    });
    // The deadline covers the body too (HttpRequest.timeout stops at the headers on Java 17). The
    // timer is a future of its own so that orTimeout drops its scheduled task once the fetch ends.
    CompletableFuture<Void> timer = new CompletableFuture<>();
    timer.orTimeout(deadlineNanos, TimeUnit.NANOSECONDS).whenComplete((v, e) -> {
      if (e != null && !result.isDone()) {
        result.complete(FetchFailures.fetchError("no complete response from " + host
            + " within the deadline of " + FetchFailures.describe(deadline) + "; gave up "
            + handler.progress()));
      }
    });
    result.whenComplete((r, e) -> {
      timer.complete(null);
      if (!exchange.isDone()) {
        exchange.cancel(true);
      }
      handler.abort();
    });
    return result;
  }

  private FetchResult interpret(String host, HttpResponse<LimitedBodyHandler.Body> response) {
    FetchResult.Failed name = FetchFailures.checkName(host, response.sslSession());
    if (name != null) {
      return name;
    }
    LimitedBodyHandler.Body body = response.body();
    if (body instanceof LimitedBodyHandler.Body.Rejected rejected) {
      return FetchFailures.fetchError(rejected.detail());
    }
    byte[] bytes = ((LimitedBodyHandler.Body.Complete) body).bytes();
    ParseResult<Policy> parsed = Policy.parse(bytes);
    if (parsed instanceof ParseResult.Valid<Policy> valid) {
      return new FetchResult.Fetched(valid.get(), valid.warnings(), clock.instant());
    }
    List<Problem> errors = parsed.errors();
    String detail = "the policy served by " + host + " is not valid: " + errors.get(0)
        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
    return new FetchResult.Failed(ResultType.STS_POLICY_INVALID, detail, errors,
        ReceivedPolicy.lines(bytes));
  }

  private static String policyHost(String policyDomain) {
    Objects.requireNonNull(policyDomain, "policyDomain");
    HostName domain = HostName.parse(policyDomain).orElseThrow(
        () -> new IllegalArgumentException("not a valid policy domain: "
            + Text.quote(policyDomain)));
    return HostName.parse("mta-sts." + domain.value()).orElseThrow(
        () -> new IllegalArgumentException("policy domain too long for a policy host: "
            + Text.quote(policyDomain)))
        .value();
  }

  private URI uri(String host) {
    try {
      return new URI("https", null, host, port == HTTPS_PORT ? -1 : port, WELL_KNOWN_PATH, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid policy host: " + host, e);
    }
  }

  @Override
  public String toString() {
    return "HttpsPolicyFetcher[port=" + port + ", connectTimeout=" + connectTimeout
        + ", deadline=" + deadline + ", anyContentType=" + anyContentType
        + ", maxConcurrentFetches=" + maxConcurrent + "]";
  }

  /**
   * Configures an {@link HttpsPolicyFetcher}. The trust settings ({@link #sslContext}, {@link
   * #trustStore}, {@link #trustedCertificates}, {@link #trustedCertificatesPem}) replace one another:
   * the last one set wins. Each of them replaces the JDK's default trust; to trust a private CA in
   * addition to the public ones, put both into one {@link KeyStore}.
   */
  public static final class Builder {
    private @Nullable SSLContext sslContext;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration deadline = DEFAULT_DEADLINE;
    private int port = HTTPS_PORT;
    private boolean anyContentType;
    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT_FETCHES;

    private Builder() {}

    /**
     * Uses an {@link SSLContext} for the policy fetch. Its trust managers decide which certificates
     * are trusted; the policy host name is checked in any case. The context should be a PKIX one; a
     * context that trusts everything defeats MTA-STS.
     *
     * @param context the context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Trusts the certificates of a trust store (PKIX), and only those.
     *
     * @param trustStore a key store holding trusted certificate entries
     * @return this builder
     * @throws IllegalArgumentException when the store cannot be used as a trust store
     */
    public Builder trustStore(KeyStore trustStore) {
      this.sslContext = Trust.clientContext(trustStore);
      return this;
    }

    /**
     * Trusts these CA certificates, and only these.
     *
     * @param certificates the trust anchors; at least one
     * @return this builder
     * @throws IllegalArgumentException when the collection is empty
     */
    public Builder trustedCertificates(Collection<? extends X509Certificate> certificates) {
      return trustStore(Trust.keyStore(certificates));
    }

    /**
     * Trusts the CA certificates in PEM text ({@code -----BEGIN CERTIFICATE-----} blocks), and only
     * those.
     *
     * @param pem one or more PEM certificates
     * @return this builder
     * @throws IllegalArgumentException when the text holds no certificate or one that cannot be read
     */
    public Builder trustedCertificatesPem(String pem) {
      Objects.requireNonNull(pem, "pem");
      List<X509Certificate> certificates = new ArrayList<>();
      try {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (Certificate c : factory.generateCertificates(
            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
          certificates.add((X509Certificate) c);
        }
      } catch (CertificateException e) {
        throw new IllegalArgumentException("cannot read the PEM certificates: " + e.getMessage(), e);
      }
      return trustedCertificates(certificates);
    }

    /**
     * Sets how long to wait for the TCP connection (default {@link #DEFAULT_CONNECT_TIMEOUT}).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long the whole fetch may take, from sending the request to the last byte of the
     * body (default {@link #DEFAULT_DEADLINE}). When it passes, the exchange is cancelled and the
     * result is a {@link ResultType#STS_POLICY_FETCH_ERROR}.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * Connects to another port than 443. For tests only: RFC 8461 policy hosts are always on the
     * HTTPS port.
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Accepts a policy served with a missing or other media type than {@code text/plain}. Off by
     * default: RFC 8461 says senders SHOULD check it, and this library does.
     *
     * @param accept {@code true} to skip the media type check
     * @return this builder
     */
    public Builder acceptAnyContentType(boolean accept) {
      this.anyContentType = accept;
      return this;
    }

    /**
     * Sets the executor the HTTP client runs its tasks on (and the futures complete on); by default
     * the client's own. A fetch that misses its deadline completes on the JDK's timer thread instead,
     * so chain slow work with an {@code ...Async} method.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the clock that stamps {@link FetchResult.Fetched#fetchedAt()} (default: the system UTC
     * clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how many fetches may be under way at once (default {@link
     * #DEFAULT_MAX_CONCURRENT_FETCHES}); each holds one HTTPS connection. A fetch beyond that waits
     * for a free one, within its {@linkplain #deadline(Duration) deadline}; when the deadline passes
     * first, or {@link #DEFAULT_MAX_WAITING_FETCHES} fetches wait already, it ends as a {@link
     * ResultType#STS_POLICY_FETCH_ERROR} that says it was not made.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder maxConcurrentFetches(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConcurrentFetches must be at least 1");
      }
      this.maxConcurrent = n;
      return this;
    }

    /**
     * Builds the fetcher; the builder may be used again afterwards.
     *
     * @return a new fetcher with its own HTTP client
     */
    public HttpsPolicyFetcher build() {
      return new HttpsPolicyFetcher(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
