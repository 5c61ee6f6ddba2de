package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MainTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "lint", "lint policy", "lint record", "lint tlsrpt", "check",
      "resolve", "cache", "cache list", "cache show", "cache refresh", "cache purge"})
  void everyCommandHasHelp(String command) {
    for (String option : List.of("--help", "-h")) {
      String[] args = (command.isEmpty() ? option : command + " " + option).split(" ");
      Cli.Run run = Cli.run(args);

      assertEquals(0, run.exitCode(), run.err());
      assertEquals("", run.err());
      String usage = "Usage: mtasts" + (command.isEmpty() ? "" : " " + command) + " [-hV]";
      assertTrue(run.out().contains(usage), run.out());
      assertTrue(run.out().contains("Exit codes:"), run.out());
    }
  }

  @Test
  void helpCommandShowsTheHelpOfACommand() {
    Cli.Run run = Cli.run("help", "lint");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("Usage: mtasts lint [-hV] [COMMAND]"), run.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V", "lint --version", "lint policy --version",
      "lint record -V", "check --version"})
  void versionIsTheProjectVersion(String args) throws IOException {
    Cli.Run run = Cli.run(args.split(" "));

    assertEquals(0, run.exitCode(), run.err());
    String version = VersionProvider.version();
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version);
    assertEquals("mtasts " + version, run.lines().get(0));
  }

  @Test
  void noCommandIsAUsageError() {
    Cli.Run run = Cli.run();

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().contains("Usage: mtasts [-hV] [COMMAND]"), run.err());
  }

  @Test
  void unknownCommandSuggestsTheRightOne() {
    Cli.Run run = Cli.run("lint", "polcy", "x");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("lint policy"), run.err());
  }

  @Test
  void unexpectedExceptionIsAnInternalError() {
    InputStream broken = new InputStream() {
      @Override
      public int read() {
        throw new IllegalStateException("boom\u001b[31m");
      }
    };
    Cli.Run run = Cli.run(broken, "lint", "policy", "-");

    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("internal error"), run.err());
    assertTrue(run.err().contains("boom\\x1b[31m"), run.err());
  }

  @Test
  void failingStdoutIsAnIoError() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("no space left on device");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"lint", "policy", "samples/example.com.policy"},
        InputStream.nullInputStream(), full, err);

    assertEquals(2, code);
    assertTrue(err.toString().contains("cannot write to standard output"), err.toString());
  }
}
