package dev.mtasts.decision;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A JSSE trust manager bound to one MX host and one {@link PolicyLookup}: the MTA-STS check runs
 * inside the MTA's own handshake. Under {@code enforce} a failing host fails the handshake with a
 * {@link CertificateException}; under {@code testing} it proceeds and the failure goes to the
 * verdict listener; without an applied policy every certificate is accepted (opportunistic TLS).
 *
 * <p>Because it receives the socket or engine, it works where a mail library replaces the endpoint
 * identification setting after its socket factory ran (Angus Mail does). It reads the negotiated
 * protocol from the socket's or engine's handshake session; called without either, it cannot, and
 * the check fails as {@code tls-version}. Thread-safe; meant for the handshakes of one connection, in
 * an {@code SSLContext} of its own (a resumed session skips the trust manager).
 *
 * <pre>{@code
 * MtaStsTrustManager trust = mtaSts.trustManager(lookup, "mx1.example.com");
 * SSLContext tls = SSLContext.getInstance("TLS");
 * tls.init(null, new TrustManager[] {trust}, null);
 * // ... STARTTLS and the handshake with tls; then:
 * Verdict verdict = trust.verdict().orElseThrow();   // Deliver or DeliverAndReport once it succeeded
 * }</pre>
 */
public final class MtaStsTrustManager extends X509ExtendedTrustManager {
  private final PolicyLookup lookup;
  private final String mxHost;
  private final SessionDetails details;
  private final AtomicReference<Verdict> last = new AtomicReference<>();

  MtaStsTrustManager(PolicyLookup lookup, String mxHost, SessionDetails details) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.mxHost = Objects.requireNonNull(mxHost, "mxHost");
    this.details = Objects.requireNonNull(details, "details");
  }

  /**
   * Returns the verdict of the last handshake checked.
   *
   * @return the verdict, or empty when no handshake reached the certificate check
   */
  public Optional<Verdict> verdict() {
    return Optional.ofNullable(last.get());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    check(chain, session);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, null);
  }

  private void check(X509Certificate[] chain, SSLSession handshake) throws CertificateException {
    String protocol = handshake == null ? "unknown" : handshake.getProtocol();
    Verdict verdict = lookup.verify(mxHost, List.of(chain), protocol, Dane.NOT_USED, details);
    last.set(verdict);
    if (verdict instanceof Verdict.Refuse refuse) {
      throw new CertificateException("MTA-STS: " + refuse.failure().resultType() + ": "
          + refuse.failure().detail());
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
