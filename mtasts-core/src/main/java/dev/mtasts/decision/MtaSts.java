package dev.mtasts.decision;

import dev.mtasts.internal.Futures;
import dev.mtasts.policy.HostName;
import dev.mtasts.tls.CertificateVerifier;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;

/**
 * The facade an MTA uses for MTA-STS: built once, thread-safe, shared by every delivery thread.
 *
 * <p>For each delivery the MTA calls {@link #lookup(String)} with the recipient domain, or with the
 * smart host's domain when it relays through one (RFC 8461 section 3.4; never the parent zone of a
 * subdomain), and follows the resulting {@link PolicyLookup}:
 *
 * <pre>{@code
 * MtaSts mtaSts = MtaSts.builder().policySource(resolver).verdictListener(reporter).build();
 *
 * PolicyLookup lookup = mtaSts.lookup("example.com");
 * for (MxCandidate mx : lookup.candidates(List.of("mx1.example.com", "mx2.example.com"))) {
 *   if (!mx.permitted()) {
 *     lookup.mxNotPermitted(mx.host());
 *     continue;
 *   }
 *   SSLContext tls = SSLContext.getInstance("TLS");
 *   tls.init(null, new TrustManager[] {mtaSts.trustManager(lookup, mx.host())}, null);
 *   // connect to mx.host(); STARTTLS with tls and mtaSts.sslParameters(mx.host()); send
 * }
 * }</pre>
 *
 * <p>The {@link dev.mtasts.decision package documentation} has the whole call sequence, with the
 * missing-STARTTLS and failed-handshake cases and what to do when every MX failed.
 */
public final class MtaSts {
  private final PolicySource source;
  private final CertificateVerifier verifier;
  private final VerdictListener listener;
  private final boolean deferWhenUnavailable;

  private MtaSts(Builder b) {
    this.source = Objects.requireNonNull(b.source, "a policy source is required");
    this.verifier = b.verifier != null ? b.verifier : CertificateVerifier.builder().build();
    this.listener = VerdictListener.both(b.listener, b.reporter);
    this.deferWhenUnavailable = b.deferWhenUnavailable;
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
   * Looks up the policy that applies to a delivery.
   *
   * @param domain the recipient domain (or smart host domain); U-labels are converted to A-labels
   * @return the lookup; the future completes normally for every DNS and HTTPS outcome
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<PolicyLookup> lookupAsync(String domain) {
    return source.currentAsync(normalize(domain)).thenApply(this::toLookup);
  }

  /**
   * Blocking form of {@link #lookupAsync(String)}.
   *
   * @param domain the recipient domain
   * @return the lookup
   */
  public PolicyLookup lookup(String domain) {
    return Futures.join(lookupAsync(domain));
  }

  /**
   * Checks the policy id again (and fetches a changed policy) before the MTA fails a message for
   * good, as RFC 8461 section 5.1 requires.
   *
   * @param domain the recipient domain
   * @return the lookup after the check
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<PolicyLookup> recheckAsync(String domain) {
    return source.recheckAsync(normalize(domain)).thenApply(this::toLookup);
  }

  /**
   * Blocking form of {@link #recheckAsync(String)}.
   *
   * @param domain the recipient domain
   * @return the lookup after the check
   */
  public PolicyLookup recheck(String domain) {
    return Futures.join(recheckAsync(domain));
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
    params.setServerNames(List.of(new SNIHostName(normalize(mxHost))));
    params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    return params;
  }

  /**
   * Returns a trust manager that enforces the lookup inside the MTA's own TLS handshake with one MX
   * host: under {@code enforce} a failing host makes the handshake fail; under {@code testing} the
   * handshake proceeds and the failure is reported; without an applied policy any certificate is
   * accepted (opportunistic TLS). Install it in a new {@code SSLContext} for that one connection: a
   * context shared between connections may resume a TLS session, and a resumed handshake does not
   * call the trust manager. A failure it reports to TLS-RPT names the local and remote address of
   * the socket the handshake ran on.
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

  private PolicyLookup toLookup(PolicyState state) {
    return new PolicyLookup(state, verifier, listener, deferWhenUnavailable);
  }

  private static String normalize(String domain) {
    return HostName.parse(domain)
        .orElseThrow(() -> new IllegalArgumentException("not a valid domain name"))
        .value();
  }


  /** Builds an {@link MtaSts}. */
  public static final class Builder {
    private PolicySource source;
    private CertificateVerifier verifier;
    private VerdictListener listener = VerdictListener.NONE;
    private VerdictListener reporter = VerdictListener.NONE;
    private boolean deferWhenUnavailable;

    private Builder() {}

    /**
     * Sets where policies come from: the cache of {@code mtasts-cache} for an MTA, or a {@link
     * DiscoveryPolicySource}.
     *
     * @param source the policy source
     * @return this builder
     */
    public Builder policySource(PolicySource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets the certificate verifier; by default the JDK's trusted roots and the system clock.
     *
     * @param verifier the verifier
     * @return this builder
     */
    public Builder certificateVerifier(CertificateVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * Sets the listener that receives every verdict (for TLS-RPT and metrics).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder verdictListener(VerdictListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Feeds every verdict to a TLS-RPT collector, in addition to the {@link
     * #verdictListener(VerdictListener) verdict listener}: with this one call the MTA's deliveries are
     * counted for the daily reports (RFC 8460), with nothing more to call per delivery.
     *
     * @param collector the collector, usually one {@link dev.mtasts.tlsrpt.TlsRptCollector} per MTA
     * @return this builder
     */
    public Builder tlsRpt(dev.mtasts.tlsrpt.TlsRptCollector collector) {
      this.reporter = Objects.requireNonNull(collector, "collector");
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
     * Builds the facade.
     *
     * @return the facade
     * @throws NullPointerException when no policy source was set
     */
    public MtaSts build() {
      return new MtaSts(this);
    }
  }
}
