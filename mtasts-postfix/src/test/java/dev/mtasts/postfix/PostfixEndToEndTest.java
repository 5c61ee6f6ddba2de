package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Postfix (the Debian package) sends real mail through our daemon to STARTTLS sinks, inside a
 * network namespace the test makes itself. Needs root, postfix and dnsmasq; skipped otherwise.
 */
class PostfixEndToEndTest {

  @Test
  void postfixDeliversOnlyWhereThePolicyAllows(@TempDir Path dir) throws Exception {
    String missing = Namespace.missing("/usr/sbin/postfix", "/usr/sbin/dnsmasq");
    Assumptions.assumeTrue(missing == null,
        "Postfix end-to-end test skipped: " + missing);
    PostfixLab.Run run = PostfixLab.runInNamespace(dir);
    assertEquals(0, run.code(), run.all());
    assertDeliveredOnlyWhereThePolicyAllows(run);
  }

  /** What every Postfix does with the lab's common domains ({@link PostfixLab#DOMAINS}). */
  static void assertDeliveredOnlyWhereThePolicyAllows(PostfixLab.Run r) {
    String all = r.all();
    // Listed MX, good certificate: delivered, with the certificate checked against the MX name.
    assertEquals("sent", r.get("good.test.status"), all);
    assertEquals("1", r.get("good.test.received"), all);
    assertEquals("true", r.get("good.test.verified"), all);
    // Enforce, MX not in the policy / certificate for another name: deferred and kept queued.
    assertEquals("deferred", r.get("unlisted.test.status"), all);
    assertEquals("0", r.get("unlisted.test.received"), all);
    assertEquals("deferred", r.get("badcert.test.status"), all);
    assertEquals("0", r.get("badcert.test.received"), all);
    assertTrue(r.get("queue").contains("user@unlisted.test"), all);
    assertTrue(r.get("queue").contains("user@badcert.test"), all);
    // Testing and no policy: delivered despite the bad certificate.
    assertEquals("sent", r.get("testing.test.status"), all);
    assertEquals("1", r.get("testing.test.received"), all);
    assertEquals("sent", r.get("plain.test.status"), all);
    assertEquals("1", r.get("plain.test.received"), all);
    // After a NOTFOUND, Postfix asked for the parent key .test: answered without a lookup.
    String metrics = r.get("metrics");
    assertTrue(metrics.matches("(?s).*mtasts_postfix_lookups_total\\{outcome=\"parent-key\"\\}"
        + " [1-9].*"), metrics);
  }
}
