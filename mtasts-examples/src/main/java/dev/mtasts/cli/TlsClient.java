package dev.mtasts.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS client side of the probes of {@code mtasts check}: a handshake as a sender makes it (SNI
 * set to the host name, TLS 1.2 or newer, RFC 8461 section 7.1), which lets any certificate through
 * so that the session can be looked at afterwards. The certificate is then judged by the library's
 * {@link dev.mtasts.tls.CertificateVerifier}, exactly as a sender's trust manager judges it; nothing
 * is sent over a session before that.
 */
final class TlsClient {
  private TlsClient() {}

  /**
   * Runs a TLS handshake over a connected socket.
   *
   * @param plain the connected socket; closed with the TLS socket
   * @param host the server's host name, for SNI
   * @return the TLS socket after its handshake
   * @throws IOException when the handshake fails
   */
  static SSLSocket handshake(Socket plain, String host) throws IOException {
    SSLSocket ssl = (SSLSocket) context().getSocketFactory()
        .createSocket(plain, host, plain.getPort(), true);
    SSLParameters params = ssl.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(host)));
    params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    params.setEndpointIdentificationAlgorithm(null);
    ssl.setSSLParameters(params);
    ssl.setUseClientMode(true);
    ssl.startHandshake();
    return ssl;
  }

  /**
   * What a TLS server presented.
   *
   * @param chain its certificates, leaf first
   * @param protocol the negotiated protocol
   */
  record Peek(List<X509Certificate> chain, String protocol) {
    Peek {
      chain = List.copyOf(chain);
    }
  }

  /**
   * Connects to a TLS server (HTTPS), runs the handshake and closes the connection, to see the
   * certificates it presents.
   *
   * @param host the server's host name
   * @param port its port
   * @param timeout the time limit of the connection and of the handshake
   * @return what it presented
   * @throws IOException when no handshake could be made
   */
  static Peek peek(String host, int port, Duration timeout) throws IOException {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    Socket plain = new Socket();
    try (plain) {
      plain.connect(new InetSocketAddress(host, port), millis);
      plain.setSoTimeout(millis);
      try (SSLSocket ssl = handshake(plain, host)) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : ssl.getSession().getPeerCertificates()) {
          if (c instanceof X509Certificate x509) {
            chain.add(x509);
          }
        }
        return new Peek(chain, ssl.getSession().getProtocol());
      }
    }
  }

  /** A context of its own for each connection, so no session is resumed without a certificate. */
  private static SSLContext context() throws IOException {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new Accepting()}, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS is not available in this JVM: " + e.getMessage(), e);
    }
  }

  /** Lets every server certificate through; the verifier judges the session afterwards. */
  private static final class Accepting extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // judged after the handshake
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // judged after the handshake
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // judged after the handshake
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a client-side trust manager only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a client-side trust manager only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a client-side trust manager only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
