package dev.mtasts.tls;

import dev.mtasts.internal.DnsIds;
import dev.mtasts.internal.HostNames;
import dev.mtasts.internal.Text;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathChecker;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.Certificate;
import java.security.cert.CertStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * Checks the TLS session with an MX host as RFC 8461 section 4.2 requires: TLS 1.2 or newer, a
 * certificate chain that is current and leads to a trusted root (PKIX, at the injected clock's
 * time), a leaf meant for TLS servers, and a subjectAltName DNS-ID that matches the MX host name (no
 * CN fallback; a wildcard only as the whole left-most label, for one label). Each failure maps to
 * exactly one RFC 8460 result type:
 *
 * <table>
 *   <caption>Failures and their result types</caption>
 *   <tr><th>failure</th><th>result type</th><th>failure reason code</th></tr>
 *   <tr><td>TLS below 1.2 negotiated</td><td>validation-failure</td><td>tls-version</td></tr>
 *   <tr><td>no certificate</td><td>certificate-not-trusted</td><td>no-certificate</td></tr>
 *   <tr><td>unknown issuer, missing intermediate</td><td>certificate-not-trusted</td>
 *       <td>no-trust-anchor</td></tr>
 *   <tr><td>self-signed leaf</td><td>certificate-not-trusted</td><td>self-signed</td></tr>
 *   <tr><td>bad signature, constraints</td><td>certificate-not-trusted</td>
 *       <td>chain-invalid</td></tr>
 *   <tr><td>revoked; status unknown (revocation on)</td><td>certificate-not-trusted</td>
 *       <td>certificate-revoked; revocation-status-unknown</td></tr>
 *   <tr><td>leaf or CA certificate expired</td><td>certificate-expired</td>
 *       <td>certificate-expired</td></tr>
 *   <tr><td>leaf or CA certificate not valid yet</td><td>validation-failure</td>
 *       <td>certificate-not-yet-valid</td></tr>
 *   <tr><td>leaf not for TLS servers (extended key usage)</td><td>validation-failure</td>
 *       <td>certificate-purpose</td></tr>
 *   <tr><td>no subjectAltName dNSName (CN only)</td><td>certificate-host-mismatch</td>
 *       <td>no-dns-name</td></tr>
 *   <tr><td>no dNSName matches the MX host</td><td>certificate-host-mismatch</td>
 *       <td>host-mismatch</td></tr>
 * </table>
 *
 * <p>The checks run in that order: a certificate that is both untrusted and expired is untrusted.
 *
 * <p>Immutable and thread-safe; build one and share it.
 *
 * <pre>{@code
 * CertificateVerifier verifier = CertificateVerifier.builder().build(); // the JDK's trusted roots
 * Optional<Failure> failure = verifier.verify("mx1.example.com", sslSession); // empty: it passed
 * }</pre>
 */
public final class CertificateVerifier {
  /** How many validated chains a verifier remembers unless told otherwise. */
  public static final int DEFAULT_VALIDATION_CACHE_SIZE = 1024;
  private static final Set<String> ACCEPTED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String ANY_PURPOSE = "2.5.29.37.0";

  private final Set<TrustAnchor> anchors;
  private final Map<X500Principal, Set<PublicKey>> anchorKeys;
  private final Clock clock;
  private final boolean revocation;
  private final int validationCacheSize;
  private final @Nullable Map<ChainKey, Window> validated;

