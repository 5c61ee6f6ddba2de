package dev.mtasts.cli;

import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.postfix.DaemonConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of every command that goes to the network ({@code check}, {@code resolve}, {@code
 * cache refresh}): DNS servers, extra trusted CAs, the time limit, and the test-only policy port.
 */
final class NetworkOptions {

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(
      names = "--dns",
      paramLabel = "HOST[:PORT]",
      description = "Ask this recursive DNS server (an address, or [IPv6]:PORT; port 53 by"
          + " default) instead of the system's resolvers. Repeatable: asked in order.")
  private List<String> dnsServers = new ArrayList<>();

  @Option(
      names = "--trust-pem",
      paramLabel = "FILE",
      description = "Also trust the CA certificates in this PEM file for the policy fetch, in"
          + " addition to the JDK's trusted roots.")
  private Path trustPem;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long each DNS lookup, the policy fetch and (check) the SMTP conversation"
          + " with each MX host may take, for example 500ms, 10s or 1m (default ${DEFAULT-VALUE}).")
  private String timeout = "10s";

  /** For tests only: RFC 8461 policy hosts are always on port 443. */
  @Option(names = "--policy-port", paramLabel = "PORT", hidden = true)
  private Integer policyPort;

  /**
   * The network clients built from the options.
   *
   * @param dns the DNS client
   * @param fetcher the policy fetcher
   * @param timeout the time limit of each lookup ({@code --timeout})
   * @param trustStore the JDK's roots and the {@code --trust-pem} certificates; null without
   *     {@code --trust-pem} (the JDK's roots only)
   */
  record Network(DnsjavaClient dns, HttpsPolicyFetcher fetcher, Duration timeout,
      @Nullable KeyStore trustStore) {
    PolicyDiscoverer discoverer() {
      return PolicyDiscoverer.builder(dns, fetcher).build();
    }
  }

  /** The {@code --trust-pem} file could not be read; the message is safe to print. */
  static final class UnreadableFileException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableFileException(String message) {
      super(message);
    }
  }

  /**
   * Builds the DNS client and the policy fetcher the options describe.
   *
   * @return the clients
   * @throws ParameterException when an option value is not valid (a usage error)
   * @throws UnreadableFileException when the {@code --trust-pem} file cannot be read
   */
  Network build() throws UnreadableFileException {
    Duration limit = parseTimeout(timeout).orElseThrow(() -> new ParameterException(
        spec.commandLine(), "--timeout '" + Terminal.safe(timeout) + "' is not a duration from"
            + " 1ms to 10m; write for example 500ms, 10s or 1m"));
    DnsjavaClient.Builder dns = DnsjavaClient.builder()
        .timeout(limit.compareTo(DnsjavaClient.DEFAULT_TIMEOUT) < 0
            ? limit : DnsjavaClient.DEFAULT_TIMEOUT)
        .deadline(limit);
    for (String server : dnsServers) {
      dns.server(parseDns(server).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "--dns '" + Terminal.safe(server) + "' is not HOST, HOST:PORT or [IPv6]:PORT of a"
              + " DNS server that can be found")));
    }
    HttpsPolicyFetcher.Builder fetcher = HttpsPolicyFetcher.builder()
        .connectTimeout(limit)
        .deadline(limit);
    if (policyPort != null) {
      if (policyPort < 1 || policyPort > 65535) {
        throw new ParameterException(spec.commandLine(), "--policy-port must be 1 to 65535");
      }
      fetcher.port(policyPort);
    }
    KeyStore trusted = null;
    if (trustPem != null) {
      String name = "cannot read --trust-pem " + Terminal.safe(trustPem.toString()) + ": ";
      byte[] pem;
      try {
        pem = InputFile.readAtMost(trustPem, InputFile.MAX_PEM_BYTES);
      } catch (InputFile.UnreadableException e) {
        throw new UnreadableFileException(name + e.getMessage());
      }
      if (pem.length > InputFile.MAX_PEM_BYTES) {
        throw new UnreadableFileException(name + "it is larger than "
            + (InputFile.MAX_PEM_BYTES >> 20) + " MiB; give a file of PEM CA certificates");
      }
      try {
        // Latin-1 maps every byte to one character, so text around the PEM blocks never fails.
        trusted = trustStore(new String(pem, StandardCharsets.ISO_8859_1));
        fetcher.trustStore(trusted);
      } catch (IllegalArgumentException e) {
        throw new UnreadableFileException(name + Terminal.safe(String.valueOf(e.getMessage())));
      }
    }
    return new Network(dns.build(), fetcher.build(), limit, trusted);
  }

  /**
   * Parses a DNS server: an IPv4 or IPv6 address or a host name, with an optional port; an IPv6
   * address with a port is written in brackets.
   *
   * @param text for example {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code ::1}, {@code ns.local}
   * @return the resolved address, or empty when the text is not valid or the host is unknown
   */
  static Optional<InetSocketAddress> parseDns(String text) {
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Optional.empty();
        }
        port = port(rest.substring(1));
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = port(text.substring(text.indexOf(':') + 1));
    }
    if (port < 0 || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  private static int port(String text) {
    if (!text.matches("\\d{1,5}")) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port >= 1 && port <= 65535 ? port : -1;
  }

  /**
   * Parses a duration: a whole number with {@code ms}, {@code s} or {@code m}, or ISO-8601 ({@code
   * PT10S}), from 1 ms to 10 minutes.
   *
   * @param text the option value
   * @return the duration, or empty when it is not valid or out of range
   */
  static Optional<Duration> parseTimeout(String text) {
    return DaemonConfig.parseDuration(text);
  }

  /**
   * Builds one trust store holding the JDK's trusted roots and the CA certificates of a PEM text,
   * so that the policy host may chain to either.
   *
   * @param pem one or more {@code -----BEGIN CERTIFICATE-----} blocks
   * @return the trust store
   * @throws IllegalArgumentException when the text holds no certificate or one that cannot be read
   */
  static KeyStore trustStore(String pem) {
    try {
      Collection<? extends Certificate> extra = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(
              pem.getBytes(StandardCharsets.ISO_8859_1)));
      if (extra.isEmpty()) {
        throw new IllegalArgumentException("the file holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init((KeyStore) null);
      int i = 0;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          for (X509Certificate root : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + i++, root);
          }
        }
      }
      i = 0;
      for (Certificate c : extra) {
        store.setCertificateEntry("trust-pem-" + i++, c);
      }
      return store;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate file: " + e.getMessage(), e);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the trust store", e);
    }
  }
}
