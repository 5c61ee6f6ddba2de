package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.tlsrpt.AppliedPolicy;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PendingReport;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.SessionFailure;
import dev.mtasts.tlsrpt.TlsRptEmail;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReportWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box tests of {@code init} and {@code report} in the shaded {@code target/mtasts.jar}: the
 * jar's DNS client and its Jakarta Mail parsing work without the test classpath.
 */
class OwnerToolsJarIT {
  private static Path jar;

  @TempDir
  Path tmp;

  @BeforeAll
  static void locate() {
    String value = System.getProperty("mtasts.jar");
    if (value == null) {
      throw new IllegalStateException("system property mtasts.jar is not set; run the black-box"
          + " tests through Maven (mvn verify)");
    }
    jar = Path.of(value);
    assertTrue(Files.isRegularFile(jar), "the shaded jar is missing: " + jar);
  }

  @Test
  void initPrintsWhatTheLibraryParses() throws Exception {
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.mx("jar.example.test", 10, "mx.jar.example.test");

      Cli.Run run = java("init", "--json", "--dns", "127.0.0.1:" + dns.port(), "--rua",
          "mailto:tlsrpt@jar.example.test", "jar.example.test");

      assertEquals(0, run.exitCode(), run.err());
      JsonNode o = run.json().get(0);
      assertTrue(StsRecord.parse(o.get("sts_record").get("value").textValue()).isValid());
      assertTrue(Policy.parse(o.get("policy").get("text").textValue()).orElseThrow()
          .permits("mx.jar.example.test"));
    }
  }

  @Test
  void reportReadsAReportEmailAndAGzipFile() throws Exception {
    TlsRptReport report = TlsRptReport.forDay(LocalDate.parse("2026-05-01"), "Sender",
        "tlsrpt@sender.example", "jar-1", List.of(new PolicyResult(
            AppliedPolicy.stsUnavailable("example.com"), 0, 4, List.of(new FailureDetail(
                SessionFailure.of(ResultType.STS_WEBPKI_INVALID, null, "mx.example.com", null,
                    null, null), 4, Optional.empty())))));
    PendingReport pending = new PendingReport("jar-2", "example.com", "sender.example",
        LocalDate.parse("2026-05-02"), "x.json.gz", TlsRptReportWriter.gzip(
            TlsRptReport.forDay(LocalDate.parse("2026-05-02"), "Sender", "tlsrpt@sender.example",
                "jar-2", report.policies())), URI.create("mailto:tlsrpt@example.com"),
        Instant.parse("2026-05-03T00:00:00Z"), Instant.parse("2026-05-03T00:00:00Z"), 0);
    Path gz = Files.write(tmp.resolve("report.json.gz"), TlsRptReportWriter.gzip(report));
    Path eml = Files.write(tmp.resolve("report.eml"), TlsRptEmail.of(pending,
        "tlsrpt@sender.example", Instant.parse("2026-05-03T00:00:00Z")).message());

    Cli.Run run = java("report", "--json", gz.toString(), eml.toString());

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals(List.of(("{'reports':2,'from':'2026-05-01T00:00:00Z',"
        + "'to':'2026-05-02T23:59:59Z','errors':[],'policies':[{'policy_domain':'example.com',"
        + "'policy_type':'sts','successful':0,'failed':8,'failures':[{"
        + "'result_type':'sts-webpki-invalid','receiving_mx_hostname':'mx.example.com',"
        + "'count':8}]}]}").replace('\'', '"')), run.lines());
  }

  private Cli.Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
            Files.createFile(tmp.resolve("stdin-" + System.nanoTime())).toFile())).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mtasts did not finish within 60 s: " + command);
    }
    return new Cli.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
