package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the tool is given that are not regular files, or too large: a FIFO would block a reader
 * forever and {@code /dev/zero} never ends. Each is refused with exit code 2 and one line on
 * standard error, without being read. The timeout only stops a run that hangs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonRegularInputTest {
  private static final String DOMAIN = "example.test";

  @TempDir
  Path tmp;

  private Path fifo(String name) throws IOException, InterruptedException {
    Path path = tmp.resolve(name);
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is available");
    return path;
  }

  private static void assertOneLineRefusal(Cli.Run run, String expected) {
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("mtasts: "), run.err());
    assertTrue(run.err().contains(expected), run.err());
  }

  @Test
  void aDeviceAsTrustPemIsRefusedUnread() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero));

    Cli.Run run = Cli.run("check", "--trust-pem", zero.toString(), DOMAIN);

    assertOneLineRefusal(run,
        "cannot read --trust-pem /dev/zero: it is a character device, not a regular file");
  }

  @Test
  void aFifoAsTrustPemIsRefusedWithoutBlocking() throws Exception {
    Path fifo = fifo("ca.pem");

    Cli.Run run = Cli.run("check", "--trust-pem", fifo.toString(), DOMAIN);

    assertOneLineRefusal(run, "it is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aTrustPemOverTheLimitIsRefused() throws IOException {
    Path big = tmp.resolve("big.pem");
    Files.write(big, new byte[InputFile.MAX_PEM_BYTES + 1]);

    Cli.Run run = Cli.run("check", "--trust-pem", big.toString(), DOMAIN);

    assertOneLineRefusal(run, "it is larger than 4 MiB");
  }

  @Test
  void aFifoAsPolicyFileIsRefusedWithoutBlocking() throws Exception {
    Path fifo = fifo("policy.txt");

    Cli.Run run = Cli.run("lint", "policy", fifo.toString());

    assertOneLineRefusal(run, "it is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aDeviceAsPolicyFileIsRefusedUnread() {
    assumeTrue(Files.exists(Path.of("/dev/zero")));

    Cli.Run run = Cli.run("lint", "policy", "/dev/zero");

    assertOneLineRefusal(run, "cannot read /dev/zero: it is a character device");
  }

  @Test
  void aFifoInTheStoreIsReportedAndSetAsideByCacheList() throws Exception {
    Path store = Files.createDirectories(tmp.resolve("store"));
    fifo("store/fifo.example.test.sts");

    Cli.Run run = Cli.run("cache", "list", "--store", store.toString());

    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("fifo.example.test.sts: not a regular file"), run.err());
    assertTrue(run.err().contains("set aside as"), run.err());
    assertTrue(Files.notExists(store.resolve("fifo.example.test.sts")));
    assertEquals(0, Cli.run("cache", "list", "--store", store.toString()).exitCode(),
        "the next run does not trip over it again");
  }
}
