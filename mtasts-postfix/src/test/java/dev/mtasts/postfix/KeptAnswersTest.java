package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The answers {@link PolicyAnswers} keeps for reuse follow the cache: a policy that changes, or
 * leaves, is never answered from an answer kept for the one before.
 */
class KeptAnswersTest {
  private static final String DOMAIN = "kept.test";

  private static String policy(String mode, String mx) {
    return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
  }

  @Test
  void aChangedPolicyIsAnsweredAsItIsNow() throws Exception {
    TestCertificateAuthority ca = TestCertificateAuthority.create();
    TestClock clock = new TestClock(Instant.now());
    try (LoopbackDnsServer dns = LoopbackDnsServer.start();
        PolicyHost host = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN))) {
      host.body(policy("enforce", "mx1.kept.test"));
      dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=1");
      MtaSts mtaSts = MtaSts.builder()
          .dnsClient(DnsjavaClient.builder().server(dns.address()).cache(false).build())
          .trustStore(ca.trustStore())
          .policyHostPort(host.port())
          .clock(clock)
          .cache(c -> c.idCheckInterval(Duration.ofMinutes(1), Duration.ofMinutes(1))
              .proactiveRefresh(Duration.ZERO))
          .build();
      try (PolicyAnswers answers = new PolicyAnswers(mtaSts, null, Duration.ofSeconds(30), false)) {
        Zone zone = Zone.defaults("postfix");
        String first = "OK secure match=mx1.kept.test servername=hostname";
        assertEquals(first, answers.answer(zone, DOMAIN).reply().wire());
        assertEquals(first, answers.answer(zone, DOMAIN).reply().wire(), "kept");

        host.body(policy("enforce", "mx2.kept.test"));
        dns.remove("_mta-sts." + DOMAIN);
        dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=2");
        clock.advance(Duration.ofMinutes(2)); // the id is due for a check
        String second = "OK secure match=mx2.kept.test servername=hostname";
        // A due check runs behind the cached answer; the next answers follow the new policy.
        awaitAnswer(answers, zone, second);
        assertEquals(second, answers.answer(zone, DOMAIN).reply().wire());

        host.body(policy("testing", "mx2.kept.test"));
        dns.remove("_mta-sts." + DOMAIN);
        dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=3");
        clock.advance(Duration.ofMinutes(2));
        awaitAnswer(answers, zone, "NOTFOUND ");
      }
    }
  }

  /** Asks until the answer is the one expected; fails after 20 seconds. */
  private static void awaitAnswer(PolicyAnswers answers, Zone zone, String expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String got = answers.answer(zone, DOMAIN).reply().wire();
    while (!got.equals(expected)) {
      if (System.nanoTime() > deadline) {
        assertEquals(expected, got, "still answered from before the change");
      }
      Thread.sleep(20);
      got = answers.answer(zone, DOMAIN).reply().wire();
    }
  }
}
