package dev.mtasts.it;

import dev.mtasts.testkit.FixedPolicySource;
import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.MtaStsTrustManager;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicySource;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.Verdict;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** Real TLS handshakes on loopback between a test server and a client with the MTA-STS trust manager. */
final class Handshakes {
  static final String DOMAIN = "example.test";
  static final String MX = "mx1.example.test";

  private Handshakes() {}

  /** A facade whose source always answers {@code state}, recording every verdict. */
  static MtaSts facade(PolicyState state, TestCertificateAuthority ca, List<String> verdicts) {
    return MtaSts.builder().policySource(source(state)).trustStore(ca.trustStore())
        .listener(e -> verdicts.add(e.mxHost() + " " + e.verdict()))
        .build();
  }

  /** A policy source that always answers {@code state}. */
  static PolicySource source(PolicyState state) {
    return FixedPolicySource.of(state);
  }

  static PolicyState applied(Mode mode) {
    Policy policy = Policy.of(mode, Duration.ofDays(7),
        List.of(MxPattern.of(MX), MxPattern.of("*.backup." + DOMAIN)));
    return new PolicyState.Applied(DOMAIN, "1", policy, Instant.EPOCH, Optional.empty());
  }

  static PolicyState noPolicy() {
    return new PolicyState.NoPolicy(DOMAIN, "no record");
  }


  /** What the client saw. */
  record Result(Verdict verdict, Optional<Exception> failure, String protocol,
      List<SNIServerName> serverSawSni) {}

  /**
   * Runs one handshake: a server presenting {@code cert} (with {@code serverProtocols} when given),
   * and a client with the trust manager for {@code mxHost}, the facade's SSL parameters and, when
   * given, other client protocols.
   */
  static Result handshake(MtaSts mtaSts, IssuedCertificate cert, String mxHost,
      String[] serverProtocols, String[] clientProtocols) throws Exception {
    PolicyLookup lookup = mtaSts.lookup(DOMAIN);
    MtaStsTrustManager trust = mtaSts.trustManager(lookup, mxHost);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, new TrustManager[] {trust}, null);
    List<SNIServerName> sni = new CopyOnWriteArrayList<>();
    try (SSLServerSocket server = (SSLServerSocket) cert.serverContext().getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      if (serverProtocols != null) {
        server.setEnabledProtocols(serverProtocols);
      }
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.setSoTimeout(5000);
          s.startHandshake();
          sni.addAll(((ExtendedSSLSession) s.getSession()).getRequestedServerNames());
          s.getOutputStream().write('x');
          s.getOutputStream().flush();
          s.getInputStream().read();
        } catch (IOException e) {
          // the client refused the handshake
        }
      });
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
            5000);
        plain.setSoTimeout(5000);
        SSLSocket ssl = (SSLSocket) client.getSocketFactory()
            .createSocket(plain, mxHost, server.getLocalPort(), true);
        SSLParameters params = mtaSts.sslParameters(mxHost);
        if (clientProtocols != null) {
          params.setProtocols(clientProtocols);
        }
        ssl.setSSLParameters(params);
        try {
          ssl.startHandshake();
          InputStream in = ssl.getInputStream();
          in.read();
          String protocol = ssl.getSession().getProtocol();
          ssl.close();
          served.get();
          Verdict verdict = trust.afterHandshake();
          return new Result(verdict, Optional.empty(), protocol, List.copyOf(sni));
        } catch (IOException e) {
          served.get();
          return new Result(trust.afterHandshake(e), Optional.of(e), "", List.copyOf(sni));
        }
      }
    }
  }

  static String sniName(Result r) {
    return r.serverSawSni().isEmpty() ? "" : ((SNIHostName) r.serverSawSni().get(0)).getAsciiName();
  }
}
