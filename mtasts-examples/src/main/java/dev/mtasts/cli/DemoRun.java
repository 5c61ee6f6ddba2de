package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.Verdict;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.examples.relay.DeliveryResult;
import dev.mtasts.examples.relay.MtaStsRelay;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.ReportEndpoint;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.HttpsReportSender;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.tlsrpt.TlsRptCollector;
import dev.mtasts.tlsrpt.TlsRptDiscoverer;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReportWriter;
import dev.mtasts.tlsrpt.TlsRptReporter;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The world of {@code mtasts demo} and its story: the servers, the sender, four scenes, each step
 * told as it happens. Every outcome told is also checked; a scene that comes out otherwise stops the
 * demo with exit code 3, so the story can never tell what did not happen.
 */
final class DemoRun {
  /** A domain with an {@code enforce} policy. */
  static final String STRICT = "strict.demo.test";
  /** A domain with a {@code testing} policy. */
  static final String TRIAL = "trial.demo.test";
  /** The first MX host of {@link #STRICT}: its certificate is for another name. */
  static final String STRICT_MX1 = "mx1.strict.demo.test";
  /** The second MX host of {@link #STRICT}: a good certificate. */
  static final String STRICT_MX2 = "mx2.strict.demo.test";
  /** The MX host of {@link #TRIAL}: a self-signed certificate. */
  static final String TRIAL_MX = "mx.trial.demo.test";
  /** The name the sender's relay announces in EHLO. */
  static final String SENDER = "relay.sender.demo.test";

  /**
   * Every host name the JVM must resolve (to 127.0.0.1) for the demo: the policy hosts, the MX hosts
   * and the report endpoint. The DNS records of the demo come from its own loopback DNS server.
   */
  static final List<String> HOST_NAMES = List.of("localhost", "mta-sts." + STRICT,
      "mta-sts." + TRIAL, STRICT_MX1, STRICT_MX2, TRIAL_MX);

  private static final String RUA_PATH = "/tlsrpt";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm").withZone(ZoneOffset.UTC);

