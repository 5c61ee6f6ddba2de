package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtasts demo} in this JVM: surefire's hosts file maps the demo's host names to loopback, so
 * the demo runs in-process, and what it tells is checked against what the servers saw (the demo
 * checks that itself) and against the reports printed.
 */
@Timeout(120)
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void tellsTheFourScenesAndExitsZero() {
    assertTrue(DemoCommand.mapsDemoNames(System.getProperty("jdk.net.hosts.file")),
        "src/test/resources/hosts must list the demo's host names");

    Cli.Run run = Cli.run("demo");

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals("", run.err());
    DemoOutput.assertStory(run.out());
    assertTrue(run.out().startsWith(
        "mtasts demo: MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) at work, offline\n"), run.out());
    for (String line : run.lines()) {
      assertTrue(line.length() <= 100, "longer than 100 characters: " + line);
      assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "not plain ASCII: " + line);
    }
  }

  @Test
  void theSecondJvmsHostsFileMapsExactlyTheDemosNames() throws Exception {
    Path hosts = Files.writeString(tmp.resolve("hosts"), DemoCommand.hostsFile());

    assertTrue(DemoCommand.mapsDemoNames(hosts.toString()));
    assertEquals(DemoRun.HOST_NAMES.size(),
        Files.readAllLines(hosts).stream().filter(l -> l.startsWith("127.0.0.1 ")).count());
  }

  @Test
  void aHostsFileThatMissesANameOrMapsItElsewhereIsNotEnough() throws Exception {
    String complete = DemoCommand.hostsFile();
    Path missing = Files.writeString(tmp.resolve("missing"),
        complete.replace("127.0.0.1 mx.trial.demo.test\n", ""));
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere"),
        complete.replace("127.0.0.1 mx.trial.demo.test", "192.0.2.1 mx.trial.demo.test"));
    Path commented = Files.writeString(tmp.resolve("commented"),
        complete.replace("127.0.0.1 mx.trial.demo.test", "# 127.0.0.1 mx.trial.demo.test"));

    assertFalse(DemoCommand.mapsDemoNames(missing.toString()));
    assertFalse(DemoCommand.mapsDemoNames(elsewhere.toString()));
    assertFalse(DemoCommand.mapsDemoNames(commented.toString()));
    assertFalse(DemoCommand.mapsDemoNames(tmp.resolve("absent").toString()));
    assertFalse(DemoCommand.mapsDemoNames(null));
  }
}
