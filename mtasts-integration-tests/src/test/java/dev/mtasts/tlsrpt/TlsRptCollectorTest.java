package dev.mtasts.tlsrpt;

import dev.mtasts.testkit.FixedPolicySource;
import dev.mtasts.testkit.TestClock;
import dev.mtasts.result.ResultType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.result.Failure;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicySource;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRptCollectorTest {
  static final Policy TESTING = Policy.of(Mode.TESTING, Duration.ofDays(7),
      List.of(MxPattern.of("mx1.example.com"), MxPattern.of("*.backup.example.com")));
  static final LocalDate DAY = LocalDate.of(2026, 3, 1);

  final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  final AtomicReference<PolicyState> state = new AtomicReference<>();

  @TempDir
  Path tmp;

  MtaSts mtaSts(TlsRptCollector collector) {
        return MtaSts.builder().policySource(new FixedPolicySource(state::get)).listener(collector).build();
  }

  static PolicyState applied(Policy policy, Optional<Failure> refreshFailure) {
    return new PolicyState.Applied("example.com", "1", policy, Instant.EPOCH, refreshFailure);
  }

  static SessionDetails details() throws Exception {
    return SessionDetails.of(InetAddress.getByName("192.0.2.1"),
        InetAddress.getByName("2001:db8::25")).withHelo("mx1.example.com\u001b");
  }

  @Test
  void verdictsAreCountedPerAppliedPolicyWithoutASecondCall() throws Exception {
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    MtaSts mtaSts = mtaSts(collector);

    state.set(applied(TESTING, Optional.empty()));
    var lookup = mtaSts.lookup("example.com");
    assertInstanceOf(Verdict.DeliverAndReport.class,
        lookup.starttlsNotSupported("mx1.example.com", details()));
    lookup.handshakeFailed("mx1.example.com", "boom");
    // An MX host the testing policy does not list, but whose session passes otherwise.
    lookup.starttlsNotSupported("evil.example.net");

    state.set(new PolicyState.PolicyFailure("example.com", new Failure(
        ResultType.STS_POLICY_FETCH_ERROR, "sts-policy-fetch-error", "connection refused")));
    assertInstanceOf(Verdict.Deliver.class,
        mtaSts.lookup("example.com").starttlsNotSupported("mx1.example.com"));

    state.set(new PolicyState.NoPolicy("example.com", "none"));
    var none = mtaSts.lookup("example.com");
    none.starttlsNotSupported("mx1.example.com", details());
    none.starttlsNotSupported("mx1.example.com", details().asTlsReportDelivery());
    none.handshakeFailed("mx1.example.com", "x", SessionDetails.NONE);

    List<PolicyResult> results = collector.results(DAY, "example.com");
    assertEquals(3, results.size());
    PolicyResult sts = find(results, AppliedPolicy.sts("example.com", TESTING));
    assertEquals(List.of("mx1.example.com", "*.backup.example.com"), sts.policy().mxHost());
    assertEquals(0, sts.totalSuccessfulSessionCount());
    assertEquals(3, sts.totalFailureSessionCount());
    FailureDetail starttls = sts.failureDetails().stream()
        .filter(d -> d.failure().resultType() == ResultType.STARTTLS_NOT_SUPPORTED).findFirst()
        .orElseThrow();
    assertEquals(Optional.of("192.0.2.1"), starttls.failure().sendingMtaIp());
    assertEquals(Optional.of("2001:db8::25"), starttls.failure().receivingIp());
    assertEquals(Optional.of("mx1.example.com?"), starttls.failure().receivingMxHelo());
    assertTrue(sts.failureDetails().stream().anyMatch(
        d -> d.failure().failureReasonCode().equals(Optional.of("mx-not-in-policy"))
            && d.failure().receivingMxHostname().equals("evil.example.net")));

    PolicyResult unavailable = find(results, AppliedPolicy.stsUnavailable("example.com"));
    assertEquals(1, unavailable.totalFailureSessionCount());
    assertEquals(List.of(ResultType.STARTTLS_NOT_SUPPORTED, ResultType.STS_POLICY_FETCH_ERROR),
        unavailable.failureDetails().stream().map(d -> d.failure().resultType()).toList());

    PolicyResult noPolicy = find(results, AppliedPolicy.noPolicyFound("example.com"));
    assertEquals(PolicyType.NO_POLICY_FOUND, noPolicy.policy().policyType());
    assertEquals(0, noPolicy.totalSuccessfulSessionCount());
    assertEquals(2, noPolicy.totalFailureSessionCount());
  }

  @Test
  void refreshFailureUnderACachedPolicyIsAnOverlappingDetail() throws Exception {
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    state.set(applied(Policy.of(Mode.ENFORCE, Duration.ofDays(1), List.of(MxPattern.of("mx1.example.com"))),
        Optional.of(new Failure(ResultType.STS_WEBPKI_INVALID, "sts-webpki-invalid", "bad certificate"))));
    mtaSts(collector).lookup("example.com").starttlsNotSupported("mx1.example.com");

    PolicyResult r = collector.results(DAY, "example.com").get(0);
    assertEquals(1, r.totalFailureSessionCount());
    assertEquals(2, r.failureDetails().size());
  }

  @Test
  void daysFollowTheUtcClock() throws Exception {
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    AppliedPolicy p = AppliedPolicy.noPolicyFound("example.org");
    collector.success(p);
    clock.set(Instant.parse("2026-03-01T23:59:59.999Z"));
    collector.success(p);
    clock.set(Instant.parse("2026-03-02T00:00:00Z"));
    collector.success(p);

    assertEquals(List.of(DAY, DAY.plusDays(1)), collector.days());
    assertEquals(2, collector.results(DAY, "example.org").get(0).totalSuccessfulSessionCount());
    assertEquals(List.of("example.org"), collector.domains(DAY));
    assertEquals(2, collector.drain(DAY, "EXAMPLE.org").get(0).totalSuccessfulSessionCount());
    assertEquals(List.of(DAY.plusDays(1)), collector.days());
  }

  @Test
  void failureDetailsAreCappedByDroppingAddresses() throws Exception {
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).maxFailureDetails(2).build();
    AppliedPolicy p = AppliedPolicy.noPolicyFound("example.org");
    for (int i = 0; i < 10; i++) {
      collector.failure(p, SessionFailure.of(ResultType.STARTTLS_NOT_SUPPORTED, null,
          "mx.example.org", InetAddress.getByName("192.0.2." + i), null, "helo" + i));
    }
    PolicyResult r = collector.results(DAY, "example.org").get(0);
    assertEquals(10, r.totalFailureSessionCount());
    assertEquals(3, r.failureDetails().size());
    assertEquals(10, r.failureDetails().stream().mapToLong(FailureDetail::failedSessionCount).sum());
  }

  @Test
  void aRestartInTheMiddleOfADayKeepsTheCounts() throws Exception {
    FileTlsRptStore store = new FileTlsRptStore(tmp.resolve("tlsrpt"));
    state.set(applied(TESTING, Optional.empty()));
    try (TlsRptCollector first = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build()) {
      var lookup = mtaSts(first).lookup("example.com");
      for (int i = 0; i < 5; i++) {
        lookup.starttlsNotSupported("mx1.example.com", details());
      }
      lookup.handshakeFailed("a.backup.example.com", "reset");
      first.success(AppliedPolicy.noPolicyFound("example.org"));
    }
    assertTrue(Files.exists(store.directory().resolve(FileTlsRptStore.COUNTS)));

    clock.set(Instant.parse("2026-03-01T15:00:00Z"));
    try (TlsRptCollector second = TlsRptCollector.builder().clock(clock)
        .store(new FileTlsRptStore(tmp.resolve("tlsrpt"))).flushInterval(Duration.ZERO).build()) {
      var lookup = mtaSts(second).lookup("example.com");
      lookup.starttlsNotSupported("mx1.example.com", details());
      PolicyResult r = second.results(DAY, "example.com").get(0);
      assertEquals(7, r.totalFailureSessionCount());
      assertEquals(List.of(6L, 1L), r.failureDetails().stream()
          .map(FailureDetail::failedSessionCount).sorted((a, b) -> Long.compare(b, a)).toList());
      assertEquals(1, second.results(DAY, "example.org").get(0).totalSuccessfulSessionCount());
    }
    TlsRptCollector third = TlsRptCollector.builder().clock(clock).store(store)
        .flushInterval(Duration.ZERO).build();
    assertEquals(7, third.results(DAY, "example.com").get(0).totalFailureSessionCount());
  }

  @Test
  void aDamagedStoreFileIsSetAsideNotFatal() throws Exception {
    Path dir = tmp.resolve("damaged");
    FileTlsRptStore store = new FileTlsRptStore(dir);
    Files.writeString(dir.resolve(FileTlsRptStore.COUNTS), "{\"format\":1,\"counts\":[{");
    TlsRptCollector collector = TlsRptCollector.builder().store(store).build();
    assertEquals(List.of(), collector.snapshot());
    try (var files = Files.list(dir)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".damaged")));
    }
    collector.close();
  }

  @Test
  void concurrentRecordingLosesNothing() throws Exception {
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    state.set(applied(TESTING, Optional.empty()));
    var lookup = mtaSts(collector).lookup("example.com");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          lookup.starttlsNotSupported("mx1.example.com");
          collector.success(AppliedPolicy.noPolicyFound("example.com"));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    List<PolicyResult> r = collector.results(DAY, "example.com");
    assertEquals(40_000, r.get(0).totalFailureSessionCount());
    assertEquals(40_000, r.get(1).totalSuccessfulSessionCount());
  }

  static PolicyResult find(List<PolicyResult> results, AppliedPolicy policy) {
    return results.stream().filter(r -> r.policy().equals(policy)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + policy + " in " + results));
  }
}
