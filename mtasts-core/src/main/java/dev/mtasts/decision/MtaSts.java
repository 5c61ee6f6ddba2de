package dev.mtasts.decision;

import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.ResolverListener;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.dns.MxRecords;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.HostName;
import dev.mtasts.internal.Futures;
import dev.mtasts.internal.Trust;
import dev.mtasts.tls.CertificateVerifier;
import java.io.IOException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door: everything a sending MTA needs for MTA-STS (RFC 8461), built once, thread-safe,
 * shared by every delivery thread, and {@link #close() closed} on shutdown.
 *
 * <p>{@code MtaSts.builder().build()} is a complete, safe sender: the system's DNS resolvers, the
 * strict HTTPS policy fetcher, the JDK's trusted roots for policy hosts and MX certificates alike, and
 * the RFC 8461 section 5.1 cache in memory (100,000 domains). One builder call each adds
 * persistence, a store shared by a fleet, or TLS-RPT reporting:
 *
 * <pre>{@code
 * MtaSts mtaSts = MtaSts.builder()
 *     .store(FilePolicyStore.builder(Path.of("/var/lib/mtasts/policies")).build()) // mtasts-cache
 *     .reporting(TlsRptReporter.builder().organizationName("Example Mail")
 *         .contactInfo("tlsrpt@example.net").directory(Path.of("/var/lib/mtasts/tlsrpt")))
 *     .build();
 * }</pre>
 *
 * <p>For each delivery the MTA calls {@link #lookup(String)} with the recipient domain (or its smart
 * host's domain; never the parent zone of a subdomain, RFC 8461 section 3.4) and follows the
 * {@link PolicyLookup}:
 *
 * <pre>{@code
 * PolicyLookup lookup = mtaSts.lookup("example.com");
 * if (lookup.shouldDefer()) { ... }                        // only with deferWhenUnavailable(true)
 * for (String mx : lookup.candidates(mtaSts.mx("example.com"))) { // unlisted MX hosts are reported
 *   MtaStsTrustManager trust = mtaSts.trustManager(lookup, mx);
 *   // connect to mx by name, EHLO; no STARTTLS: lookup.starttlsNotSupported(mx) says what to do
 *   // STARTTLS with trust in a new SSLContext and mtaSts.sslParameters(mx), then:
 *   Verdict verdict = handshakeThrew ? trust.afterHandshake(exception) : trust.afterHandshake();
 *   // Refuse: next MX. Deliver / DeliverAndReport: send the message.
 * }
 * // no MX took it: lookup.allCandidatesFailed() says defer, never bounce for this alone
 * }</pre>
 *
 * <p>The {@link dev.mtasts.decision package documentation} has the whole call sequence.
 */
public final class MtaSts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtaSts.class);

  private final PolicySource source;
  private final @Nullable PolicyResolver resolver;
  private final DnsClient dns;
  private final CertificateVerifier verifier;
  private final VerdictListener listener;
  private final boolean deferWhenUnavailable;
  private final List<AutoCloseable> owned;

  private MtaSts(Builder b, PolicySource source, @Nullable PolicyResolver resolver, DnsClient dns,
      CertificateVerifier verifier, VerdictListener listener, List<AutoCloseable> owned) {
    this.source = source;
    this.resolver = resolver;
    this.dns = dns;
    this.verifier = verifier;
    this.listener = listener;
    this.deferWhenUnavailable = b.deferWhenUnavailable;
    this.owned = List.copyOf(owned);
  }

  /**
   * Starts a builder whose {@link Builder#build()} gives a complete sender with safe defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Looks up the policy that applies to a delivery: from the cache without I/O when it holds a fresh
   * policy, else through DNS and HTTPS (RFC 8461 section 5.1).
   *
   * @param domain the recipient domain (or smart host domain); U-labels are converted to A-labels
   * @return the lookup; the future completes normally for every DNS and HTTPS outcome
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<PolicyLookup> lookupAsync(String domain) {
    return source.lookupAsync(HostName.normalize(domain)).thenApply(this::toLookup);
  }

  /**
   * Blocking form of {@link #lookupAsync(String)}.
   *
   * @param domain the recipient domain
   * @return the lookup
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public PolicyLookup lookup(String domain) {
    return Futures.join(lookupAsync(domain));
  }

  /**
   * Checks the policy id again, and fetches a changed policy, before the MTA fails a message for
   * good, as RFC 8461 section 5.1 requires.
   *
   * @param domain the recipient domain
   * @return the lookup after the check
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<PolicyLookup> recheckAsync(String domain) {
    return source.recheckAsync(HostName.normalize(domain)).thenApply(this::toLookup);
  }

  /**
   * Blocking form of {@link #recheckAsync(String)}.
   *
   * @param domain the recipient domain
   * @return the lookup after the check
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public PolicyLookup recheck(String domain) {
    return Futures.join(recheckAsync(domain));
  }

  /**
   * Looks up the MX hosts of a domain with the facade's DNS client, for an MTA that has no resolver
   * of its own. {@link MxRecords#hostNames()} gives them in preference order (the domain itself when
   * it has no MX records, none for a null MX).
   *
   * @param domain the recipient domain
   * @return the answer; a temporary failure means: defer the message
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain) {
    return dns.mxAsync(HostName.normalize(domain));
  }

  /**
   * Blocking form of {@link #mxAsync(String)}, for the common case: the MX host names to try, in
   * preference order.
   *
   * @param domain the recipient domain
   * @return the host names; the domain itself when it has no MX records; empty for a null MX, no
   *     such domain, or a failed lookup (then see {@link #mxAsync(String)} for why)
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public List<String> mx(String domain) {
    DnsResult<MxRecords> answer = Futures.join(mxAsync(domain));
    return answer instanceof DnsResult.Answer<MxRecords> a ? a.value().hostNames() : List.of();
  }

  /**
   * Returns the TLS parameters for a connection to an MX host: SNI set to the MX host name (RFC 8461
   * section 7.1) and TLS 1.2 or newer only. Endpoint identification is left off because the {@link
   * #trustManager(PolicyLookup, String) trust manager} checks the name as RFC 8461 requires.
   *
   * @param mxHost the MX host name
   * @return new parameters
   * @throws IllegalArgumentException when {@code mxHost} is not a valid host name
   */
  public SSLParameters sslParameters(String mxHost) {
    SSLParameters params = new SSLParameters();
    params.setServerNames(List.of(new SNIHostName(HostName.normalize(mxHost))));
    params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    return params;
  }

  /**
   * Returns a trust manager that enforces the lookup inside the MTA's own TLS handshake with one MX
   * host: under {@code enforce} a failing host makes the handshake fail; under {@code testing} the
   * handshake proceeds and the failure is reported; without an applied policy any certificate is
   * accepted (opportunistic TLS). Install it in a new {@code SSLContext} for that one connection (a
   * shared context may resume a session, and a resumed handshake skips the trust manager), and after
   * the handshake ask it for the {@link MtaStsTrustManager#afterHandshake() verdict}.
   *
   * <p>The session's addresses for TLS-RPT are taken from the socket or engine of the handshake.
   *
   * @param lookup the lookup of the delivery
   * @param mxHost the MX host the connection goes to
   * @return a new trust manager bound to that host
   */
  public MtaStsTrustManager trustManager(PolicyLookup lookup, String mxHost) {
    return new MtaStsTrustManager(lookup, mxHost, SessionDetails.NONE);
  }

  /**
   * Returns a trust manager as {@link #trustManager(PolicyLookup, String)} does, whose verdicts carry
   * the session's details (addresses, EHLO name) to the verdict listener for TLS-RPT. An address
   * the details leave out is taken from the socket (see {@link MtaStsTrustManager}).
   *
   * @param lookup the lookup of the delivery
   * @param mxHost the MX host the connection goes to
   * @param details the session's details
   * @return a new trust manager bound to that host
   */
  public MtaStsTrustManager trustManager(PolicyLookup lookup, String mxHost,
      SessionDetails details) {
    return new MtaStsTrustManager(lookup, mxHost, details);
  }

  /**
   * Returns the policy cache the facade built, for tools that show or repair it (the {@code mtasts
   * cache} commands).
   *
   * @return the cache; empty when the builder was given a {@link Builder#policySource(PolicySource)
   *     policy source} of its own
   */
  public Optional<PolicyResolver> cache() {
    return Optional.ofNullable(resolver);
  }

  /**
   * Stops the facade's background work (proactive refresh, TLS-RPT reporting) and closes what it
   * built; a {@link PolicyStore} given to the builder is closed too. Lookups after this fail.
   */
  @Override
  public void close() {
    for (Exception e : closeAll(owned)) {
      LOG.warn("closing a part of the MTA-STS facade failed", e);
    }
  }

  /** Closes each, the last first; returns what their closing threw. */
  private static List<Exception> closeAll(List<AutoCloseable> owned) {
    List<Exception> failures = new ArrayList<>();
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    return failures;
  }

  private PolicyLookup toLookup(PolicyState state) {
    return new PolicyLookup(state, verifier, listener, deferWhenUnavailable);
  }

  /**
   * Reporting that starts and stops with the facade, such as TLS-RPT ({@code
   * dev.mtasts.tlsrpt.TlsRptReporter.Builder} is one).
   */
  @FunctionalInterface
  public interface Reporting {
    /**
     * Starts reporting with what the facade shares: one DNS client, one notion of trust, one clock.
     *
     * @param dns the facade's DNS client
     * @param tls a TLS context trusting what the facade trusts (for HTTPS report delivery)
     * @param clock the facade's clock
     * @return the listener that hears every verdict; when it is also {@link AutoCloseable}, the
     *     facade closes it on {@link MtaSts#close()}
     * @throws IOException when the reporting's own storage cannot be opened
     */
    VerdictListener start(DnsClient dns, SSLContext tls, Clock clock) throws IOException;
  }

  /** Builds an {@link MtaSts}; every setting has a safe default. */
  public static final class Builder {
    private @Nullable DnsClient dns;
    private @Nullable KeyStore trust;
    private @Nullable PolicyStore store;
    private @Nullable PolicySource source;
    private Clock clock = Clock.systemUTC();
    private int policyPort = 443;
    private @Nullable Duration fetchTimeout;
    private boolean revocationChecking;
    private int validationCache = CertificateVerifier.DEFAULT_VALIDATION_CACHE_SIZE;
    private boolean deferWhenUnavailable;
    private ResolverListener cacheListener = ResolverListener.NONE;
    private Consumer<PolicyResolver.Builder> cacheSettings = b -> {};
    private final List<VerdictListener> listeners = new ArrayList<>();
    private final List<Reporting> reporting = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the DNS client for the {@code _mta-sts} TXT lookups (and {@link MtaSts#mx(String)}); by
     * default a {@link DnsjavaClient} with the system's resolvers.
     *
     * @param dns the client
     * @return this builder
     */
    public Builder dnsClient(DnsClient dns) {
      this.dns = Objects.requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Sets the one place trust is configured: the roots that policy hosts' HTTPS certificates and
     * MX hosts' certificates (and HTTPS report endpoints) must chain to. By default the JDK's
     * trusted roots.
     *
     * @param trustStore the trusted roots
     * @return this builder
     */
    public Builder trustStore(KeyStore trustStore) {
      this.trust = Objects.requireNonNull(trustStore, "trustStore");
      return this;
    }

    /**
     * As {@link #trustStore(KeyStore)}, with the roots as certificates.
     *
     * @param roots the trusted root certificates
     * @return this builder
     * @throws IllegalArgumentException when {@code roots} is empty
     */
    public Builder trustedCertificates(Collection<X509Certificate> roots) {
      return trustStore(Trust.keyStore(roots));
    }

    /**
     * Turns on revocation checking of MX certificates (off by default; it fails closed).
     *
     * @param enabled whether to check revocation
     * @return this builder
     */
    public Builder revocationChecking(boolean enabled) {
      this.revocationChecking = enabled;
      return this;
    }

    /**
     * Sets how many validated MX certificate chains are remembered within their validity, so that a
     * repeat chain costs no signature checks ({@value CertificateVerifier#DEFAULT_VALIDATION_CACHE_SIZE}
     * by default; 0 turns it off; unused with revocation checking).
     *
     * @param chains the number of chains
     * @return this builder
     */
    public Builder certificateValidationCache(int chains) {
      if (chains < 0) {
        throw new IllegalArgumentException("chains must not be negative");
      }
      this.validationCache = chains;
      return this;
    }

    /**
     * Sets where policies survive restarts: a {@code FilePolicyStore} for one MTA, a {@code
     * JdbcPolicyStore} shared by a fleet (both in {@code mtasts-cache}). By default nothing is
     * persisted and the cache lives in memory only. The facade closes the store on {@link
     * MtaSts#close()}.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(PolicyStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Tunes the policy cache (memory bound, id check interval, proactive refresh, background
     * discovery, fleet owner name, executor): the settings are applied to the cache's builder after
     * the facade's own (discoverer, store, clock, listener).
     *
     * @param settings applies settings to the cache's builder
     * @return this builder
     */
    public Builder cache(Consumer<PolicyResolver.Builder> settings) {
      this.cacheSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets a listener for the cache's events (lookups, fetches, refresh failures, evictions, policy
     * changes, store errors), for metrics and logs.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder cacheListener(ResolverListener listener) {
      this.cacheListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Replaces the cache with a policy source of the caller's: for tests and tools only, since an
     * MTA without the section 5.1 cache loses the protection whenever DNS or HTTPS is blocked (RFC
     * 8461 section 10.2). {@link #store(PolicyStore)} and {@link #cache(Consumer)} are then unused.
     *
     * @param source the policy source
     * @return this builder
     */
    public Builder policySource(PolicySource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Adds a listener that hears every verdict (for metrics or logs; TLS-RPT comes with {@link
     * #reporting(Reporting)}). Listeners are called on the delivery thread, in the order added.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(VerdictListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds reporting that starts with the facade, typically TLS-RPT: {@code
     * reporting(TlsRptReporter.builder()...)}. It shares the facade's DNS client, trust and clock.
     *
     * @param reporting the reporting
     * @return this builder
     */
    public Builder reporting(Reporting reporting) {
      this.reporting.add(Objects.requireNonNull(reporting, "reporting"));
      return this;
    }

    /**
     * Sets the clock for the cache, certificate validity and reporting; the system UTC clock by
     * default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Bounds each policy fetch: the connection must be made, and the whole policy received, within
     * this time (by default 10 seconds to connect and 60 seconds in all).
     *
     * @param timeout the time allowed
     * @return this builder
     * @throws IllegalArgumentException when the timeout is not positive
     */
    public Builder fetchTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive");
      }
      this.fetchTimeout = timeout;
      return this;
    }

    /**
     * Fetches policies from another port than 443: for tests against a loopback policy host only
     * (RFC 8461 section 3.3 says 443).
     *
     * @param port the port
     * @return this builder
     * @throws IllegalArgumentException when the port is not 1..65535
     */
    public Builder policyHostPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535");
      }
      this.policyPort = port;
      return this;
    }

    /**
     * When the TXT lookup fails temporarily and nothing is cached, RFC 8461 leaves open whether to
     * send without MTA-STS or to wait. The default sends ({@code false}); {@code true} makes {@link
     * PolicyLookup#shouldDefer()} tell the MTA to defer the message instead.
     *
     * @param defer whether to defer
     * @return this builder
     */
    public Builder deferWhenUnavailable(boolean defer) {
      this.deferWhenUnavailable = defer;
      return this;
    }

    /**
     * Builds the facade and starts its background work.
     *
     * @return the facade
     * @throws java.io.UncheckedIOException when a reporting component cannot open its storage
     */
    public MtaSts build() {
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        DnsClient d = dns != null ? dns : DnsjavaClient.builder().build();
        CertificateVerifier.Builder vb = CertificateVerifier.builder().clock(clock)
            .revocationChecking(revocationChecking).validationCacheSize(validationCache);
        HttpsPolicyFetcher.Builder fb = HttpsPolicyFetcher.builder().clock(clock);
        // One TLS context for the policy fetches and the reports' HTTPS deliveries.
        SSLContext tls = trust == null ? SSLContext.getDefault() : Trust.clientContext(trust);
        if (trust != null) {
          vb.trustStore(trust);
          fb.sslContext(tls);
        }
        if (policyPort != 443) {
          fb.port(policyPort);
        }
        if (fetchTimeout != null) {
          fb.connectTimeout(fetchTimeout).deadline(fetchTimeout);
        }
        CertificateVerifier verifier = vb.build();
        PolicyResolver resolver = null;
        PolicySource s = source;
        if (s == null) {
          PolicyResolver.Builder rb = PolicyResolver.builder(PolicyDiscoverer.builder(d, fb.build()).build())
              .clock(clock).listener(cacheListener);
          if (store != null) {
            rb.store(store);
          }
          cacheSettings.accept(rb);
          resolver = rb.build();
          if (store != null) {
            owned.add(store);
          }
          owned.add(resolver);
          s = resolver.asPolicySource();
        }
        List<VerdictListener> all = new ArrayList<>(listeners);
        for (Reporting r : reporting) {
          VerdictListener l;
          try {
            l = r.start(d, tls, clock);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start reporting: " + e.getMessage(), e);
          }
          all.add(l);
          if (l instanceof AutoCloseable c) {
            owned.add(c);
          }
        }
        return new MtaSts(this, s, resolver, d, verifier, VerdictListener.all(all), owned);
      } catch (NoSuchAlgorithmException e) {
        closeAll(owned);
        throw new IllegalStateException("this JVM has no default TLS context", e);
      } catch (RuntimeException e) {
        closeAll(owned).forEach(e::addSuppressed);
        throw e;
      }
    }
  }
}
