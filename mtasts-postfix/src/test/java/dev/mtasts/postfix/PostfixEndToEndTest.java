package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
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
    int code = Namespace.run(dir, PostfixLab.class, 120);
    String log = Files.exists(dir.resolve("lab.log")) ? Files.readString(dir.resolve("lab.log"))
        : "(no log)";
    assertEquals(0, code, log);
    Properties r = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("results.properties"))) {
      r.load(in);
    }
    String all = r + "\n" + log;
    // Listed MX, good certificate: delivered, with the certificate checked against the MX name.
    assertEquals("sent", r.getProperty("good.test.status"), all);
    assertEquals("1", r.getProperty("good.test.received"), all);
    assertEquals("true", r.getProperty("good.verified"), all);
    // Enforce, MX not in the policy / certificate for another name: deferred and kept queued.
    assertEquals("deferred", r.getProperty("unlisted.test.status"), all);
    assertEquals("0", r.getProperty("unlisted.test.received"), all);
    assertEquals("deferred", r.getProperty("badcert.test.status"), all);
    assertEquals("0", r.getProperty("badcert.test.received"), all);
    assertTrue(r.getProperty("queue").contains("user@unlisted.test"), all);
    assertTrue(r.getProperty("queue").contains("user@badcert.test"), all);
    // Testing and no policy: delivered despite the bad certificate.
    assertEquals("sent", r.getProperty("testing.test.status"), all);
    assertEquals("1", r.getProperty("testing.test.received"), all);
    assertEquals("sent", r.getProperty("plain.test.status"), all);
    assertEquals("1", r.getProperty("plain.test.received"), all);
    // After a NOTFOUND, Postfix asked for the parent key .test: answered without a lookup.
    String metrics = r.getProperty("metrics");
    assertTrue(metrics.matches("(?s).*mtasts_postfix_lookups_total\\{outcome=\"parent-key\"\\}"
        + " [1-9].*"), metrics);
  }
}
