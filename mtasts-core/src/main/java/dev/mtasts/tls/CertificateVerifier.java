package dev.mtasts.tls;

import dev.mtasts.internal.DnsIds;
import dev.mtasts.internal.HostNames;
import dev.mtasts.internal.Text;
import dev.mtasts.tlsrpt.ResultType;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the TLS session with an MX host as RFC 8461 section 4.2 requires: TLS 1.2 or newer, a
 * certificate chain that is current and leads to a trusted root, and a subjectAltName DNS-ID that
 * matches the MX host name (no CN fallback; a wildcard only as the whole left-most label, for one
 * label). Each failure maps to exactly one RFC 8460 result type.
 *
 * <p>Immutable and thread-safe; build one and share it.
 *
 * <pre>{@code
 * CertificateVerifier verifier = CertificateVerifier.builder().build(); // the JDK's trusted roots
 * CertificateCheck check = verifier.verify("mx1.example.com", sslSession);
 * }</pre>
 */
public final class CertificateVerifier {
  private static final Set<String> ACCEPTED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private final Set<TrustAnchor> anchors;
  private final Clock clock;
  private final boolean revocation;

  private CertificateVerifier(Builder b) {
    this.anchors = b.anchors != null ? b.anchors : jdkAnchors();
    this.clock = b.clock;
    this.revocation = b.revocation;
  }

