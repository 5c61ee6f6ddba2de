package dev.mtasts.decision;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
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
 * <p>A handshake ends in one of three ways, and {@link #afterHandshake()} / {@link
 * #afterHandshake(Exception)} turn each into exactly one verdict, reported once: the trust manager
 * refused the host (the handshake threw; the verdict is the refusal), the handshake failed before
 * the certificate was checked (for example a server offering only TLS 1.1; reported as a failed
 * handshake), or it succeeded (the verdict delivers, and under {@code testing} reports).
 *
 * <p>A TLS-RPT report names the addresses of a failed session ({@code sending-mta-ip} and {@code
 * receiving-ip}, RFC 8460 section 4.4). Where the {@link SessionDetails} given leave an address out,
 * it is taken from the socket: its local and its remote address. An {@code SSLEngine} knows only the
 * peer it was created for, so there the receiving address is taken when that peer is an IP address
 * literal (never by resolving a name), and the sending address stays unknown.
 *
 * <pre>{@code
 * MtaStsTrustManager trust = mtaSts.trustManager(lookup, "mx1.example.com");
 * SSLContext tls = SSLContext.getInstance("TLS");
 * tls.init(null, new TrustManager[] {trust}, null);
 * Verdict verdict;
 * try {
 *   socket.startHandshake();                       // after STARTTLS, with mtaSts.sslParameters(mx)
 *   verdict = trust.afterHandshake();
 * } catch (IOException e) {
 *   verdict = trust.afterHandshake(e);             // Refuse under enforce
 * }
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
   * Returns the verdict of a handshake that completed. When the trust manager was not asked (a
   * resumed session skips it), nothing vouches for the certificate, and the session is decided as a
   * failed handshake.
   *
   * @return the verdict, reported once however often this is called
   */
  public Verdict afterHandshake() {
    return decided("the TLS session was resumed or its certificate was never checked");
  }

  /**
   * Returns the verdict of a handshake that failed: the trust manager's refusal when it refused the
   * host, otherwise the handshake failure (a protocol version or cipher the MX host does not offer,
   * a broken connection), reported as {@code validation-failure} / {@code tls-handshake-failed}.
   *
   * @param failure what the handshake threw
   * @return the verdict, reported once however often this is called
   */
  public Verdict afterHandshake(Exception failure) {
    Objects.requireNonNull(failure, "failure");
    return decided(String.valueOf(failure.getMessage()));
  }

  private Verdict decided(String reasonIfUnchecked) {
    Verdict v = last.get();
    if (v != null) {
      return v;
    }
    synchronized (this) {
      v = last.get();
      if (v == null) {
        v = lookup.handshakeFailed(mxHost, reasonIfUnchecked, details);
        last.set(v);
      }
      return v;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    check(chain, session, withAddresses(details, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine == null ? null : engine.getHandshakeSession(),
        withAddresses(details, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, null, details);
  }

  private void check(X509Certificate[] chain, SSLSession handshake, SessionDetails session)
      throws CertificateException {
    String protocol = handshake == null ? "unknown" : handshake.getProtocol();
    Verdict verdict = lookup.verify(mxHost, List.of(chain), protocol, Dane.NOT_USED, session);
    last.set(verdict);
    if (verdict instanceof Verdict.Refuse refuse) {
      throw new CertificateException("MTA-STS: " + refuse.failure().resultType() + ": "
          + refuse.failure().detail());
    }
  }

  /** The caller's details, with each address it left out taken from the connected socket. */
  static SessionDetails withAddresses(SessionDetails given, Socket socket) {
    if (socket == null || complete(given)) {
      return given;
    }
    return fill(given, usable(socket.getLocalAddress()), usable(socket.getInetAddress()));
  }

  /**
   * The caller's details, with the receiving address taken from the engine's peer when the caller
   * left it out and the peer is an IP address literal.
   */
  static SessionDetails withAddresses(SessionDetails given, SSLEngine engine) {
    if (engine == null || complete(given)) {
      return given;
    }
    return fill(given, null, usable(addressLiteral(engine.getPeerHost())));
  }

  private static boolean complete(SessionDetails given) {
    return given.sendingMtaIp().isPresent() && given.receivingIp().isPresent();
  }

  private static SessionDetails fill(SessionDetails given, InetAddress local, InetAddress remote) {
    Optional<InetAddress> sending = given.sendingMtaIp().isPresent() ? given.sendingMtaIp()
        : Optional.ofNullable(local);
    Optional<InetAddress> receiving = given.receivingIp().isPresent() ? given.receivingIp()
        : Optional.ofNullable(remote);
    return new SessionDetails(sending, receiving, given.receivingMxHelo(), given.tlsReportDelivery());
  }

  /** An address a report can name: not absent and not the wildcard of an unbound socket. */
  private static InetAddress usable(InetAddress address) {
    return address == null || address.isAnyLocalAddress() ? null : address;
  }

  /**
   * Parses an IPv4 or IPv6 address literal without any name lookup.
   *
   * @return the address, or {@code null} when the text is not an address literal
   */
  static InetAddress addressLiteral(String host) {
    if (host == null || host.isEmpty() || host.length() > 64) {
      return null;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
        : host;
    if (h.indexOf(':') >= 0) {
      for (int i = 0; i < h.length(); i++) {
        char c = h.charAt(i);
        if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
          return null;
        }
      }
      try {
        // Only hex digits, colons and dots: the JDK parses this as an IPv6 literal, no lookup.
        return InetAddress.getByName("[" + h + "]");
      } catch (UnknownHostException e) {
        return null;
      }
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
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
