package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box tests of {@code java -jar mtasts.jar demo}: run as a newcomer runs it, without a hosts
 * file (so the demo starts its second JVM with one of its own), and in a network namespace that has
 * only a loopback interface.
 */
class DemoJarIT {
  private static final long TIMEOUT_SECONDS = 120;

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
  void demoRunsFromTheJar() throws Exception {
    Cli.Run run = run(javaDemo());

    assertEquals(0, run.exitCode(), run.out() + run.err());
    DemoOutput.assertStory(run.out());
    assertEquals("", run.err(), "nothing on standard error");
  }

  @Test
  void demoRunsWithOnlyLoopback() throws Exception {
    String flags = unshareFlags().orElse(null);
    Assumptions.assumeTrue(flags != null, "skipped: cannot create a network namespace here"
        + " (needs unshare(1) from util-linux, ip(8) from iproute2, and root or unprivileged user"
        + " namespaces)");

    Cli.Run links = run(inNamespace(flags, "ip -o link show", List.of()));
    assertEquals(0, links.exitCode(), links.err());
    assertEquals(1, links.lines().size(), "only loopback in the namespace: " + links.out());
    assertTrue(links.out().contains(": lo:"), links.out());

    Cli.Run run = run(inNamespace(flags, "exec \"$0\" \"$@\"", javaDemo()));

    assertEquals(0, run.exitCode(), run.out() + run.err());
    DemoOutput.assertStory(run.out());
  }

  /**
   * The unshare(1) flags that give a new network namespace on this machine: {@code -n} as root,
   * {@code -rn} (mapped to root in a new user namespace) otherwise; empty when neither works.
   */
  private Optional<String> unshareFlags() throws InterruptedException {
    for (String flags : List.of("-n", "-rn")) {
      try {
        if (run(inNamespace(flags, "true", List.of())).exitCode() == 0) {
          return Optional.of(flags);
        }
      } catch (IOException e) {
        return Optional.empty(); // no unshare
      }
    }
    return Optional.empty();
  }

  /** Runs a shell script in a new network namespace, after bringing its loopback interface up. */
  private static List<String> inNamespace(String flags, String script, List<String> args) {
    List<String> command = new ArrayList<>(
        List.of("unshare", flags, "sh", "-c", "ip link set lo up && " + script));
    command.addAll(args);
    return command;
  }

  private static List<String> javaDemo() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "demo");
  }

  private Cli.Run run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
            Files.createFile(tmp.resolve("stdin-" + System.nanoTime())).toFile())).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish within " + TIMEOUT_SECONDS + " s: " + command);
    }
    return new Cli.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
