package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.MxRecords;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRptReporterTest {
  static final LocalDate DAY = LocalDate.of(2026, 3, 1);

  final TestClock clock =
      new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  final Map<String, DnsResult<List<String>>> txt = new ConcurrentHashMap<>();
  final List<TlsRptEmail> sent = new ArrayList<>();
  volatile boolean mailerWorks = true;

  @TempDir
  Path tmp;

  final DnsClient dns = new DnsClient() {
    @Override
    public CompletableFuture<DnsResult<List<String>>> txtAsync(String name) {
      return CompletableFuture.completedFuture(txt.getOrDefault(name, new DnsResult.NoSuchName<>()));
    }

    @Override
    public CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain) {
      throw new UnsupportedOperationException();
    }
  };

  TlsRptReporter reporter(TlsRptCollector collector, TlsRptStore store) throws Exception {
    TlsRptReporter.Builder b = TlsRptReporter.builder()
        .collector(collector)
        .discoverer(new TlsRptDiscoverer(dns))
        .organizationName("Sender Inc.")
        .contactInfo("tlsrpt@sender.example")
        .clock(clock)
        .random(new SplittableRandom(7))
        .maxDelay(Duration.ofHours(2))
        .reportIds(() -> "id" + sent.size() + "x" + clock.instant().getEpochSecond())
        .mailer(email -> {
          if (!mailerWorks) {
            return CompletableFuture.failedFuture(new IllegalStateException("queue full"));
          }
          synchronized (sent) {
            sent.add(email);
          }
          return CompletableFuture.completedFuture(null);
        });
    if (store != null) {
      b.store(store);
    }
    return b.build();
  }

  static void record(TlsRptCollector c, String domain, int successes) {
    for (int i = 0; i < successes; i++) {
      c.success(AppliedPolicy.noPolicyFound(domain));
    }
  }

  @Test
  void thePreviousDayIsReportedOnceAfterTheRandomDelay() throws Exception {
    txt.put("_smtp._tls.example.com", answer("v=TLSRPTv1; rua=mailto:reports@example.com"));
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    TlsRptReporter reporter = reporter(collector, null);
    record(collector, "example.com", 3);
    record(collector, "no-rua.example", 2);

    assertEquals(new TlsRptReporter.Summary(0, 0, 0, 0, 0), reporter.runDue().join());
    Instant due = reporter.dueAt(DAY);
    assertTrue(!due.isBefore(Instant.parse("2026-03-02T00:00:00Z"))
        && !due.isAfter(Instant.parse("2026-03-02T02:00:00Z")), due.toString());
    clock.set(due.minusSeconds(1));
    collector.success(AppliedPolicy.noPolicyFound("example.com"));  // counts for the new day
    assertEquals(0, reporter.runDue().join().reportsBuilt());

    clock.set(due);
    assertEquals(new TlsRptReporter.Summary(1, 1, 1, 0, 0), reporter.runDue().join());
    assertEquals(1, sent.size());
    assertEquals(List.of(DAY.plusDays(1)), collector.days());
    assertEquals(new TlsRptReporter.Summary(0, 0, 0, 0, 0), reporter.runDue().join());

    TlsRptEmail email = sent.get(0);
    assertEquals(List.of("reports@example.com"), email.recipients());
    assertTrue(email.deliverDespiteTlsFailures());
    assertTrue(email.excludeFromReports());
    String mime = new String(email.message(), StandardCharsets.US_ASCII);
    assertTrue(mime.contains("\r\nTLS-Report-Domain: example.com\r\n"), mime);
    assertTrue(mime.contains("\r\nTLS-Report-Submitter: sender.example\r\n"), mime);
    assertTrue(mime.replace("\r\n ", " ").contains("\r\nSubject: Report Domain: example.com Submitter: sender.example"
        + " Report-ID: <" + email.reportId() + "@sender.example>\r\n"), mime);
    assertTrue(mime.contains("Content-Type: multipart/report; report-type=\"tlsrpt\";"), mime);
    assertTrue(mime.contains("Content-Type: application/tlsrpt+gzip\r\n"
        + "Content-Transfer-Encoding: base64\r\n"), mime);
    assertTrue(mime.contains("filename=\"sender.example!example.com!1772323200!1772409599!"), mime);
    assertTrue(mime.lines().allMatch(l -> l.length() <= 998), mime);
    assertTrue(mime.indexOf('\n') > 0 && mime.replace("\r\n", "").indexOf('\n') < 0);

    JsonNode report = TlsRptReportWriterTest.MAPPER.readTree(attachment(mime));
    assertEquals("Sender Inc.", report.get("organization-name").textValue());
    assertEquals(email.reportId(), report.get("report-id").textValue());
    assertEquals(3, report.get("policies").get(0).get("summary")
        .get("total-successful-session-count").intValue());
    assertEquals(List.of(), ReportSchema.violations(attachment(mime)));
  }

  @Test
  void failedDeliveriesAreRetriedWithBackOffForADayThenDropped() throws Exception {
    txt.put("_smtp._tls.example.com", answer("v=TLSRPTv1; rua=mailto:reports@example.com"));
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    TlsRptReporter reporter = reporter(collector, null);
    record(collector, "example.com", 1);
    mailerWorks = false;
    clock.set(reporter.dueAt(DAY));
    Instant built = clock.instant();

    assertEquals(new TlsRptReporter.Summary(1, 0, 0, 1, 0), reporter.runDue().join());
    List<Duration> waits = new ArrayList<>();
    Instant last = built;
    while (!reporter.pending().isEmpty()) {
      PendingReport p = reporter.pending().get(0);
      waits.add(Duration.between(last, p.nextAttempt()));
      last = p.nextAttempt();
      clock.set(p.nextAttempt().minusSeconds(1));
      assertEquals(0, reporter.runDue().join().failed());
      clock.set(p.nextAttempt());
      reporter.runDue().join();
    }
    assertEquals(List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20),
        Duration.ofMinutes(40), Duration.ofMinutes(80), Duration.ofMinutes(160),
        Duration.ofHours(4), Duration.ofHours(4), Duration.ofHours(4), Duration.ofHours(4)),
        waits.subList(0, 10));
    assertTrue(!clock.instant().isAfter(built.plus(Duration.ofHours(24))));
    assertTrue(clock.instant().isAfter(built.plus(Duration.ofHours(19))));
    assertEquals(0, sent.size());
  }

  @Test
  void aRetriedDeliverySucceedsAndPendingReportsSurviveARestart() throws Exception {
    txt.put("_smtp._tls.example.com", answer("v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com"));
    FileTlsRptStore store = new FileTlsRptStore(tmp.resolve("store"));
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();
    TlsRptReporter reporter = reporter(collector, store);
    record(collector, "example.com", 1);
    mailerWorks = false;
    clock.set(reporter.dueAt(DAY));
    assertEquals(2, reporter.runDue().join().failed());
    reporter.close();
    collector.close();

    TlsRptCollector collector2 = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();
    assertEquals(List.of(), collector2.days());
    TlsRptReporter reporter2 = reporter(collector2, store);
    assertEquals(2, reporter2.pending().size());
    mailerWorks = true;
    clock.advance(Duration.ofMinutes(5));
    assertEquals(new TlsRptReporter.Summary(0, 0, 2, 0, 0), reporter2.runDue().join());
    assertEquals(List.of(List.of("a@example.com"), List.of("b@example.com")),
        sent.stream().map(TlsRptEmail::recipients).sorted((x, y) -> x.get(0).compareTo(y.get(0)))
            .toList());
    assertEquals(sent.get(0).reportId(), sent.get(1).reportId());
    assertEquals(List.of(), reporter2.pending());
    assertEquals(List.of(), store.loadPending());
  }

  @Test
  void aTemporaryDnsFailureKeepsTheCountsForLater() throws Exception {
    txt.put("_smtp._tls.example.com", new DnsResult.TemporaryFailure<>(DnsResult.Reason.TIMEOUT, "t"));
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    TlsRptReporter reporter = reporter(collector, null);
    record(collector, "example.com", 4);
    clock.set(reporter.dueAt(DAY));
    assertEquals(new TlsRptReporter.Summary(0, 0, 0, 0, 0), reporter.runDue().join());
    assertEquals(List.of(DAY), collector.days());

    txt.put("_smtp._tls.example.com", answer("v=TLSRPTv1; rua=mailto:reports@example.com"));
    clock.advance(Duration.ofMinutes(4));
    assertEquals(0, reporter.runDue().join().reportsBuilt());
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, reporter.runDue().join().reportsBuilt());
    assertEquals(1, sent.size());
  }

  static DnsResult<List<String>> answer(String... records) {
    return new DnsResult.Answer<>(List.of(records), Duration.ofMinutes(5));
  }

  static byte[] attachment(String mime) throws Exception {
    Matcher m = Pattern.compile("base64\r\nContent-Disposition: attachment;\r\n\tfilename=\"[^\"]+\""
        + "\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--").matcher(mime);
    assertTrue(m.find(), mime);
    byte[] gz = Base64.getMimeDecoder().decode(m.group(1));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
