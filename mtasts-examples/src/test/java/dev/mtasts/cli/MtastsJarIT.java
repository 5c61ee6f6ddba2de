package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box tests: the shaded {@code target/mtasts.jar} run with {@code java -jar}. */
class MtastsJarIT {
  private static Path jar;
  private static Path samples;

  @TempDir
  Path tmp;

  @BeforeAll
  static void locate() {
    jar = Path.of(required("mtasts.jar"));
    samples = Path.of(required("mtasts.samples"));
    assertTrue(Files.isRegularFile(jar), "the shaded jar is missing: " + jar);
  }

  @Test
  void validPolicyWithMx() throws Exception {
    String file = samples.resolve("example.com.policy").toString();
    Cli.Run run = java(null, "lint", "policy", "--json", "--mx", "a.mx.example.net",
        "--mx", "evil.example", file);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    List<JsonNode> objects = run.json();
    assertEquals(1, objects.size());
    JsonNode o = objects.get(0);
    assertEquals(List.of("file", "valid", "mode", "max_age", "mx", "errors", "warnings",
        "mx_match"), Cli.keys(o));
    assertEquals(file, o.get("file").textValue());
    assertTrue(o.get("valid").booleanValue());
    assertEquals("enforce", o.get("mode").textValue());
    assertEquals(604800, o.get("max_age").longValue());
    assertEquals("[\"mail.example.com\",\"*.mx.example.net\"]", o.get("mx").toString());
    assertTrue(o.get("mx_match").get("a.mx.example.net").booleanValue());
    assertFalse(o.get("mx_match").get("evil.example").booleanValue());
  }

  @Test
  void invalidPolicy() throws Exception {
    String file = samples.resolve("broken.policy").toString();
    Cli.Run run = java(null, "lint", "policy", "--json", "--mx", "mail.example.com", file);

    assertEquals(1, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("file", "valid", "errors", "warnings"), Cli.keys(o));
    assertFalse(o.get("valid").booleanValue());
    assertEquals(4, o.get("errors").size());
    assertEquals(2, o.get("errors").get(0).get("line").intValue());
  }

  @Test
  void policyFromStdin() throws Exception {
    byte[] body = "version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 86400\n"
        .getBytes(StandardCharsets.US_ASCII);
    Cli.Run run = java(body, "lint", "policy", "--json", "-");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("-", run.json().get(0).get("file").textValue());
    assertEquals("testing", run.json().get(0).get("mode").textValue());
  }

  @Test
  void unreadableFileExitsTwoAfterCheckingTheOthers() throws Exception {
    String missing = tmp.resolve("missing.policy").toString();
    String valid = samples.resolve("example.com.policy").toString();
    Cli.Run run = java(null, "lint", "policy", "--json", missing, valid);

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no such file"), run.err());
    assertEquals(2, run.json().size());
    assertTrue(run.json().get(1).get("valid").booleanValue());
  }

  @Test
  void theReadmeCommandPrintsASummary() throws Exception {
    String file = samples.resolve("example.com.policy").toString();
    Cli.Run run = java(null, "lint", "policy", file);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(file + ": valid", run.lines().get(0));
    assertTrue(run.lines().contains("  max_age: 604800 seconds (1 week)"), run.out());
  }

  @Test
  void validRecordSet() throws Exception {
    Cli.Run run = java(null, "lint", "record", "--json", "v=spf1 -all", "v=STSv1; id=20260101");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "id", "errors", "warnings"), Cli.keys(o));
    assertEquals("20260101", o.get("id").textValue());
    assertEquals(1, o.get("warnings").get(0).get("record").intValue());
  }

  @Test
  void invalidRecordSet() throws Exception {
    Cli.Run run = java(null, "lint", "record", "--json", "v=STSv1; id=1", "v=STSv1; id=2");

    assertEquals(1, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "errors", "warnings"), Cli.keys(o));
    assertEquals(0, o.get("errors").get(0).get("record").intValue());
  }

  @Test
  void tlsRptRecord() throws Exception {
    Cli.Run run = java(null, "lint", "tlsrpt", "--json",
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,http://old.example/");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "rua", "errors", "warnings"), Cli.keys(o));
    assertEquals("[\"mailto:tlsrpt@example.com\"]", o.get("rua").toString());
    assertEquals(1, o.get("warnings").size());
  }

  @Test
  void usageErrorExitsTwo() throws Exception {
    Cli.Run run = java(null, "lint", "policy");

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().contains("Usage: mtasts lint policy"), run.err());
  }

  @Test
  void versionComesFromTheBuild() throws Exception {
    Cli.Run run = java(null, "--version");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("mtasts " + required("mtasts.version"), run.lines().get(0));
  }

  @Test
  void checkAgainstLoopbackServers() throws Exception {
    TestCertificateAuthority ca = TestCertificateAuthority.create();
    Path pem = ca.writePem(tmp.resolve("ca.pem"));
    try (LoopbackDnsServer dns = LoopbackDnsServer.start();
        PolicyHost host = PolicyHost.start("example.test", ca.issue("mta-sts.example.test"));
        SmtpServer mx = SmtpServer.start("mx1.example.test", ca.issue("mx1.example.test",
            "mx2.example.test", "*.backup.example.test").serverContext())) {
      dns.txt("_mta-sts.example.test", "v=STSv1; id=20260501")
          .mx("example.test", 10, "mx1.example.test")
          .mx("example.test", 20, "mx2.example.test")
          .mx("example.test", 30, "mx3.backup.example.test")
          .txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
      String[] args = {"check", "--json", "--dns", "127.0.0.1:" + dns.port(), "--trust-pem",
          pem.toString(), "--policy-port", String.valueOf(host.port()), "--smtp-port",
          String.valueOf(mx.port()), "example.test"};
      // The child JVM resolves mta-sts.example.test to loopback through the test hosts file.
      List<String> jvm = List.of("-Djdk.net.hosts.file=" + required("mtasts.hosts"));

      Cli.Run ok = java(jvm, null, args);

      assertEquals(0, ok.exitCode(), ok.err());
      JsonNode o = ok.json().get(0);
      assertEquals(List.of("domain", "findings", "record", "policy", "mx", "tlsrpt"), Cli.keys(o));
      assertEquals(0, o.get("findings").size(), o.toString());
      assertEquals("20260501", o.get("record").get("id").textValue());
      assertEquals("enforce", o.get("policy").get("mode").textValue());
      assertEquals(3, o.get("mx").size());
      assertTrue(o.get("mx").get(2).get("covered").booleanValue());
      for (JsonNode m : o.get("mx")) {
        assertTrue(m.get("smtp").get("starttls").booleanValue(), m.toString());
        assertTrue(m.get("smtp").get("result_type").isNull(), m.toString());
      }
      assertEquals(3, mx.connections());

      dns.mx("example.test", 40, "mx9.example.test");
      Cli.Run bad = java(jvm, null, args);

      assertEquals(1, bad.exitCode(), bad.err());
      JsonNode finding = bad.json().get(0).get("findings").get(0);
      assertEquals("mx-not-covered", finding.get("code").textValue());
      assertEquals("error", finding.get("severity").textValue());
      assertEquals(2, host.requestCount());
    }
  }

  private Cli.Run java(byte[] stdin, String... args) throws IOException, InterruptedException {
    return java(List.of(), stdin, args);
  }

  private Cli.Run java(List<String> jvmOptions, byte[] stdin, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin == null ? new byte[0] : stdin);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mtasts did not finish within 60 s: " + command);
    }
    return new Cli.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException("system property " + property + " is not set; run the"
          + " black-box tests through Maven (mvn verify)");
    }
    return value;
  }
}
