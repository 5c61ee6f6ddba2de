package dev.mtasts.cli;

import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Option;

/** The options of every command that goes to the network: resolver, trust and time limits. */
final class NetworkOptions {
  @Option(names = "--dns", paramLabel = "HOST[:PORT]",
      description = "DNS resolver to ask (default: the system's resolvers).")
  String dns;

  @Option(names = "--trust-pem", paramLabel = "FILE",
      description = "PEM file of CA certificates to trust for policy hosts, in addition to the JDK's"
          + " trusted roots (for private test CAs).")
  Path trustPem;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Give up on DNS and HTTPS after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--policy-port", paramLabel = "PORT", hidden = true,
      description = "Fetch policies from this port instead of 443 (for tests only).")
  Integer policyPort;

  /**
   * Builds a discoverer from the options.
   *
   * @return the discoverer
   * @throws IllegalArgumentException when an option value is not usable; the message says why
   */
  PolicyDiscoverer discoverer() {
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    DnsjavaClient.Builder dnsBuilder = DnsjavaClient.builder().deadline(timeout);
    if (dns != null) {
      dnsBuilder.server(resolverAddress(dns));
    }
    HttpsPolicyFetcher.Builder fetch = HttpsPolicyFetcher.builder()
        .connectTimeout(timeout).deadline(timeout);
    if (trustPem != null) {
      fetch.trustStore(trustStoreWithJdkRoots(trustPem));
    }
    if (policyPort != null) {
      fetch.port(policyPort);
    }
    return new PolicyDiscoverer(dnsBuilder.build(), fetch.build());
  }

  static InetSocketAddress resolverAddress(String value) {
    String host = value;
    int port = 53;
    int colon = value.lastIndexOf(':');
    if (colon > 0 && value.indexOf(':') == colon) {
      host = value.substring(0, colon);
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--dns: the port is not a number");
      }
    } else if (value.startsWith("[") && value.contains("]:")) {
      host = value.substring(1, value.indexOf(']'));
      port = Integer.parseInt(value.substring(value.indexOf("]:") + 2));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--dns: the port must be 1..65535");
    }
    return new InetSocketAddress(host, port);
  }

  /** One trust store holding the JDK's trusted roots and the certificates of a PEM file. */
  static KeyStore trustStoreWithJdkRoots(Path pem) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      int n = 0;
      for (var tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            ks.setCertificateEntry("jdk-" + n++, c);
          }
        }
      }
      List<? extends Certificate> extra;
      try (InputStream in = Files.newInputStream(pem)) {
        extra = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      }
      if (extra.isEmpty()) {
        throw new IllegalArgumentException("--trust-pem: no certificate in " + pem);
      }
      for (Certificate c : extra) {
        ks.setCertificateEntry("extra-" + n++, c);
      }
      return ks;
    } catch (IOException e) {
      throw new IllegalArgumentException("--trust-pem: cannot read " + pem + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("--trust-pem: not PEM certificates: " + pem);
    }
  }
}
