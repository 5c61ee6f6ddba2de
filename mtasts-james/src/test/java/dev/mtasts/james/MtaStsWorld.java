package dev.mtasts.james;

import dev.mtasts.store.FilePolicyStore;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.Verdict;
import dev.mtasts.decision.VerdictEvent;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.ReportEndpoint;
import dev.mtasts.testkit.SamplePolicies;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.tlsrpt.HttpsReportSender;
import dev.mtasts.tlsrpt.TlsRptCollector;
import dev.mtasts.tlsrpt.TlsRptDiscoverer;
import dev.mtasts.tlsrpt.TlsRptReporter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The network of a James test, all on loopback: an authoritative DNS server with the {@code
 * _mta-sts} and {@code _smtp._tls} records of {@value #DOMAIN}, its HTTPS policy host, an HTTPS
 * {@code rua} endpoint, and a test CA that issues the MX hosts' certificates (names from this
 * module's hosts file). {@link #install(Path)} builds the shared {@link MtaSts} the way a James
 * server has it (the policy cache of mtasts-cache over a file store, a TLS-RPT collector) and
 * installs it for the transports.
 */
final class MtaStsWorld implements AutoCloseable {
  static final String DOMAIN = "james.example.test";
  static final String MX1 = "mx1." + DOMAIN;
  static final String MX2 = "mx2." + DOMAIN;
  static final String UNLISTED = "mx.elsewhere.example.test";
  static final String RECIPIENT = "rcpt@" + DOMAIN;
  static final Instant NOW = Instant.parse("2026-05-01T09:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 5, 1);

  final TestCertificateAuthority ca = TestCertificateAuthority.create();
  final LoopbackDnsServer dns;
  final PolicyHost policyHost;
  final ReportEndpoint rua;
  final DnsClient dnsClient;
  final TestClock clock = new TestClock(NOW);
  final List<VerdictEvent> heard = new CopyOnWriteArrayList<>();
  TlsRptCollector collector;

  MtaStsWorld() throws IOException {
    dns = LoopbackDnsServer.start();
    policyHost = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
    rua = ReportEndpoint.start(ca.issue("localhost"));
    dns.txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=" + rua.uri("/tlsrpt"));
    dnsClient = DnsjavaClient.builder().server(dns.address()).timeout(Duration.ofMillis(500))
        .cache(false).build();
  }

  /** Publishes an enforce policy (mx1, mx2, *.backup) under a new id. */
  void enforce() {
    publish(SamplePolicies.enforce(DOMAIN));
  }

  /** Publishes a testing policy with the same MX patterns. */
  void testing() {
    publish(SamplePolicies.testing(DOMAIN));
  }

  /** Removes the {@code _mta-sts} record: the domain has no policy. */
  void noPolicy() {
    dns.remove("_mta-sts." + DOMAIN);
  }

  /** Announces a new policy id, so that the cache tries to fetch the policy again. */
  void newPolicyId() {
    dns.remove("_mta-sts." + DOMAIN);
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=" + System.nanoTime());
  }

  private void publish(byte[] policy) {
    policyHost.reset();
    policyHost.body(policy);
    newPolicyId();
  }

  /** A server with a certificate for its own name from the test CA. */
  SmtpServer good(String host) {
    return SmtpServer.start(host, ca.issue(host).serverContext());
  }

  /** A server with a certificate for another name. */
  SmtpServer wrongName(String host) {
    return SmtpServer.start(host, ca.issue("www." + DOMAIN).serverContext());
  }

  /** A server with a certificate for its name from a CA nobody trusts. */
  SmtpServer untrusted(String host) {
    IssuedCertificate cert = ca.issueByUnknownAuthority(host);
    return SmtpServer.start(host, cert.serverContext());
  }

  /**
   * Builds the shared MTA-STS of a James server and installs it for the transports.
   *
   * @param storeDir the directory of the policy cache
   */
  void install(Path storeDir) throws IOException {
    install(storeDir, false);
  }

  /**
   * Builds and installs the shared MTA-STS, choosing what a failed {@code _mta-sts} lookup does.
   *
   * @param storeDir the directory of the policy cache
   * @param deferWhenUnavailable whether a failed lookup with nothing cached defers the mail
   */
  void install(Path storeDir, boolean deferWhenUnavailable) throws IOException {
    collector = TlsRptCollector.builder().clock(clock).build();
    heard.clear();
    MtaSts mtaSts = MtaSts.builder().dnsClient(dnsClient).trustStore(ca.trustStore())
        .policyHostPort(policyHost.port())
        .store(FilePolicyStore.builder(storeDir).build())
        .cache(c -> c.idCheckInterval(Duration.ZERO, Duration.ZERO).proactiveRefresh(Duration.ZERO))
        .listener(heard::add)
        .listener(collector)
        .deferWhenUnavailable(deferWhenUnavailable)
        .build();
    MtaStsJames.install(MtaStsJames.of(mtaSts, collector, mtaSts));
  }

  /** A reporter that sends the collector's counts of {@link #TODAY} to the rua endpoint. */
  TlsRptReporter reporter() throws IOException {
    return TlsRptReporter.builder()
        .collector(collector)
        .discoverer(new TlsRptDiscoverer(dnsClient))
        .organizationName("James Test")
        .contactInfo("tlsrpt@origin.example.test")
        .https(HttpsReportSender.builder().sslContext(ca.sslContext()).build())
        .clock(clock)
        .maxDelay(Duration.ZERO)
        .build();
  }

  /** The first refusal heard for one MX host; fails when there is none. */
  Verdict.Refuse refused(String host) {
    return verdictsFor(host).stream().filter(v -> v instanceof Verdict.Refuse)
        .map(Verdict.Refuse.class::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no refusal of " + host + ": " + heard));
  }

  /** The verdicts heard for one MX host. */
  List<Verdict> verdictsFor(String host) {
    return heard.stream().filter(e -> e.mxHost().equals(host)).map(VerdictEvent::verdict).toList();
  }

  @Override
  public void close() {
    MtaStsJames.uninstall();
    rua.close();
    policyHost.close();
    dns.close();
  }
}
