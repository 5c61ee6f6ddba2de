package dev.mtasts.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import dev.mtasts.testkit.FixedPolicySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PolicyLookupTest {
  private final List<String> recorded = new ArrayList<>();

  private MtaSts facade(PolicyState state, boolean defer) {
        return MtaSts.builder().policySource(FixedPolicySource.of(state)).deferWhenUnavailable(defer)
        .listener(e -> recorded.add(e.mxHost() + " " + e.verdict()))
        .build();
  }

  private static PolicyState applied(Mode mode) {
    Policy policy = Policy.of(mode, Duration.ofDays(7), mode == Mode.NONE ? List.of()
        : List.of(MxPattern.of("mx1.example.com"), MxPattern.of("*.backup.example.com")));
    return new PolicyState.Applied("example.com", "1", policy, Instant.EPOCH, Optional.empty());
  }

  private static PolicyState noPolicy() {
    return new PolicyState.NoPolicy("example.com", "test");
  }

  private static PolicyState unavailable() {
    return new PolicyState.Unavailable("example.com", "test");
  }

  private static PolicyState policyFailure() {
    return new PolicyState.PolicyFailure("example.com",
        new Failure(ResultType.STS_POLICY_FETCH_ERROR, "sts-policy-fetch-error", "test"));
  }

  @Test
  void statusFollowsModeAndAbsence() {
    assertEquals(PolicyLookup.Status.ENFORCE, facade(applied(Mode.ENFORCE), false).lookup("example.com").status());
    assertEquals(PolicyLookup.Status.TESTING, facade(applied(Mode.TESTING), false).lookup("example.com").status());
    assertEquals(PolicyLookup.Status.NONE, facade(applied(Mode.NONE), false).lookup("example.com").status());
    assertEquals(PolicyLookup.Status.NO_POLICY,
        facade(noPolicy(), false).lookup("example.com").status());
    assertEquals(PolicyLookup.Status.NO_POLICY,
        facade(policyFailure(), false).lookup("example.com").status());
    assertEquals(PolicyLookup.Status.UNAVAILABLE,
        facade(unavailable(), false).lookup("example.com").status());
  }

  @Test
  void deferOnlyWhenUnavailableAndChosen() {
    assertFalse(facade(unavailable(), false)
        .lookup("example.com").shouldDefer());
    assertTrue(facade(unavailable(), true)
        .lookup("example.com").shouldDefer());
    assertFalse(facade(noPolicy(), true)
        .lookup("example.com").shouldDefer());
  }

  @Test
  void enforceLeavesUnlistedHostsOutKeepsTheOrderAndReportsEachOnce() {
    PolicyLookup lookup = facade(applied(Mode.ENFORCE), false).lookup("example.com");
    List<String> candidates = lookup.candidates(List.of("evil.example.net", "MX1.example.com.",
        "a.backup.example.com", "a.b.backup.example.com"));
    assertEquals(List.of("MX1.example.com.", "a.backup.example.com"), candidates);
    assertEquals(2, recorded.size(), recorded::toString);
    assertTrue(recorded.get(0).startsWith("evil.example.net Refuse"), recorded::toString);
    assertTrue(recorded.get(0).contains("mx-not-in-policy"), recorded::toString);
    assertTrue(recorded.get(0).contains(ResultType.VALIDATION_FAILURE.token()), recorded::toString);
    assertTrue(recorded.get(1).startsWith("a.b.backup.example.com Refuse"), recorded::toString);
  }

  @Test
  void anEnforcedPolicyListingNoMxLeavesNothingToTry() {
    PolicyLookup lookup = facade(applied(Mode.ENFORCE), false).lookup("example.com");
    assertEquals(List.of(), lookup.candidates(List.of("evil.example.net")));
    assertEquals(1, recorded.size());
  }

  @Test
  void aReportDeliveryKeepsEveryHostAndIsNeverRefused() throws Exception {
    PolicyLookup lookup = facade(applied(Mode.ENFORCE), false).lookup("example.com");
    SessionDetails report = SessionDetails.NONE.asTlsReportDelivery();
    assertEquals(List.of("evil.example.net"), lookup.candidates(List.of("evil.example.net"), report));
    assertTrue(recorded.isEmpty(), recorded::toString);
    assertInstanceOf(Verdict.Deliver.class, lookup.starttlsNotSupported("evil.example.net", report));
  }

  @Test
  void testingKeepsUnlistedHostsAndReportsTheMismatchWhenTheSessionIsDecided() {
    PolicyLookup lookup = facade(applied(Mode.TESTING), false).lookup("example.com");
    assertEquals(List.of("evil.example.net"), lookup.candidates(List.of("evil.example.net")));
    assertTrue(recorded.isEmpty(), "nothing is decided before the session");
    Verdict v = lookup.starttlsNotSupported("evil.example.net");
    assertEquals("mx-not-in-policy",
        assertInstanceOf(Verdict.DeliverAndReport.class, v).failure().failureReasonCode());
  }

  @Test
  void noPolicyAndNoneKeepEveryHostAndReportNothing() {
    for (PolicyState s : List.of(applied(Mode.NONE), noPolicy())) {
      assertEquals(List.of("any.example.net"),
          facade(s, false).lookup("example.com").candidates(List.of("any.example.net")));
    }
    assertTrue(recorded.isEmpty(), recorded::toString);
  }

  @Test
  void starttlsMissingRefusedUnderEnforceReportedUnderTestingIgnoredWithoutPolicy() {
    Verdict enforce = facade(applied(Mode.ENFORCE), false).lookup("example.com")
        .starttlsNotSupported("mx1.example.com");
    Verdict.Refuse refuse = assertInstanceOf(Verdict.Refuse.class, enforce);
    assertEquals(ResultType.STARTTLS_NOT_SUPPORTED, refuse.failure().resultType());

    Verdict testing = facade(applied(Mode.TESTING), false).lookup("example.com")
        .starttlsNotSupported("mx1.example.com");
    assertEquals(ResultType.STARTTLS_NOT_SUPPORTED,
        assertInstanceOf(Verdict.DeliverAndReport.class, testing).failure().resultType());

    assertInstanceOf(Verdict.Deliver.class, facade(noPolicy(), false)
        .lookup("example.com").starttlsNotSupported("mx1.example.com"));
    assertEquals(3, recorded.size(), "every verdict reaches the listener");
  }

  @Test
  void unlistedHostIsRefusedBeforeAnyCertificateCheck() {
    Verdict v = facade(applied(Mode.ENFORCE), false).lookup("example.com")
        .verify("evil.example.net", List.of(), "TLSv1.3");
    assertEquals("mx-not-in-policy", assertInstanceOf(Verdict.Refuse.class, v).failure().failureReasonCode());
  }

  @Test
  void oldTlsVersionFailsUnderEnforce() {
    Verdict v = facade(applied(Mode.ENFORCE), false).lookup("example.com")
        .verify("mx1.example.com", List.of(), "TLSv1.1");
    Verdict.Refuse refuse = assertInstanceOf(Verdict.Refuse.class, v);
    assertEquals("tls-version", refuse.failure().failureReasonCode());
    assertEquals(ResultType.VALIDATION_FAILURE, refuse.failure().resultType());
  }

  @Test
  void failedDaneIsNeverOverridden() {
    for (PolicyState s : List.of(applied(Mode.TESTING), applied(Mode.NONE),
        noPolicy())) {
      Verdict v = facade(s, false).lookup("example.com")
          .verify("mx1.example.com", List.of(), "TLSv1.3", Dane.FAILED);
      assertEquals(ResultType.TLSA_INVALID, assertInstanceOf(Verdict.Refuse.class, v).failure().resultType());
    }
  }

  @Test
  void handshakeFailureMessageIsEscaped() {
    Verdict v = facade(applied(Mode.ENFORCE), false).lookup("example.com")
        .handshakeFailed("mx1.example.com", "bad\r\nInjected: line");
    String detail = assertInstanceOf(Verdict.Refuse.class, v).failure().detail();
    assertFalse(detail.contains("\r") || detail.contains("\n"), detail);
  }

  @Test
  void allCandidatesFailedIsATemporaryInstruction() {
    PolicyLookup.RetryLater retry = facade(applied(Mode.ENFORCE), false).lookup("example.com")
        .allCandidatesFailed();
    assertEquals("example.com", retry.domain());
    assertTrue(retry.message().contains("check the policy id again"));
  }

  @Test
  void domainIsNormalisedAndValidated() {
    MtaSts mtaSts = facade(applied(Mode.ENFORCE), false);
    assertThrows(IllegalArgumentException.class, () -> mtaSts.lookup("a b.example.com"));
    assertEquals("mx1.example.com",
        mtaSts.sslParameters("MX1.Example.com.").getServerNames().get(0).toString()
            .replaceAll(".*=", "").replace("]", "").trim().toLowerCase());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(mtaSts.sslParameters("mx1.example.com").getProtocols()));
  }
}
