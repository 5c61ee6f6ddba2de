package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtasts check} against a real TLS 1.1-only MX server. The JDK disables TLS 1.1, so this
 * class runs in the surefire execution "tls11", whose JVM loads {@code tls11.security} (the server
 * needs it; the check itself offers TLS 1.2 and 1.3 only, as senders do).
 */
@Timeout(60)
class CheckCommandTls11Test {
  private static final String DOMAIN = "example.test";
  private static final String MX = "mx1.example.test";
  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();

  @TempDir
  static Path tmp;

  private static PolicyHost host;
  private static LoopbackDnsServer dns;
  private static Path caPem;

  @BeforeAll
  static void start() throws Exception {
    boolean enabled = List.of(SSLContext.getDefault().getDefaultSSLParameters().getProtocols())
        .contains("TLSv1.1");
    if (Boolean.getBoolean("mtasts.tls11")) {
      assertTrue(enabled, "the tls11 execution must load tls11.security");
    }
    assumeTrue(enabled, "TLS 1.1 is disabled in this JVM (see the surefire execution tls11)");
    host = PolicyHost.start(DOMAIN, CA.issue("mta-sts." + DOMAIN));
    caPem = CA.writePem(tmp.resolve("ca.pem"));
    dns = LoopbackDnsServer.start();
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=20260501")
        .mx(DOMAIN, 10, MX)
        .txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
  }

  @AfterAll
  static void stop() {
    if (host != null) {
      host.close();
      dns.close();
    }
  }

  @Test
  void aTls11OnlyMxIsAnErrorUnderEnforceAndAWarningUnderTesting() {
    try (SmtpServer old = SmtpServer.start(MX, CA.issue(MX).serverContext(), "TLSv1.1")) {
      host.body("version: STSv1\r\nmode: enforce\r\nmx: " + MX + "\r\nmax_age: 604800\r\n");
      JsonNode o = check(old, 1);

      assertEquals(List.of("mx-tls-version-old/error"), findings(o));
      JsonNode smtp = o.get("mx").get(0).get("smtp");
      assertEquals("127.0.0.1", smtp.get("address").textValue());
      assertTrue(smtp.get("starttls").booleanValue());
      assertTrue(smtp.get("tls_version").isNull(), smtp.toString());
      assertEquals("validation-failure", smtp.get("result_type").textValue());
      assertTrue(smtp.get("certificate").isNull(), smtp.toString());
      assertTrue(smtp.get("error").textValue().startsWith("the TLS handshake failed: "),
          smtp.toString());
      String message = o.get("findings").get(0).get("message").textValue();
      assertTrue(message.contains("it offers no TLS version of 1.2 or newer"), message);
      assertTrue(message.contains("Fix: enable TLS 1.2 and 1.3"), message);
      assertTrue(old.messages().isEmpty());

      host.body("version: STSv1\r\nmode: testing\r\nmx: " + MX + "\r\nmax_age: 604800\r\n");
      assertEquals(List.of("mode-testing/info", "mx-tls-version-old/warning"),
          findings(check(old, 0)));
    }
  }

  private static JsonNode check(SmtpServer mx, int exitCode) {
    Cli.Run run = Cli.run("check", "--json", "--dns", "127.0.0.1:" + dns.port(), "--trust-pem",
        caPem.toString(), "--policy-port", String.valueOf(host.port()), "--smtp-port",
        String.valueOf(mx.port()), "--timeout", "5s", DOMAIN);
    assertEquals(exitCode, run.exitCode(), run.out() + run.err());
    return run.json().get(0);
  }

  private static List<String> findings(JsonNode o) {
    return java.util.stream.StreamSupport.stream(o.get("findings").spliterator(), false)
        .map(f -> f.get("code").textValue() + "/" + f.get("severity").textValue()).toList();
  }
}
