package dev.mtasts.james.internal;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.james.MtaStsJames;
import dev.mtasts.james.MtaStsRefusal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS part of one SMTP connection made by an MTA-STS transport, shared by the javax.mail
 * (James 3.8) and Jakarta Mail (James 3.9+) adapters: all they do is call {@link #beforeConnect}
 * and {@link #afterConnect} around the mail library's own connect, and {@link #beforeMailFrom}
 * before sending.
 *
 * <p>James connects to an MX host before it hands the transport the recipients, so the recipient
 * domain, and with it the policy, is known only when the message is sent. The connection therefore
 * runs like this:
 *
 * <ol>
 *   <li>connect: the mail library says EHLO and, when the host offers it, STARTTLS through this
 *       class's socket factory: a fresh {@code SSLContext} per connection (no session resumption),
 *       SNI set to the MX host name and TLS 1.2 or newer ({@link MtaSts#sslParameters}). The
 *       handshake accepts any certificate and keeps the session: without a known policy it must
 *       not fail (opportunistic TLS, as without MTA-STS);
 *   <li>before {@code MAIL FROM}: the policy of the recipient domain is looked up and the host
 *       decided on, with the same checks as the library's trust manager ({@link
 *       PolicyLookup#verify(String, javax.net.ssl.SSLSession, SessionDetails)}): an MX the
 *       {@code enforce} policy does not list, a missing STARTTLS, or a certificate that fails
 *       (untrusted chain, a name that is not the MX host, expired, TLS below 1.2) is refused with
 *       an {@link MtaStsRefusal}, so nothing of the envelope or the message reaches the host;
 *       {@code testing} delivers and reports; no policy delivers.
 * </ol>
 *
 * <p>Every decision goes to the facade's verdict listener and TLS-RPT collector. A message that is
 * itself a TLS-RPT report ({@code multipart/report; report-type=tlsrpt} with a {@code
 * TLS-Report-Domain} field) is never refused and not counted (RFC 8460 section 5.3.1). Recipients
 * of more than one domain (James's gateway mode, which sends everything to a smart host) pass
 * without MTA-STS, as does a recipient that is not at a domain name.
 *
 * <p>This class and {@link MtaStsJames} are the only ones that call the library. Not thread-safe:
 * one instance per transport, as a transport is used by one thread at a time.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final ThreadLocal<ConnectionGuard> CONNECTING = new ThreadLocal<>();
  private static final SSLSocketFactory SOCKET_FACTORY = new GuardSocketFactory();
  private static final int MAX_HELO = 255;

  private final Supplier<MtaStsJames> shared;
  private String mxHost = "";
  private SSLSocket tlsSocket;
  private String decidedDomain;
  private Optional<MtaStsRefusal> decision = Optional.empty();

  /** Creates the guard of a transport that uses the {@linkplain MtaStsJames#shared() shared} facade. */
  public ConnectionGuard() {
    this(MtaStsJames::shared);
  }

  ConnectionGuard(Supplier<MtaStsJames> shared) {
    this.shared = shared;
  }

  /**
   * Prepares a connection: to be called by the transport's {@code protocolConnect} before the mail
   * library connects. Puts this class's STARTTLS socket factory into the session properties (an
   * object, replacing any {@code mail.smtp.ssl.trust} or other factory for this connection),
   * allows TLS 1.2 and 1.3 only, and turns the mail library's own host name check off: the RFC
   * 8461 check is made here.
   *
   * @param sessionProperties the session's properties ({@code Session.getProperties()})
   * @param host the host the transport connects to: the MX host name when James connects by name
   * @param propertyPrefix the transport's property prefix, {@code mail.smtp}
   */
  public void beforeConnect(Properties sessionProperties, String host, String propertyPrefix) {
    this.mxHost = host == null ? "" : stripDot(host.toLowerCase(Locale.ROOT));
    this.tlsSocket = null;
    this.decidedDomain = null;
    sessionProperties.put(propertyPrefix + ".ssl.socketFactory", SOCKET_FACTORY);
    sessionProperties.put(propertyPrefix + ".ssl.checkserveridentity", "false");
    // The mail library would otherwise replace the socket's protocols with this property's value.
    sessionProperties.put(propertyPrefix + ".ssl.protocols", "TLSv1.3 TLSv1.2");
    CONNECTING.set(this);
  }

  /** Ends the connect phase; to be called in a {@code finally} after the mail library connected. */
  public void afterConnect() {
    CONNECTING.remove();
  }

  /** The message as far as this class reads it: its header fields. */
  @FunctionalInterface
  public interface Headers {
    /**
     * Returns the values of a header field.
     *
     * @param name the field name
     * @return the values, or {@code null} when the field is absent (as the mail APIs return it)
     * @throws Exception when the message cannot be read
     */
    String[] get(String name) throws Exception;
  }

  /**
   * Decides on the connection before {@code MAIL FROM}: to be called by the transport's {@code
   * sendMessage} before the mail library sends anything.
   *
   * @param recipients the envelope recipients, as addresses ({@code local@domain})
   * @param headers the message's header fields
   * @param tls whether the connection is encrypted (STARTTLS succeeded)
   * @param lastServerResponse the server's last response (the EHLO response after connecting)
   * @return the refusal to throw (nested in a {@code MessagingException}), or empty to send
   */
  public Optional<MtaStsRefusal> beforeMailFrom(List<String> recipients, Headers headers,
      boolean tls, String lastServerResponse) {
    Set<String> domains = new TreeSet<>();
    for (String r : recipients) {
      int at = r.lastIndexOf('@');
      domains.add(at < 0 ? "" : stripDot(r.substring(at + 1).toLowerCase(Locale.ROOT)));
    }
    if (domains.size() != 1 || domains.contains("")) {
      LOG.debug("MTA-STS: recipients of {} domains, sent without MTA-STS (gateway mode)",
          domains.size());
      return Optional.empty();
    }
    String domain = domains.iterator().next();
    if (domain.equals(decidedDomain)) {
      // James sends once per group of DSN options on the same connection: one session, one verdict.
      return decision;
    }
    decision = decide(domain, headers, tls, lastServerResponse);
    decidedDomain = domain;
    return decision;
  }

  private Optional<MtaStsRefusal> decide(String domain, Headers headers, boolean tls,
      String lastServerResponse) {
    PolicyLookup lookup;
    try {
      Optional<PolicyLookup> found = MxFilter.lookup(shared, domain);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      lookup = found.get();
    } catch (MxFilter.Deferral e) {
      return Optional.of(new MtaStsRefusal(e.getMessage()));
    }
    SessionDetails details = details(lastServerResponse);
    if (isTlsReport(headers)) {
      details = details.asTlsReportDelivery();
    }
    String host = mxHost;
    // Each check below refuses an MX host the policy does not list first (mx-not-in-policy).
    Verdict verdict;
    if (!tls) {
      verdict = lookup.starttlsNotSupported(host, details);
    } else if (tlsSocket == null) {
      verdict = lookup.handshakeFailed(host,
          "the TLS session was not made through the MTA-STS socket factory", details);
    } else {
      verdict = lookup.verify(host, tlsSocket.getSession(), details);
    }
    if (verdict instanceof Verdict.Refuse refuse) {
      String hint = host.isEmpty() || Character.isDigit(host.charAt(host.length() - 1))
          ? " (James connected by address: set verifyServerIdentity to true)" : "";
      String message = "MTA-STS: " + lookup.domain() + " (enforce) refuses MX " + safe(host) + ": "
          + refuse.failure().resultType().token() + ", " + refuse.failure().detail() + hint
          + "; trying the next MX, else the mail stays queued";
      LOG.warn(message);
      return Optional.of(new MtaStsRefusal(message));
    }
    if (verdict instanceof Verdict.DeliverAndReport report) {
      LOG.info("MTA-STS: {} ({}) MX {} failed and is used anyway: {}, {}", lookup.domain(),
          details.tlsReportDelivery() ? "TLS-RPT report" : "testing", safe(host),
          report.failure().resultType().token(), report.failure().detail());
    }
    return Optional.empty();
  }

  private SessionDetails details(String lastServerResponse) {
    SessionDetails details = SessionDetails.NONE;
    SSLSocket socket = tlsSocket;
    if (socket != null) {
      InetAddress local = socket.getLocalAddress();
      InetAddress remote = socket.getInetAddress();
      if (local != null && remote != null) {
        details = SessionDetails.of(local, remote);
      }
    }
    Optional<String> helo = helo(lastServerResponse);
    return helo.isPresent() ? details.withHelo(helo.get()) : details;
  }

  /** The host name of an EHLO response's first line: {@code 250-name text} or {@code 250 name}. */
  static Optional<String> helo(String response) {
    if (response == null || response.length() < 5 || !response.startsWith("250")) {
      return Optional.empty();
    }
    String line = response.substring(4);
    int end = 0;
    while (end < line.length() && end < MAX_HELO && line.charAt(end) > ' '
        && line.charAt(end) < 0x7f) {
      end++;
    }
    return end == 0 ? Optional.empty() : Optional.of(line.substring(0, end));
  }

  static boolean isTlsReport(Headers headers) {
    try {
      String[] domain = headers.get("TLS-Report-Domain");
      String[] type = headers.get("Content-Type");
      if (domain == null || domain.length == 0 || type == null || type.length == 0) {
        return false;
      }
      String t = type[0].toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
      return t.startsWith("multipart/report;") && (t.contains("report-type=\"tlsrpt\"")
          || t.contains("report-type=tlsrpt;") || t.endsWith("report-type=tlsrpt"));
    } catch (Exception e) {
      return false;
    }
  }

  /** A host name for a log line: anything but letters, digits, dots and hyphens becomes '?'. */
  static String safe(String host) {
    StringBuilder b = new StringBuilder(Math.min(host.length(), MAX_HELO));
    for (int i = 0; i < host.length() && i < MAX_HELO; i++) {
      char c = host.charAt(i);
      b.append(c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-') ? c : '?');
    }
    return b.toString();
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private SSLParameters sslParameters() {
    try {
      return shared.get().mtaSts().sslParameters(mxHost);
    } catch (RuntimeException e) {
      // Not a host name (James connected by address), or no facade: no SNI, still TLS 1.2+.
      SSLParameters params = new SSLParameters();
      params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      return params;
    }
  }

  /**
   * Makes the STARTTLS socket of the connection the current thread is making: a fresh context with
   * a trust manager that accepts the handshake (the decision comes before {@code MAIL FROM}). A
   * socket asked for outside an MTA-STS connect gets the JDK's default factory.
   */
  private static final class GuardSocketFactory extends SSLSocketFactory {
    private static SSLSocketFactory defaults() {
      return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      ConnectionGuard guard = CONNECTING.get();
      if (guard == null) {
        return defaults().createSocket(s, host, port, autoClose);
      }
      SSLContext context;
      try {
        context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptingTrustManager()}, null);
      } catch (GeneralSecurityException e) {
        throw new IOException("no TLS in this JVM", e);
      }
      SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(s, host, port, autoClose);
      ssl.setSSLParameters(guard.sslParameters());
      guard.tlsSocket = ssl;
      return ssl;
    }

    @Override
    public Socket createSocket() throws IOException {
      return defaults().createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return defaults().createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return defaults().createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return defaults().createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return defaults().createSocket(address, port, localAddress, localPort);
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return defaults().getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return defaults().getSupportedCipherSuites();
    }
  }

  /**
   * Lets the handshake complete whatever the certificate: the policy is not known yet, and the
   * session is checked before {@code MAIL FROM}.
   */
  private static final class AcceptingTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
