package dev.mtasts.examples.relay;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.Verdict;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.SamplePolicies;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.tls.CertificateVerifier;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The world of one relay test, all on loopback: an authoritative DNS server, the HTTPS policy host
 * of {@value #DOMAIN} (names from the hosts file of this module), and a test CA trusted by the
 * verifier and the policy fetch.
 */
final class RelayFixture implements AutoCloseable {
  static final String DOMAIN = "relay.example.test";
  static final String MX1 = "mx1." + DOMAIN;
  static final String MX2 = "mx2." + DOMAIN;
  static final String UNLISTED = "mx.elsewhere.example.test";
  static final String RECIPIENT = "rcpt@" + DOMAIN;

  /** A verdict the listener heard. */
  record Heard(String host, Verdict verdict) {}

  final TestCertificateAuthority ca = TestCertificateAuthority.create();
  final LoopbackDnsServer dns;
  final PolicyHost policyHost;
  final DnsClient dnsClient;
  final List<Heard> heard = new CopyOnWriteArrayList<>();

  RelayFixture() throws Exception {
    dns = LoopbackDnsServer.start();
    policyHost = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
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

  private void publish(byte[] policy) {
    policyHost.body(policy);
    dns.remove("_mta-sts." + DOMAIN);
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=" + System.nanoTime());
  }

  /** Replaces the MX records of the domain. */
  void mx(String... hosts) {
    dns.remove(DOMAIN, "MX");
    for (int i = 0; i < hosts.length; i++) {
      dns.mx(DOMAIN, 10 * (i + 1), hosts[i]);
    }
  }

  MtaSts mtaSts() {
    return MtaSts.builder().dnsClient(dnsClient).trustStore(ca.trustStore())
        .policyHostPort(policyHost.port())
        .listener(e -> heard.add(new Heard(e.mxHost(), e.verdict())))
        .build();
  }

  static MimeMessage message() throws MessagingException {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("sender@origin.example.test"));
    m.setRecipients(Message.RecipientType.TO, RECIPIENT);
    m.setSubject("MTA-STS relay test");
    m.setText("Hello over loopback.\n");
    return m;
  }

  static List<InternetAddress> recipients() throws MessagingException {
    return List.of(new InternetAddress(RECIPIENT));
  }

  @Override
  public void close() {
    policyHost.close();
    dns.close();
  }
}
