package dev.mtasts.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An MTA-STS policy host on loopback: an HTTPS server (WireMock, HTTP/1.1) on {@code 127.0.0.1} and a
 * free port that serves {@code /.well-known/mta-sts.txt} for a policy domain, with the certificate
 * you choose, and that can misbehave in every way the RFC 8461 fetch must survive. One server can
 * serve several policy domains on one port (see below).
 *
 * <p>It starts out serving {@link SamplePolicies#enforce(String)} as {@code 200 text/plain}. The
 * setters change the answer for the following requests; each one replaces what the previous ones
 * set, except that {@link #body}, {@link #status} and {@link #contentType} can be combined. Other
 * paths answer 404. Plain HTTP is off.
 *
 * <h2>Pointing a client at it</h2>
 *
 * The client must connect to {@code mta-sts.<domain>} by that name, because that is the name the
 * certificate and SNI are checked against. Before Java 18 there is no per-client resolver, so map
 * the name to loopback for the whole test JVM with a hosts file, in the surefire configuration of
 * your pom:
 *
 * <pre>{@code
 * <plugin>
 *   <artifactId>maven-surefire-plugin</artifactId>
 *   <configuration>
 *     <argLine>-Djdk.net.hosts.file=${project.basedir}/src/test/resources/hosts</argLine>
 *   </configuration>
 * </plugin>
 * }</pre>
 *
 * with {@code src/test/resources/hosts} holding, for example:
 *
 * <pre>
 * 127.0.0.1 localhost
 * 127.0.0.1 mta-sts.example.test
 * </pre>
 *
 * The JVM then resolves only the names in that file (any other name is unknown), so tests cannot
 * reach the internet by accident. Use names under a reserved domain such as {@code .test}. The
 * client also needs the port ({@link #port()}) and to trust the test CA:
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create();
 * try (PolicyHost host = PolicyHost.start("example.test", ca.issue("mta-sts.example.test"))) {
 *   HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
 *       .sslContext(ca.sslContext())
 *       .port(host.port())
 *       .build();
 *   FetchResult ok = fetcher.fetch("example.test");          // Fetched
 *   host.redirect(302, "https://elsewhere.example.test/");
 *   FetchResult redirected = fetcher.fetch("example.test");  // Failed, sts-policy-fetch-error
 *   assertEquals(2, host.requestCount());
 * }
 * }</pre>
 *
 * <h2>Several policy domains on one port</h2>
 *
 * A fetcher (or a whole sender) takes one policy port, so a test with several recipient domains
 * starts one server for all of them, as a hosting provider serves many {@code mta-sts} names from
 * one address:
 *
 * <pre>{@code
 * try (PolicyHost host = PolicyHost.builder()
 *     .domain("example.test", ca.issue("mta-sts.example.test"))
 *     .domain("other.test", ca.issue("mta-sts.other.test"))
 *     .start()) {
 *   host.domain("other.test").body("version: STSv1\r\nmode: testing\r\n...");
 *   // a fetcher built with .port(host.port()) now gets both domains' policies
 * }
 * }</pre>
 *
 * The server chooses the certificate by the SNI name of the TLS handshake (the certificate whose
 * names match it) and the answer by the {@code Host} header. {@link #start} returns the host of the
 * first domain and {@link #domain(String)} the host of each: every domain has its own body, status,
 * content type, headers, delays, faults and recorded requests, and they share the port. A handshake
 * for a name no certificate matches (or without an SNI name) gets one of the certificates anyway,
 * which is not valid for the name the client wanted, as from a real server that hosts other names; a
 * client that checks the name refuses it ({@code sts-webpki-invalid}). A request whose {@code Host}
 * is none of the domains answers 404.
 *
 * <p>The server's TLS stack (Jetty) answers 400 "Invalid SNI" when the {@code Host} is not a name
 * the presented certificate is valid for; a client that refuses such a certificate never gets that
 * far.
 *
 * <p>Thread-safe. Close it (the host of any of its domains) to stop the server and delete its key
 * store file.
 */
public final class PolicyHost implements AutoCloseable {
  /** The path of the policy. */
  public static final String PATH = "/.well-known/mta-sts.txt";


  /** Ways to break the connection instead of answering. */
  public enum Fault {
    /** The server resets the TCP connection (RST) instead of answering. */
    CONNECTION_RESET,
    /** The server closes the connection without sending a byte of response. */
    EMPTY_RESPONSE,
    /** The server sends a 200 header and then a broken chunk. */
    MALFORMED_RESPONSE_CHUNK,
    /** The server sends garbage and closes the connection. */
    RANDOM_DATA_THEN_CLOSE
  }

  /**
   * A request the host received.
   *
   * @param method the method, for example {@code "GET"}
   * @param url the path and query
   * @param headers the headers, names in lower case, in arrival order
   */
  public record RecordedRequest(String method, String url, Map<String, List<String>> headers) {
    /**
     * Creates the record; the map is copied.
     *
     * @param method the method
     * @param url the path and query
     * @param headers the headers
     */
    public RecordedRequest {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(url, "url");
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
  }

  /** The server and the hosts of all the domains it serves. */
  private static final class Server {
    final LoopbackHttps https;
    final WireMockServer wireMock;
    final int port;
    /** By policy domain, in the order given; set once, before any host is handed out. */
    volatile Map<String, PolicyHost> hosts = Map.of();

    Server(LoopbackHttps https) {
      this.https = https;
      this.wireMock = https.server();
      this.port = wireMock.httpsPort();
    }
  }

  private final Server shared;
  private final WireMockServer server;
  private final String policyDomain;
  private final UUID stubId = UUID.randomUUID();
  private boolean stubbed;

  private int status = 200;
  private byte[] body;
  private @Nullable String contentType = "text/plain";
  private boolean announceLength;
  private @Nullable String location;
  private @Nullable Fault fault;
  private int dribbleChunks;
  private Duration dribbleTotal = Duration.ZERO;
  private Duration headerDelay = Duration.ZERO;
  private final Map<String, String> extraHeaders = new LinkedHashMap<>();

  private PolicyHost(Server shared, String policyDomain) {
    this.shared = shared;
    this.server = shared.wireMock;
    this.policyDomain = policyDomain;
    this.body = SamplePolicies.enforce(policyDomain);
    update();
  }

  /**
   * Starts a policy host for {@code mta-sts.<policyDomain>} on a free loopback port.
   *
   * @param policyDomain the policy domain, for example {@code "example.test"} (A-labels)
   * @param certificate the certificate the server presents, usually one issued for {@code
   *     mta-sts.<policyDomain>} by a {@link TestCertificateAuthority}
   * @return the running host
   */
  public static PolicyHost start(String policyDomain, IssuedCertificate certificate) {
    return builder().domain(policyDomain, certificate).start();
  }

  /**
   * Returns a builder for a server that serves the policies of several domains on one port.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the policy domains and their certificates for one server; not thread-safe. */
  public static final class Builder {
    private final Map<String, IssuedCertificate> certificates = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a policy domain and the certificate presented to handshakes for its policy host.
     *
     * @param policyDomain the policy domain, for example {@code "example.test"} (A-labels)
     * @param certificate the certificate, usually one issued for {@code mta-sts.<policyDomain>} by
     *     a {@link TestCertificateAuthority}; the server presents it when the SNI name of the
     *     handshake is one of its names
     * @return this builder
     * @throws IllegalArgumentException when the domain was already added
     */
    public Builder domain(String policyDomain, IssuedCertificate certificate) {
      Objects.requireNonNull(certificate, "certificate");
      String domain = normalise(policyDomain);
      if (certificates.putIfAbsent(domain, certificate) != null) {
        throw new IllegalArgumentException("policy domain added twice: " + domain);
      }
      return this;
    }

    /**
     * Starts the server on a free loopback port.
     *
     * @return the host of the first domain added; {@link PolicyHost#domain(String)} gives the
     *     others
     * @throws IllegalStateException when no domain was added
     */
    public PolicyHost start() {
      if (certificates.isEmpty()) {
        throw new IllegalStateException("no policy domain added");
      }
      Server shared = new Server(
          new LoopbackHttps("policy-host", List.copyOf(certificates.values())));
      try {
        Map<String, PolicyHost> hosts = new LinkedHashMap<>();
        for (String domain : certificates.keySet()) {
          hosts.put(domain, new PolicyHost(shared, domain));
        }
        shared.hosts = Collections.unmodifiableMap(hosts);
        return hosts.values().iterator().next();
      } catch (RuntimeException e) {
        shared.https.close();
        throw e;
      }
    }
  }

  /**
   * Returns the host of a policy domain this server serves, which shares its port.
   *
   * @param policyDomain the policy domain, in any case
   * @return the host whose setters and recorded requests concern that domain
   * @throws IllegalArgumentException when this server does not serve the domain
   */
  public PolicyHost domain(String policyDomain) {
    String domain = normalise(policyDomain);
    PolicyHost host = shared.hosts.get(domain);
    if (host == null) {
      throw new IllegalArgumentException(
          "this server does not serve " + domain + ", only " + domains());
    }
    return host;
  }

  /**
   * Returns the policy domains this server serves.
   *
   * @return the domains in the order they were added; this host's is one of them
   */
  public List<String> domains() {
    return List.copyOf(shared.hosts.keySet());
  }

  /**
   * Returns the policy domain.
   *
   * @return for example {@code "example.test"}
   */
  public String policyDomain() {
    return policyDomain;
  }

  /**
   * Returns the policy host name.
   *
   * @return for example {@code "mta-sts.example.test"}
   */
  public String hostName() {
    return "mta-sts." + policyDomain;
  }

  /**
   * Returns the port the server listens on (on {@code 127.0.0.1}), the same for all its domains.
   *
   * @return the port (also after {@link #close()}, when nothing listens there any more)
   */
  public int port() {
    return shared.port;
  }

  /**
   * Returns the URI of the policy.
   *
   * @return {@code https://mta-sts.<domain>:<port>/.well-known/mta-sts.txt}
   */
  public URI uri() {
    return URI.create("https://" + hostName() + ":" + port() + PATH);
  }

  /**
   * Serves these bytes as the body (status and content type stay as they are; faults, redirects and
   * delays are cleared). The length is not announced unless {@link #announceLength(boolean)} says so.
   *
   * @param body the body
   * @return this host
   */
  public synchronized PolicyHost body(byte[] body) {
    this.body = body.clone();
    clearFaults();
    return update();
  }

  /**
   * Serves this text, encoded as UTF-8, as the body, as {@link #body(byte[])} does.
   *
   * @param body the body
   * @return this host
   */
  public PolicyHost body(String body) {
    return body(body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Answers with this status (body and content type stay; faults, redirects and delays are cleared).
   *
   * @param status the HTTP status, for example 201, 204, 404, 500
   * @return this host
   */
  public synchronized PolicyHost status(int status) {
    this.status = status;
    clearFaults();
    return update();
  }

  /**
   * Sends this {@code Content-Type} (body and status stay; faults, redirects and delays are cleared).
   *
   * @param contentType for example {@code "text/html"} or {@code "TEXT/PLAIN; charset=utf-8"}
   * @return this host
   */
  public synchronized PolicyHost contentType(String contentType) {
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    clearFaults();
    return update();
  }

  /**
   * Sends no {@code Content-Type} header at all.
   *
   * @return this host
   */
  public synchronized PolicyHost noContentType() {
    this.contentType = null;
    clearFaults();
    return update();
  }

  /**
   * Sends a {@code Content-Length} header (with the true length) or not; without it the body is
   * sent with chunked transfer encoding when it is larger than the server's output buffer.
   *
   * @param announce whether to send {@code Content-Length}
   * @return this host
   */
  public synchronized PolicyHost announceLength(boolean announce) {
    this.announceLength = announce;
    return update();
  }

  /**
   * Adds a response header to every answer from now on (until {@link #reset()}), for example {@code
   * Cache-Control} or {@code ETag}.
   *
   * @param name the header name
   * @param value the value
   * @return this host
   */
  public synchronized PolicyHost header(String name, String value) {
    extraHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return update();
  }

  /**
   * Answers with a redirect to {@code location} (and the current body).
   *
   * @param status a 3xx status, for example 301 or 302
   * @param location the {@code Location} header
   * @return this host
   */
  public synchronized PolicyHost redirect(int status, String location) {
    if (status < 300 || status > 399) {
      throw new IllegalArgumentException("not a redirect status: " + status);
    }
    clearFaults();
    this.status = status;
    this.location = Objects.requireNonNull(location, "location");
    return update();
  }

  /**
   * Answers 404 Not Found.
   *
   * @return this host
   */
  public PolicyHost notFound() {
    return status(404);
  }

  /**
   * Answers 500 Internal Server Error.
   *
   * @return this host
   */
  public PolicyHost serverError() {
    return status(500);
  }

  /**
   * Serves the policy as {@code text/html}.
   *
   * @return this host
   */
  public PolicyHost wrongContentType() {
    return contentType("text/html");
  }

  /**
   * Serves {@code 200 text/plain} with a body of exactly {@code size} bytes: a valid enforce policy
   * padded with extension fields (see {@link SamplePolicies#padded(byte[], int)}), so that a client
   * without a size limit would accept it.
   *
   * @param size the body size, for example 1 MiB
   * @param withContentLength whether to announce the size in {@code Content-Length}
   * @return this host
   */
  public synchronized PolicyHost hugeBody(int size, boolean withContentLength) {
    this.body = SamplePolicies.padded(SamplePolicies.enforce(policyDomain), size);
    this.status = 200;
    this.contentType = "text/plain";
    this.announceLength = withContentLength;
    clearFaults();
    return update();
  }

  /**
   * Sends the current body slowly: split into {@code chunks} chunks, with a pause after each, so that
   * the whole body takes {@code total}. The headers go out at once.
   *
   * @param chunks how many pieces
   * @param total how long the whole body takes
   * @return this host
   */
  public synchronized PolicyHost dribble(int chunks, Duration total) {
    if (chunks < 1) {
      throw new IllegalArgumentException("chunks must be positive");
    }
    clearFaults();
    this.dribbleChunks = chunks;
    this.dribbleTotal = Objects.requireNonNull(total, "total");
    return update();
  }

  /**
   * Answers {@code 200 text/plain} at once and then sends a body that does not end within any
   * sensible deadline: a 1 MiB padded valid policy, one KiB about every 0.6 s (ten minutes in all).
   * A client that waits for the end and has no size limit would get a valid policy after ten
   * minutes; one with a size limit but no deadline stops after about 40 seconds.
   *
   * @return this host
   */
  public synchronized PolicyHost endlessBody() {
    hugeBody(1024 * 1024, false);
    return dribble(1024, Duration.ofMinutes(10));
  }

  /**
   * Waits this long before sending the response headers.
   *
   * @param delay the delay
   * @return this host
   */
  public synchronized PolicyHost delayHeaders(Duration delay) {
    clearFaults();
    this.headerDelay = Objects.requireNonNull(delay, "delay");
    return update();
  }

  /**
   * Breaks the connection instead of answering.
   *
   * @param fault how
   * @return this host
   */
  public synchronized PolicyHost fault(Fault fault) {
    clearFaults();
    this.fault = Objects.requireNonNull(fault, "fault");
    return update();
  }

  /**
   * Resets the TCP connection instead of answering.
   *
   * @return this host
   */
  public PolicyHost connectionReset() {
    return fault(Fault.CONNECTION_RESET);
  }

  /**
   * Closes the connection without answering.
   *
   * @return this host
   */
  public PolicyHost emptyResponse() {
    return fault(Fault.EMPTY_RESPONSE);
  }

  /**
   * Goes back to serving {@link SamplePolicies#enforce(String)} as {@code 200 text/plain} without
   * extra headers, and forgets the requests received so far for this domain (the other domains of
   * the server keep their answers and requests).
   *
   * @return this host
   */
  public synchronized PolicyHost reset() {
    status = 200;
    body = SamplePolicies.enforce(policyDomain);
    contentType = "text/plain";
    announceLength = false;
    extraHeaders.clear();
    clearFaults();
    server.removeServeEventsMatching(RequestPatternBuilder.allRequests()
        .withHost(equalToIgnoreCase(hostName())).build());
    return update();
  }

  /**
   * Counts the requests for the policy path of this domain, any method (for example to check that
   * concurrent lookups were coalesced into exactly one GET).
   *
   * @return the number of requests for {@link #PATH} since the start or the last {@link #reset()}
   */
  public int requestCount() {
    int n = 0;
    for (RecordedRequest r : requests()) {
      if (r.url().equals(PATH) || r.url().startsWith(PATH + "?")) {
        n++;
      }
    }
    return n;
  }

  /**
   * Returns the requests received for this domain (whose {@code Host} is {@link #hostName()}), any
   * path, oldest first.
   *
   * @return the requests since the start or the last {@link #reset()}
   */
  public List<RecordedRequest> requests() {
    List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
    Collections.reverse(events);
    List<RecordedRequest> out = new ArrayList<>(events.size());
    for (ServeEvent e : events) {
      LoggedRequest r = e.getRequest();
      if (!hostName().equalsIgnoreCase(r.getHost())) {
        continue;
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (HttpHeader h : r.getHeaders().all()) {
        headers.put(h.key().toLowerCase(Locale.ROOT), List.copyOf(h.values()));
      }
      out.add(new RecordedRequest(r.getMethod().getName(), r.getUrl(), headers));
    }
    return out;
  }

  /**
   * Stops the server, for all the domains it serves, and deletes its key store file. Closing it
   * again, or closing the host of another of its domains, does nothing more.
   */
  @Override
  public void close() {
    shared.https.close();
  }

  private static String normalise(String policyDomain) {
    return Objects.requireNonNull(policyDomain, "policyDomain").toLowerCase(Locale.ROOT);
  }


  private void clearFaults() {
    fault = null;
    location = null;
    dribbleChunks = 0;
    dribbleTotal = Duration.ZERO;
    headerDelay = Duration.ZERO;
  }

  private synchronized PolicyHost update() {
    ResponseDefinitionBuilder response = aResponse();
    if (fault != null) {
      response.withFault(switch (fault) {
        case CONNECTION_RESET -> com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER;
        case EMPTY_RESPONSE -> com.github.tomakehurst.wiremock.http.Fault.EMPTY_RESPONSE;
        case MALFORMED_RESPONSE_CHUNK ->
            com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK;
        case RANDOM_DATA_THEN_CLOSE ->
            com.github.tomakehurst.wiremock.http.Fault.RANDOM_DATA_THEN_CLOSE;
      });
    } else {
      response.withStatus(status).withBody(body);
      if (contentType != null) {
        response.withHeader("Content-Type", contentType);
      }
      if (announceLength) {
        response.withHeader("Content-Length", Integer.toString(body.length));
      }
      if (location != null) {
        response.withHeader("Location", location);
      }
      extraHeaders.forEach(response::withHeader);
      if (dribbleChunks > 0) {
        response.withChunkedDribbleDelay(dribbleChunks, (int) dribbleTotal.toMillis());
      }
      if (!headerDelay.isZero()) {
        response.withFixedDelay((int) headerDelay.toMillis());
      }
    }
    MappingBuilder mapping = any(urlPathEqualTo(PATH)).withHost(equalToIgnoreCase(hostName()))
        .withId(stubId).willReturn(response);
    if (stubbed) {
      server.editStub(mapping);
    } else {
      server.stubFor(mapping);
      stubbed = true;
    }
    return this;
  }
}