  /** Thrown when a scene comes out otherwise than the story says. */
  static final class Unexpected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unexpected(String message) {
      super(message);
    }
  }

  private final Io io;

  DemoRun(Io io) {
    this.io = io;
  }

  /**
   * Runs the demo.
   *
   * @return the exit code
   */
  int run() throws Exception {
    // The simulated day starts at 01:00 UTC today. The certificates are issued at that time and
    // backdated by an hour, so that they are valid both on the simulated clock (which the library's
    // MX certificate checks use) and on the real one (which the JDK's HTTPS client uses for the
    // policy host and the report endpoint).
    Instant start = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).plusHours(1)
        .toInstant();
    TestClock clock = new TestClock(start);
    TestCertificateAuthority ca =
        TestCertificateAuthority.create("mtasts demo CA", Clock.fixed(start, ZoneOffset.UTC));
    try (LoopbackDnsServer dns = LoopbackDnsServer.start();
        PolicyHost policyHost = PolicyHost.builder()
            .domain(STRICT, ca.issue("mta-sts." + STRICT))
            .domain(TRIAL, ca.issue("mta-sts." + TRIAL))
            .start();
        SmtpServer mx1 = SmtpServer.start(STRICT_MX1, ca.issue("www." + STRICT).serverContext());
        SmtpServer mx2 = SmtpServer.start(STRICT_MX2, ca.issue(STRICT_MX2).serverContext());
        SmtpServer trialMx = SmtpServer.start(TRIAL_MX, ca.selfSigned(TRIAL_MX).serverContext());
        ReportEndpoint rua = ReportEndpoint.start(ca.issue("localhost"));
        TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build()) {
      World w = new World(dns, policyHost, mx1, mx2, trialMx, rua, clock, start);
      w.publish(ID.format(start));
      // The DNS client of the sender asks the loopback DNS server only; it keeps no cache here, so
      // that a record removed in the second scene is gone at once rather than after its TTL.
      DnsjavaClient dnsClient = DnsjavaClient.builder().server(dns.address()).cache(false).build();
      try (MtaSts mtaSts = MtaSts.builder()
          .dnsClient(dnsClient)
          .trustStore(ca.trustStore())
          .policyHostPort(policyHost.port())
          .clock(clock)
          .listener(collector)
          .build()) {
        MtaStsRelay relay = MtaStsRelay.builder(mtaSts)
            .heloName(SENDER)
            .timeout(Duration.ofSeconds(10))
            .port(STRICT_MX1, mx1.port())
            .port(STRICT_MX2, mx2.port())
            .port(TRIAL_MX, trialMx.port())
            .build();
        introduce(w);
        enforced(w, mtaSts, relay);
        cached(w, mtaSts, relay);
        testing(w, mtaSts, relay);
        List<TlsRptReport> reports = report(w, collector, dnsClient, ca);
        conclude(reports);
      }
      return ExitCodes.OK;
    } catch (Unexpected e) {
      io.out().flush();
      io.error("demo: " + Terminal.safe(e.getMessage()));
      return ExitCodes.INTERNAL;
    } finally {
      io.out().flush();
    }
  }

  /** The servers of the demo and the simulated clock. */
  private record World(LoopbackDnsServer dns, PolicyHost policyHost, SmtpServer mx1,
      SmtpServer mx2, SmtpServer trialMx, ReportEndpoint rua, TestClock clock, Instant start) {

    String ruaUri() {
      return rua.uri(RUA_PATH).toString();
    }

    void publish(String id) {
      dns.txt("_mta-sts." + STRICT, "v=STSv1; id=" + id);
      dns.mx(STRICT, 10, STRICT_MX1).mx(STRICT, 20, STRICT_MX2);
      dns.txt("_smtp._tls." + STRICT, "v=TLSRPTv1; rua=" + ruaUri());
      policyHost.domain(STRICT).body("version: STSv1\r\nmode: enforce\r\nmx: " + STRICT_MX1
          + "\r\nmx: " + STRICT_MX2 + "\r\nmax_age: 604800\r\n");

      dns.txt("_mta-sts." + TRIAL, "v=STSv1; id=" + id);
      dns.mx(TRIAL, 10, TRIAL_MX);
      dns.txt("_smtp._tls." + TRIAL, "v=TLSRPTv1; rua=" + ruaUri());
      policyHost.domain(TRIAL).body("version: STSv1\r\nmode: testing\r\nmx: " + TRIAL_MX
          + "\r\nmax_age: 86400\r\n");
    }
  }

  private void introduce(World w) {
    say("mtasts demo: MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) at work, offline");
    say("");
    say("This process now runs, on loopback only: a DNS server, one HTTPS policy host for two");
    say("domains, three SMTP servers with STARTTLS, an HTTPS endpoint that collects TLS-RPT reports,");
    say("and a test certificate authority that the sender trusts. The sender is the library's front");
    say("door (MtaSts) driving the Jakarta Mail relay example (MtaStsRelay). Its clock is simulated,");
    say("starting at " + TIME.format(w.start()) + ".");
    say("");
    say("  " + STRICT + "   policy: mode enforce, max_age 1 week,");
    say("                     mx " + STRICT_MX1 + ", " + STRICT_MX2);
    say("    MX 10 " + STRICT_MX1 + "   its certificate names www." + STRICT + " (wrong name)");
    say("    MX 20 " + STRICT_MX2 + "   its certificate names " + STRICT_MX2 + " (good)");
    say("  " + TRIAL + "    policy: mode testing, max_age 1 day, mx " + TRIAL_MX);
    say("    MX 10 " + TRIAL_MX + "     a self-signed certificate");
    say("  both publish _smtp._tls TXT \"v=TLSRPTv1; rua=" + w.ruaUri() + "\"");
  }

  /** Scene 1: an enforce domain whose first MX host fails the certificate check. */
  private void enforced(World w, MtaSts mtaSts, MtaStsRelay relay) throws MessagingException {
    say("");
    say("1. A message to bob@" + STRICT + " (" + HOUR.format(w.clock().instant()) + ")");
    PolicyLookup lookup = mtaSts.lookup(STRICT);
    PolicyState.Applied applied = applied(lookup, PolicyLookup.Status.ENFORCE);
    expect(w.policyHost().domain(STRICT).requestCount() == 1, "the policy was not fetched once");
    say("   The sender asks DNS for _mta-sts." + STRICT + ": a record, id " + applied.id() + ".");
    say("   Nothing is cached, so it fetches https://mta-sts." + STRICT
        + "/.well-known/mta-sts.txt");
    say("   over HTTPS (the policy host's certificate must be valid for that name): mode "
        + applied.policy().mode().token() + ",");
    say("   mx " + patterns(applied) + ", max_age "
        + Human.duration(applied.policy().maxAge().toSeconds()) + ". The policy is now cached.");
    say("   The MX hosts from DNS, in preference order: " + String.join(", ", mtaSts.mx(STRICT))
        + ";");
    say("   the policy lists both.");
    DeliveryResult result = relay.deliver(STRICT, message("bob@" + STRICT, "Scene 1"),
        List.of(new InternetAddress("bob@" + STRICT)));
    refusedThenDelivered(w, result, 1);
    say("   Result: delivered to " + STRICT_MX2 + "; " + STRICT_MX1
        + " was sent nothing, not even");
    say("   MAIL FROM.");
  }

  /** Scene 2: the TXT record is removed and the policy host fails; the cached policy holds. */
  private void cached(World w, MtaSts mtaSts, MtaStsRelay relay) throws MessagingException {
    w.clock().advance(Duration.ofHours(1));
    say("");
    say("2. An hour later (" + HOUR.format(w.clock().instant()) + "): the _mta-sts record of "
        + STRICT + " is gone, and its");
    say("   policy host is down");
    w.dns().remove("_mta-sts." + STRICT, "TXT");
    w.policyHost().domain(STRICT).connectionReset();
    say("   The record is removed from DNS, and mta-sts." + STRICT
        + " now resets every connection.");
    say("   An attacker on the path can do both, hoping the sender forgets the policy and accepts");
    say("   any certificate, or plain text.");
    int txtBefore = w.dns().queryCount("_mta-sts." + STRICT, "TXT");
    int fetchesBefore = w.policyHost().domain(STRICT).requestCount();
    PolicyLookup lookup = mtaSts.recheck(STRICT);
    int fetches = w.policyHost().domain(STRICT).requestCount() - fetchesBefore;
    expect(w.dns().queryCount("_mta-sts." + STRICT, "TXT") > txtBefore,
        "the sender did not ask DNS again");
    PolicyState.Applied applied = applied(lookup, PolicyLookup.Status.ENFORCE);
    say("   The sender checks for a new policy (as RFC 8461 section 5.1 asks before a message is");
    say("   given up): DNS answers that there is no _mta-sts record"
        + (fetches == 0 ? ", so there is nothing to fetch." : ", and the policy host fails."));
    say("   The cached policy, fetched at " + HOUR.format(applied.fetchedAt()) + " and valid until "
        + TIME.format(applied.fetchedAt().plus(applied.policy().maxAge())) + ", still applies:");
    say("   a record that disappears or a policy host that cannot be reached never ends a cached");
    say("   policy before its max_age runs out (RFC 8461 section 5.1). Mode: "
        + applied.policy().mode().token() + ".");
    DeliveryResult result = relay.deliver(STRICT, message("bob@" + STRICT, "Scene 2"),
        List.of(new InternetAddress("bob@" + STRICT)));
    refusedThenDelivered(w, result, 2);
    say("   Result: the policy is enforced from the cache; delivered to " + STRICT_MX2 + " again.");
  }

  /** Scene 3: a testing domain with a bad certificate: delivered, and reported. */
  private void testing(World w, MtaSts mtaSts, MtaStsRelay relay) throws MessagingException {
    say("");
    say("3. A message to carol@" + TRIAL + ", a domain in mode testing ("
        + HOUR.format(w.clock().instant()) + ")");
    PolicyLookup lookup = mtaSts.lookup(TRIAL);
    PolicyState.Applied applied = applied(lookup, PolicyLookup.Status.TESTING);
    say("   Record id " + applied.id() + "; the policy fetched from mta-sts." + TRIAL + ":");
    say("   mode " + applied.policy().mode().token() + ", mx " + patterns(applied) + ", max_age "
        + Human.duration(applied.policy().maxAge().toSeconds()) + ".");
    DeliveryResult result = relay.deliver(TRIAL, message("carol@" + TRIAL, "Scene 3"),
        List.of(new InternetAddress("carol@" + TRIAL)));
    DeliveryResult.Delivered delivered = delivered(result, TRIAL_MX);
    expect(delivered.attempts().size() == 1, "more than one MX host was tried for " + TRIAL);
    Failure failure = ((Verdict.DeliverAndReport) delivered.verdict()).failure();
    expect(failure.resultType() == ResultType.CERTIFICATE_NOT_TRUSTED,
        "the self-signed certificate gave " + failure.resultType());
    SmtpServer.Message got = last(w.trialMx());
    say("   " + TRIAL_MX + ": STARTTLS; the certificate is self-signed, by no authority the sender");
    say("     trusts. The check fails: " + failure.resultType().token()
        + " (RFC 8460 result type).");
    say("     Why: " + Terminal.safe(failure.detail()) + ".");
    say("     Under testing the sender delivers anyway and counts the failure for the domain's");
    say("     report: the owner learns what enforce would refuse before switching to it.");
    say("     DELIVERED over " + got.tlsProtocol() + ", and reported.");
  }

  /** Scene 4: the next day, the reports are built and POSTed to the rua endpoint. */
  private List<TlsRptReport> report(World w, TlsRptCollector collector, DnsjavaClient dnsClient,
      TestCertificateAuthority ca) throws IOException {
    Instant nextDay = LocalDate.ofInstant(w.start(), ZoneOffset.UTC).plusDays(1)
        .atStartOfDay(ZoneOffset.UTC).toInstant();
    w.clock().set(nextDay);
    say("");
    say("4. The next day (" + TIME.format(nextDay) + "): the TLS-RPT reports");
    TlsRptReporter reporter = TlsRptReporter.builder()
        .collector(collector)
        .discoverer(new TlsRptDiscoverer(dnsClient))
        .organizationName("mtasts demo sender")
        .contactInfo("tlsrpt@sender.demo.test")
        .https(HttpsReportSender.builder().sslContext(ca.sslContext()).build())
        .clock(w.clock())
        .maxDelay(Duration.ZERO) // senders wait up to hours past midnight; the demo does not
        .build();
    TlsRptReporter.Summary summary;
    try {
      summary = reporter.runDue().join();
    } finally {
      reporter.close();
    }
    say("   The sender takes yesterday's counts, looks up _smtp._tls of each policy domain, builds");
    say("   one report per domain (RFC 8460 section 4), gzips it and POSTs it to the domain's rua");
    say("   (section 5.3): " + summary.reportsBuilt() + " built, " + summary.delivered()
        + " delivered.");
    List<ReportEndpoint.Received> posts = w.rua().received(RUA_PATH);
    expect(posts.size() == 2, "the report endpoint received " + posts.size() + " reports, not 2");
    List<TlsRptReport> reports = new ArrayList<>();
    Map<String, byte[]> json = new TreeMap<>();
    for (ReportEndpoint.Received post : posts) {
      expect(TlsRptReportWriter.GZIP_MEDIA_TYPE.equals(post.contentType()),
          "a report arrived as " + post.contentType());
      TlsRptReport r = TlsRptReport.parse(post.json());
      reports.add(r);
      json.put(r.policyDomain(), post.json());
    }
    reports.sort(Comparator.comparing(TlsRptReport::policyDomain));
    for (TlsRptReport r : reports) {
      say("   " + r.policyDomain() + ": " + Human.plural(successful(r), "successful session")
          + ", " + failed(r) + " failed");
      for (String failure : failures(r)) {
        say("     " + failure);
      }
    }
    expect(reports.get(0).policyDomain().equals(STRICT) && successful(reports.get(0)) == 2
        && failed(reports.get(0)) == 2, "the report for " + STRICT + " has other counts");
    expect(reports.get(1).policyDomain().equals(TRIAL) && successful(reports.get(1)) == 0
        && failed(reports.get(1)) == 1, "the report for " + TRIAL + " has other counts");
    for (Map.Entry<String, byte[]> e : json.entrySet()) {
      say("");
      say("   The report for " + e.getKey() + ", as " + w.ruaUri() + " received it (gunzipped):");
      for (String line : pretty(e.getValue()).split("\\R")) {
        say("   " + Terminal.safe(line));
      }
    }
    return reports;
  }

  private void conclude(List<TlsRptReport> reports) {
    say("");
    say("Done: 3 messages, 3 delivered; " + STRICT_MX1 + " refused twice under enforce (the second");
    say("time with only the cached policy); " + TRIAL_MX + " reported under testing; "
        + reports.size() + " reports sent.");
    say("Nothing left this machine. To use the library in an MTA, see \"Using it in an MTA\" in");
    say("the README; to check a real domain, run: mtasts check DOMAIN");
  }

  /** Tells the two attempts of a delivery to {@link #STRICT}: mx1 refused, mx2 delivered. */
  private void refusedThenDelivered(World w, DeliveryResult result, int messagesAtMx2) {
    DeliveryResult.Delivered delivered = delivered(result, STRICT_MX2);
    expect(delivered.attempts().size() == 2, "not two MX hosts tried: " + delivered.attempts());
    DeliveryResult.Attempt first = delivered.attempts().get(0);
    expect(first.host().equals(STRICT_MX1), "the first host tried was " + first.host());
    expect(first.verdict().orElse(null) instanceof Verdict.Refuse,
        STRICT_MX1 + " was not refused: " + first.outcome());
    Failure failure = ((Verdict.Refuse) first.verdict().orElseThrow()).failure();
    expect(failure.resultType() == ResultType.CERTIFICATE_HOST_MISMATCH,
        STRICT_MX1 + " was refused with " + failure.resultType());
    expect(w.mx1().messages().isEmpty(), STRICT_MX1 + " received a message");
    expect(delivered.verdict() instanceof Verdict.Deliver, "the verdict for " + STRICT_MX2 + " was "
        + delivered.verdict());
    expect(w.mx2().messages().size() == messagesAtMx2, STRICT_MX2 + " holds "
        + w.mx2().messages().size() + " messages");
    SmtpServer.Message got = last(w.mx2());
    say("   " + STRICT_MX1 + ": EHLO, STARTTLS; in the TLS handshake the certificate is checked");
    say("     against the MX host name, and it names only www." + STRICT + ".");
    say("     REFUSED: " + failure.resultType().token() + " (RFC 8460 result type).");
    say("     Why: " + Terminal.safe(failure.detail()) + ".");
    say("     Under enforce the handshake is aborted before anything of the message is sent, and");
    say("     the sender tries the next MX host.");
    say("   " + STRICT_MX2 + ": EHLO, STARTTLS; the certificate names " + STRICT_MX2);
    say("     and chains to a trusted root. DELIVERED over " + got.tlsProtocol() + ".");
  }

  private static DeliveryResult.Delivered delivered(DeliveryResult result, String host) {
    if (result instanceof DeliveryResult.Delivered d && d.host().equals(host) && d.tls()) {
      return d;
    }
    throw new Unexpected("expected delivery over TLS to " + host + ", got " + result);
  }

  private static PolicyState.Applied applied(PolicyLookup lookup, PolicyLookup.Status status) {
    if (lookup.status() == status && lookup.state() instanceof PolicyState.Applied a) {
      return a;
    }
    throw new Unexpected("expected a policy in mode " + status + " for " + lookup.domain()
        + ", got " + lookup.state());
  }

  private static SmtpServer.Message last(SmtpServer server) {
    List<SmtpServer.Message> messages = server.messages();
    expect(!messages.isEmpty() && messages.get(messages.size() - 1).tls(),
        server.hostname() + " holds no message received over TLS");
    return messages.get(messages.size() - 1);
  }

  private static String patterns(PolicyState.Applied applied) {
    return applied.policy().mx().stream().map(MxPattern::toString)
        .collect(Collectors.joining(", "));
  }

  static long successful(TlsRptReport r) {
    return r.policies().stream().mapToLong(PolicyResult::totalSuccessfulSessionCount).sum();
  }

  static long failed(TlsRptReport r) {
    return r.policies().stream().mapToLong(PolicyResult::totalFailureSessionCount).sum();
  }

  private static List<String> failures(TlsRptReport r) {
    Map<String, Long> byType = new TreeMap<>();
    for (PolicyResult p : r.policies()) {
      for (FailureDetail d : p.failureDetails()) {
        byType.merge(d.failure().resultType().token() + " at "
            + d.failure().receivingMxHostname(), d.failedSessionCount(), Long::sum);
      }
    }
    return byType.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
        .toList();
  }

  private static String pretty(byte[] json) throws IOException {
    JsonFactory factory = new JsonFactory();
    StringWriter out = new StringWriter();
    try (JsonParser parser = factory.createParser(json);
        JsonGenerator generator = factory.createGenerator(out)) {
      DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
      printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
      generator.setPrettyPrinter(printer);
      parser.nextToken();
      generator.copyCurrentStructure(parser);
    }
    return out.toString();
  }

  private static MimeMessage message(String to, String subject) throws MessagingException {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("alice@sender.demo.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    m.setSubject("mtasts demo: " + subject, StandardCharsets.US_ASCII.name());
    m.setText("Sent by mtasts demo over loopback.\n", StandardCharsets.US_ASCII.name());
    return m;
  }

  private static void expect(boolean condition, String otherwise) {
    if (!condition) {
      throw new Unexpected(otherwise);
    }
  }

  private void say(String line) {
    io.println(line);
    io.out().flush(); // each step as it happens
  }
}