  private CertificateVerifier(Builder b) {
    this.anchors = b.anchors != null ? b.anchors : jdkAnchors();
    Map<X500Principal, Set<PublicKey>> keys = new HashMap<>();
    for (TrustAnchor anchor : anchors) {
      X509Certificate c = anchor.getTrustedCert();
      keys.computeIfAbsent(c.getSubjectX500Principal(), k -> new HashSet<>()).add(c.getPublicKey());
    }
    this.anchorKeys = Map.copyOf(keys);
    this.clock = b.clock;
    this.revocation = b.revocation;
    this.validationCacheSize = b.validationCacheSize;
    this.validated = revocation || validationCacheSize == 0
        ? null : new ConcurrentHashMap<>(Math.min(validationCacheSize, 1024));
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
   * @return the failure, or empty when the host passes
   */
  public Optional<Failure> verify(String mxHost, SSLSession session) {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.of(new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "no-certificate",
          "the server presented no certificate"));
    }
    List<X509Certificate> chain = new ArrayList<>(peer.length);
    for (Certificate c : peer) {
      if (!(c instanceof X509Certificate x509)) {
        return Optional.of(new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "not-x509",
            "the server presented a certificate that is not X.509"));
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
   * @return the failure, or empty when the host passes
   */
  public Optional<Failure> verify(String mxHost, List<X509Certificate> chain, String protocol) {
    return Optional.ofNullable(check(mxHost, chain, protocol));
  }

  private @Nullable Failure check(String mxHost, List<X509Certificate> chain, String protocol) {
    if (!ACCEPTED_PROTOCOLS.contains(protocol)) {
      return new Failure(ResultType.VALIDATION_FAILURE, "tls-version",
          "negotiated " + Text.quote(protocol) + "; MTA-STS requires TLS 1.2 or newer");
    }
    if (chain.isEmpty()) {
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "no-certificate",
          "the server presented no certificate");
    }
    // The chain is checked before the names, and trust before dates: PKIX reports an unknown issuer
    // before it looks at validity, so an expired certificate from an unknown or self-signed issuer
    // counts as not trusted, which is what is wrong with it.
    Failure trust = checkPath(chain, Date.from(clock.instant()));
    if (trust != null) {
      return trust;
    }
    X509Certificate leaf = chain.get(0);
    Failure purpose = checkPurpose(leaf);
    if (purpose != null) {
      return purpose;
    }
    String host = HostNames.normalize(mxHost);
    List<String> names = DnsIds.dnsNames(leaf);
    if (names.isEmpty()) {
      return new Failure(ResultType.CERTIFICATE_HOST_MISMATCH, "no-dns-name",
          "the certificate has no subjectAltName DNS name (a subject CN does not count)");
    }
    if (host != null) {
      for (String name : names) {
        if (DnsIds.matches(name, host)) {
          return null;
        }
      }
    }
    return new Failure(ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch",
        "the certificate names " + describe(names) + ", not " + Text.quote(mxHost));
  }

  /**
   * Validates the chain the way the JDK's own trust manager does (sun.security.validator): the
   * chain ends before the first certificate that is itself trusted (same subject and key as a trust
   * anchor, so a cross-signed copy of a root counts as that root), and a chain that is not in issuer
   * order (TLS 1.3 permits any order and extra certificates) is rebuilt from its certificates.
   *
   * @return the failure, or {@code null} when the chain is valid at {@code now}
   */
  private @Nullable Failure checkPath(List<X509Certificate> chain, Date now) {
    ChainKey key = validated == null ? null : ChainKey.of(chain);
    if (key != null) {
      Window window = validated.get(key);
      if (window != null && window.covers(now.getTime())) {
        return null;
      }
    }
    Failure failure = validate(chain, now);
    if (failure == null && key != null) {
      remember(key, window(chain));
    }
    return failure;
  }

