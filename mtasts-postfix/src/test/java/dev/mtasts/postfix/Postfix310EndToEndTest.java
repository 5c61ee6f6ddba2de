package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Postfix 3.10 with the TLSRPT-attributes zone: the lab of {@link PostfixEndToEndTest}, run
 * with a Postfix 3.10 tree made by {@code src/test/postfix310/install.sh} and named by the
 * environment variable {@value #TREE_VARIABLE} ({@code .ci/run} makes it and sets the variable).
 * Skipped without the tree, and without root.
 */
class Postfix310EndToEndTest {
  static final String TREE_VARIABLE = "MTASTS_POSTFIX310_TREE";

  @Test
  void postfix310TakesTheAttributesAndKeepsWildcardsToOneLabel(@TempDir Path dir)
      throws Exception {
    String tree = System.getenv(TREE_VARIABLE);
    Assumptions.assumeTrue(tree != null && !tree.isBlank(), "Postfix 3.10 end-to-end test"
        + " skipped: " + TREE_VARIABLE + " is not set (.ci/run sets it to the tree that"
        + " mtasts-postfix/src/test/postfix310/install.sh makes)");
    Path root = Path.of(tree, "root");
    Assumptions.assumeTrue(Files.isExecutable(root.resolve("usr/sbin/postfix")),
        "Postfix 3.10 end-to-end test skipped: no Postfix tree in " + tree
        + " (make one with mtasts-postfix/src/test/postfix310/install.sh " + tree + ")");
    String missing = Namespace.missing("/usr/sbin/dnsmasq");
    Assumptions.assumeTrue(missing == null, "Postfix 3.10 end-to-end test skipped: " + missing);

    PostfixLab.Run r = PostfixLab.runInNamespace(dir, "--postfix", root.toString(),
        "--tlsrpt-attributes");
    String all = r.all();
    assertEquals(0, r.code(), all);
    // smtp_tls_enforce_sts_mx_patterns (default yes) arrived in 3.10.5; it needs only the
    // attributes, not Postfix's own TLS-RPT (smtp_tlsrpt_enable, off here).
    Matcher version = Pattern.compile("mail_version = ([0-9.]+)").matcher(r.get("postconf"));
    assertTrue(version.find(), all);
    assertTrue(Runtime.Version.parse(version.group(1))
        .compareTo(Runtime.Version.parse("3.10.5")) >= 0, all);
    assertTrue(r.get("postconf").contains("smtp_tlsrpt_enable = no"), all);

    // Postfix was told the attributes and took them: nothing was deferred for them, and the
    // domains Postfix 3.7 delivers are delivered alike.
    assertTrue(r.get("good.test.reply").startsWith("OK secure match=mx1.good.test"
        + " servername=hostname policy_type=sts policy_domain=good.test"
        + " mx_host_pattern=mx1.good.test"), all);
    assertFalse(r.log().contains("invalid attribute name"), all);
    PostfixEndToEndTest.assertDeliveredOnlyWhereThePolicyAllows(r);
    // Unlike Postfix 3.7, which connects and then fails the certificate check, Postfix 3.10
    // skips an MX that matches no mx_host_pattern without connecting to it.
    assertTrue(r.log().contains("warning: MX name 'mx9.unlisted.test' does not match STS MX"
        + " pattern for 'unlisted.test'"), all);
    assertEquals("0", r.get("unlisted.test.connections"), all);

    // *.wild.test and MX mx1.wild.test: delivered, the certificate verified.
    assertEquals("sent", r.get("wild.test.status"), all);
    assertEquals("1", r.get("wild.test.received"), all);
    assertEquals("true", r.get("wild.test.verified"), all);

    // *.deep.test and MX a.b.deep.test (its certificate is good for that name): with the
    // attributes, Postfix 3.10 keeps the wildcard to one label (RFC 8461 section 4.1) and defers.
    assertTrue(r.get("deep.test.reply").contains("mx_host_pattern=*.deep.test"), all);
    // It does not even connect, and says why in a warning; the status line gives the generic
    // "server unavailable or unable to receive mail" (4.3.0).
    assertEquals("deferred", r.get("deep.test.status"), all);
    assertTrue(r.log().contains(
        "warning: MX name 'a.b.deep.test' does not match STS MX pattern for 'deep.test'"), all);
    assertEquals("0", r.get("deep.test.connections"), all);
    assertEquals("0", r.get("deep.test.received"), all);
    assertTrue(r.get("queue").contains("user@deep.test"), all);

    // The same set-up from a zone without the attributes: Postfix's own `.deepnoattr.test`
    // matches any depth, and the mail is delivered.
    assertEquals("OK secure match=.deepnoattr.test servername=hostname",
        r.get("deepnoattr.test.reply"), all);
    assertFalse(r.log().contains("STS MX pattern for 'deepnoattr.test'"), all);
    assertEquals("sent", r.get("deepnoattr.test.status"), all);
    assertEquals("1", r.get("deepnoattr.test.received"), all);
    assertEquals("true", r.get("deepnoattr.test.verified"), all);
  }
}