  /**
   * Starts a builder; by default the JDK's trusted roots, the system clock and no revocation checks.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks an established TLS session.
   *
   * @param mxHost the MX host name the session was opened to
   * @param session the session
   * @return the outcome
   */
  public CertificateCheck verify(String mxHost, SSLSession session) {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return new CertificateCheck.Failed(ResultType.CERTIFICATE_NOT_TRUSTED, "no-certificate",
          "the server presented no certificate");
    }
    List<X509Certificate> chain = new ArrayList<>(peer.length);
    for (Certificate c : peer) {
      if (!(c instanceof X509Certificate x509)) {
        return new CertificateCheck.Failed(ResultType.CERTIFICATE_NOT_TRUSTED, "not-x509",
            "the server presented a certificate that is not X.509");
      }
      chain.add(x509);
    }
    return verify(mxHost, chain, session.getProtocol());
  }

  /**
   * Checks a certificate chain and negotiated protocol.
   *
   * @param mxHost the MX host name the session was opened to (any case, trailing dot allowed)
   * @param chain the peer's chain, leaf first
   * @param protocol the negotiated protocol, as {@link SSLSession#getProtocol()} names it
   * @return the outcome
   */
  public CertificateCheck verify(String mxHost, List<X509Certificate> chain, String protocol) {
    if (!ACCEPTED_PROTOCOLS.contains(protocol)) {
      return new CertificateCheck.Failed(ResultType.VALIDATION_FAILURE, "tls-version",
          "negotiated " + Text.quote(protocol) + "; MTA-STS requires TLS 1.2 or newer");
    }
    if (chain.isEmpty()) {
      return new CertificateCheck.Failed(ResultType.CERTIFICATE_NOT_TRUSTED, "no-certificate",
          "the server presented no certificate");
    }
    Date now = Date.from(clock.instant());
    X509Certificate leaf = chain.get(0);
    try {
      leaf.checkValidity(now);
    } catch (CertificateExpiredException e) {
      return new CertificateCheck.Failed(ResultType.CERTIFICATE_EXPIRED, "certificate-expired",
          "the certificate expired at " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      return new CertificateCheck.Failed(ResultType.VALIDATION_FAILURE,
          "certificate-not-yet-valid",
          "the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    CertificateCheck trust = checkPath(chain, now);
    if (trust != null) {
      return trust;
    }
    String host = HostNames.normalize(mxHost);
    List<String> names = DnsIds.dnsNames(leaf);
    if (names.isEmpty()) {
      return new CertificateCheck.Failed(ResultType.CERTIFICATE_HOST_MISMATCH, "no-dns-name",
          "the certificate has no subjectAltName DNS name (a subject CN does not count)");
    }
    if (host != null) {
      for (String name : names) {
        if (DnsIds.matches(name, host)) {
          return new CertificateCheck.Passed();
        }
      }
    }
    return new CertificateCheck.Failed(ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch",
        "the certificate names " + describe(names) + ", not " + Text.quote(mxHost));
  }

  private CertificateCheck checkPath(List<X509Certificate> chain, Date now) {
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && isAnchor(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setDate(now);
      params.setRevocationEnabled(revocation);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return null;
    } catch (CertPathValidatorException e) {
      CertPathValidatorException.Reason reason = e.getReason();
      if (reason == BasicReason.EXPIRED) {
        return new CertificateCheck.Failed(ResultType.CERTIFICATE_EXPIRED, "certificate-expired",
            "a certificate of the chain has expired");
      }
      if (reason == BasicReason.NOT_YET_VALID) {
        return new CertificateCheck.Failed(ResultType.VALIDATION_FAILURE,
            "certificate-not-yet-valid", "a certificate of the chain is not valid yet");
      }
      if (reason == BasicReason.REVOKED) {
        return new CertificateCheck.Failed(ResultType.CERTIFICATE_NOT_TRUSTED,
            "certificate-revoked", "a certificate of the chain is revoked");
      }
      String code = reason == PKIXReason.NO_TRUST_ANCHOR ? "no-trust-anchor" : "chain-invalid";
      return new CertificateCheck.Failed(ResultType.CERTIFICATE_NOT_TRUSTED, code,
          "the chain does not lead to a trusted root: " + Text.quote(String.valueOf(e.getMessage())));
    } catch (GeneralSecurityException e) {
      return new CertificateCheck.Failed(ResultType.CERTIFICATE_NOT_TRUSTED, "chain-invalid",
          "the chain could not be validated: " + Text.quote(String.valueOf(e.getMessage())));
    }
  }

  private boolean isAnchor(X509Certificate cert) {
    for (TrustAnchor anchor : anchors) {
      if (cert.equals(anchor.getTrustedCert())) {
        return true;
      }
    }
    return false;
  }

  private static String describe(List<String> names) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(names.size(), 5);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ", ").append(Text.quote(names.get(i)));
    }
    if (names.size() > n) {
      sb.append(" and ").append(names.size() - n).append(" more");
    }
    return sb.toString();
  }

  private static Set<TrustAnchor> jdkAnchors() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      Set<TrustAnchor> set = new HashSet<>();
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          Arrays.stream(x509.getAcceptedIssuers()).forEach(c -> set.add(new TrustAnchor(c, null)));
        }
      }
      return Set.copyOf(set);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's default trust store cannot be read", e);
    }
  }

  /** Builds a {@link CertificateVerifier}. */
  public static final class Builder {
    private Set<TrustAnchor> anchors;
    private Clock clock = Clock.systemUTC();
    private boolean revocation;

    private Builder() {}

    /**
     * Trusts the certificates of a key store instead of the JDK's roots.
     *
     * @param trustStore a key store of trusted certificates
     * @return this builder
     * @throws IllegalArgumentException when the store holds no certificate or cannot be read
     */
    public Builder trustStore(KeyStore trustStore) {
      List<X509Certificate> certs = new ArrayList<>();
      try {
        for (String alias : java.util.Collections.list(trustStore.aliases())) {
          if (trustStore.getCertificate(alias) instanceof X509Certificate c) {
            certs.add(c);
          }
        }
      } catch (KeyStoreException e) {
        throw new IllegalArgumentException("the trust store cannot be read", e);
      }
      return trustedCertificates(certs);
    }

    /**
     * Trusts exactly these root certificates instead of the JDK's roots.
     *
     * @param roots the trusted certificates
     * @return this builder
     * @throws IllegalArgumentException when {@code roots} is empty
     */
    public Builder trustedCertificates(Collection<X509Certificate> roots) {
      if (roots.isEmpty()) {
        throw new IllegalArgumentException("at least one trusted certificate is needed");
      }
      Set<TrustAnchor> set = new HashSet<>();
      roots.forEach(c -> set.add(new TrustAnchor(c, null)));
      this.anchors = Set.copyOf(set);
      return this;
    }

    /**
     * Sets the clock whose time certificates are checked at.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Turns revocation checking (OCSP, with CRLs as fallback, through the JDK) on or off; off by
     * default. When on, a certificate whose status cannot be determined fails.
     *
     * @param enabled whether to check revocation
     * @return this builder
     */
    public Builder revocationChecking(boolean enabled) {
      this.revocation = enabled;
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return the verifier
     */
    public CertificateVerifier build() {
      return new CertificateVerifier(this);
    }
  }
}