  private @Nullable Failure validate(List<X509Certificate> chain, Date now) {
    Failure f = checkPath(chain, now, revocation);
    if (f != null && revocation
        && f.resultType() == ResultType.CERTIFICATE_NOT_TRUSTED
        && !f.failureReasonCode().equals("certificate-revoked")
        && !f.failureReasonCode().equals("revocation-status-unknown")
        && checkPath(chain, now, false) == null) {
      // Valid without the revocation check, so that check failed. The JDK does not always say so:
      // when OCSP fails and the CRL fallback finds nothing either, it throws the OCSP failure,
      // e.g. "Certificate does not specify OCSP responder", with an unspecific reason.
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED,
          "revocation-status-unknown", "the revocation status of the chain could not be determined"
              + " (revocation checking fails closed): " + f.detail());
    }
    return f;
  }

  private @Nullable Failure checkPath(List<X509Certificate> chain, Date now,
      boolean revocation) {
    List<X509Certificate> path = orderedPath(chain);
    if (path == null) {
      return build(chain, now, revocation);
    }
    if (path.isEmpty()) {
      return checkDates(chain.get(0), 0, now);
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setDate(now);
      CertPathValidator validator = CertPathValidator.getInstance("PKIX");
      revocation(params, validator.getRevocationChecker(), revocation);
      validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return null;
    } catch (CertPathValidatorException e) {
      CertPathValidatorException.Reason reason = e.getReason();
      int index = e.getIndex() >= 0 && e.getIndex() < path.size() ? e.getIndex() : 0;
      if (reason == BasicReason.EXPIRED || reason == BasicReason.NOT_YET_VALID) {
        Failure dates = checkDates(path.get(index), index, now);
        if (dates != null) {
          return dates;
        }
      }
      Failure revoked = revocationFailure(e, path);
      if (revoked != null) {
        return revoked;
      }
      if (reason == PKIXReason.NO_TRUST_ANCHOR) {
        return noTrustAnchor(path);
      }
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "chain-invalid",
          "the chain does not validate: " + Text.quote(String.valueOf(e.getMessage())));
    } catch (GeneralSecurityException e) {
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "chain-invalid",
          "the chain could not be validated: " + Text.quote(String.valueOf(e.getMessage())));
    }
  }

  private void remember(ChainKey key, Window window) {
    if (validated.size() >= validationCacheSize) {
      // Bounded: drop some entry; which one matters little, a dropped chain is validated again.
      var it = validated.keySet().iterator();
      if (it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    validated.put(key, window);
  }

  /**
   * The time during which a validated chain stays valid: the intersection of the validity periods of
   * the certificates that make its path. For a chain out of order, every certificate that is not
   * itself trusted counts, which is never longer than the path's.
   */
  private Window window(List<X509Certificate> chain) {
    List<X509Certificate> path = orderedPath(chain);
    if (path == null) {
      path = chain.stream().filter(c -> !isTrusted(c)).toList();
    }
    if (path.isEmpty()) {
      path = chain.subList(0, 1);
    }
    long notBefore = Long.MIN_VALUE;
    long notAfter = Long.MAX_VALUE;
    for (X509Certificate c : path) {
      notBefore = Math.max(notBefore, c.getNotBefore().getTime());
      notAfter = Math.min(notAfter, c.getNotAfter().getTime());
    }
    return new Window(notBefore, notAfter);
  }

  /** When a validated chain is valid, in epoch milliseconds, both ends included. */
  private record Window(long notBefore, long notAfter) {
    boolean covers(long now) {
      return notBefore <= now && now <= notAfter;
    }
  }

  /**
   * A chain by its certificates' encoded bytes. The hash covers the last bytes of each certificate,
   * which hold its signature value, so computing it does not read whole certificates; equality
   * compares every byte.
   */
  private static final class ChainKey {
    private static final int HASHED_TAIL = 32;
    private final byte[][] der;
    private final int hash;

    private ChainKey(byte[][] der) {
      this.der = der;
      int h = der.length;
      for (byte[] d : der) {
        int from = Math.max(0, d.length - HASHED_TAIL);
        for (int i = from; i < d.length; i++) {
          h = 31 * h + d[i];
        }
        h = 31 * h + d.length;
      }
      this.hash = h;
    }

    static @Nullable ChainKey of(List<X509Certificate> chain) {
      byte[][] der = new byte[chain.size()][];
      for (int i = 0; i < der.length; i++) {
        try {
          der[i] = chain.get(i).getEncoded();
        } catch (CertificateEncodingException e) {
          return null;
        }
      }
      return new ChainKey(der);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ChainKey k && k.hash == hash && Arrays.deepEquals(k.der, der);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Returns the chain up to (not including) its first trusted certificate, or {@code null} when the
   * chain is not in issuer order.
   */
  private @Nullable List<X509Certificate> orderedPath(List<X509Certificate> chain) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate cert = chain.get(i);
      if (i > 0 && !cert.getSubjectX500Principal().equals(
          chain.get(i - 1).getIssuerX500Principal())) {
        return null;
      }
      if (isTrusted(cert)) {
        return chain.subList(0, i);
      }
    }
    return chain;
  }

  /** Finds a path through the certificates of a chain that is not in issuer order. */
  private @Nullable Failure build(List<X509Certificate> chain, Date now,
      boolean revocation) {
    X509Certificate leaf = chain.get(0);
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.addCertStore(CertStore.getInstance("Collection",
          new CollectionCertStoreParameters(chain)));
      params.setDate(now);
      CertPathBuilder builder = CertPathBuilder.getInstance("PKIX");
      revocation(params, builder.getRevocationChecker(), revocation);
      builder.build(params);
      return null;
    } catch (GeneralSecurityException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof CertPathValidatorException v) {
          Failure revoked = revocationFailure(v, chain);
          if (revoked != null) {
            return revoked;
          }
        }
      }
      // The builder does not say why no path was found; the leaf's own dates are the likely cause.
      Failure dates = checkDates(leaf, 0, now);
      return dates != null ? dates : noTrustAnchor(chain);
    }
  }

  /**
   * Sets revocation checking up. The JDK's default checker (revocation merely enabled) asks OCSP
   * only when the {@code ocsp.enable} security property is set and fetches CRLs only with the
   * {@code com.sun.security.enableCRLDP} system property; an explicit {@link PKIXRevocationChecker}
   * uses OCSP, then CRLs from the distribution points, whatever those properties say.
   */
  private static void revocation(PKIXParameters params, CertPathChecker checker,
      boolean revocation) {
    params.setRevocationEnabled(revocation);
    if (revocation) {
      params.addCertPathChecker((PKIXRevocationChecker) checker);
    }
  }

  private static @Nullable Failure revocationFailure(CertPathValidatorException e,
      List<X509Certificate> path) {
    int index = e.getIndex() >= 0 && e.getIndex() < path.size() ? e.getIndex() : 0;
    if (e.getReason() == BasicReason.REVOKED) {
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED,
          "certificate-revoked", describe(path.get(index), index) + " is revoked");
    }
    if (e.getReason() == BasicReason.UNDETERMINED_REVOCATION_STATUS) {
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED,
          "revocation-status-unknown", "the revocation status of " + describe(path.get(index), index)
              + " could not be determined (revocation checking fails closed): "
              + Text.quote(String.valueOf(e.getMessage())));
    }
    return null;
  }

  private static @Nullable Failure checkDates(X509Certificate cert, int index, Date now) {
    if (now.after(cert.getNotAfter())) {
      return new Failure(ResultType.CERTIFICATE_EXPIRED, "certificate-expired",
          describe(cert, index) + " expired at " + cert.getNotAfter().toInstant());
    }
    if (now.before(cert.getNotBefore())) {
      return new Failure(ResultType.VALIDATION_FAILURE,
          "certificate-not-yet-valid",
          describe(cert, index) + " is not valid before " + cert.getNotBefore().toInstant());
    }
    return null;
  }

  /**
   * The JDK's TLS trust manager refuses a server certificate whose extended key usage leaves out
   * server authentication; this verifier replaces that trust manager inside the handshake, so it
   * must refuse it too. PKIX path validation alone does not look at the extended key usage.
   */
  private static @Nullable Failure checkPurpose(X509Certificate leaf) {
    List<String> purposes;
    try {
      purposes = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return new Failure(ResultType.VALIDATION_FAILURE, "certificate-purpose",
          "the extended key usage of the certificate cannot be parsed");
    }
    if (purposes == null || purposes.contains(SERVER_AUTH) || purposes.contains(ANY_PURPOSE)) {
      return null;
    }
    return new Failure(ResultType.VALIDATION_FAILURE, "certificate-purpose",
        "the certificate is not for TLS server authentication (its extended key usage leaves out "
            + SERVER_AUTH + ")");
  }

  private static Failure noTrustAnchor(List<X509Certificate> path) {
    X509Certificate last = path.get(path.size() - 1);
    if (path.size() == 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
      return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "self-signed",
          "the certificate is self-signed and not trusted");
    }
    return new Failure(ResultType.CERTIFICATE_NOT_TRUSTED, "no-trust-anchor",
        "the chain does not lead to a trusted root (unknown issuer "
            + Text.quote(last.getIssuerX500Principal().getName())
            + ", or an intermediate certificate is missing)");
  }

  private static String describe(X509Certificate cert, int index) {
    return index == 0 ? "the certificate"
        : "the CA certificate " + Text.quote(cert.getSubjectX500Principal().getName())
            + " (position " + index + " of the chain)";
  }

  private boolean isTrusted(X509Certificate cert) {
    Set<PublicKey> keys = anchorKeys.get(cert.getSubjectX500Principal());
    return keys != null && keys.contains(cert.getPublicKey());
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
    private int validationCacheSize = DEFAULT_VALIDATION_CACHE_SIZE;

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
     * Turns revocation checking on or off; off by default, as RFC 8461 section 4.2 leaves it
     * optional. When on, the JDK's {@link PKIXRevocationChecker} checks every certificate of the
     * chain: OCSP first, at the responder the certificate names, then the CRLs of its distribution
     * points. Those requests go over the network while {@link #build() the verifier} checks a
     * session, so a check can take as long as the responders do (the JDK's {@code
     * com.sun.security.ocsp.timeout} and {@code com.sun.security.crl.timeout} bound them). It fails
     * closed: a certificate whose status cannot be determined (no responder, no CRL, none
     * reachable) fails as {@code certificate-not-trusted} with the reason code {@code
     * revocation-status-unknown}, and a revoked one with {@code certificate-revoked}.
     *
     * @param enabled whether to check revocation
     * @return this builder
     */
    public Builder revocationChecking(boolean enabled) {
      this.revocation = enabled;
      return this;
    }

    /**
     * Sets how many successfully validated chains the verifier remembers; {@value
     * CertificateVerifier#DEFAULT_VALIDATION_CACHE_SIZE} by default, 0 to remember none. A remembered chain (the same
     * certificates, byte for byte) skips the PKIX path validation, and with it the signature
     * checks, for as long as the clock stays within the validity periods of its certificates; the
     * extended key usage, the host name and the TLS version are checked every time. With
     * revocation checking on nothing is remembered, since a certificate can be revoked at any time.
     *
     * <p>The JDK keeps a few hundred recently decoded certificates with their signature checks
     * (softly, so a busy heap drops them); this cache is what keeps the cost of a chain seen before
     * at a few microseconds for an MTA that talks to more MX hosts than that.
     *
     * @param chains the number of chains, 0 or more
     * @return this builder
     */
    public Builder validationCacheSize(int chains) {
      if (chains < 0) {
        throw new IllegalArgumentException("the cache size must be 0 or more");
      }
      this.validationCacheSize = chains;
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
