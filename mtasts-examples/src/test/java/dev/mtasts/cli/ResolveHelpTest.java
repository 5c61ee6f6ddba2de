package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code mtasts resolve --help}: the exit codes it lists are the ones it returns. */
class ResolveHelpTest {

  @Test
  void theExitCodesAgreeWithTheDescription() {
    Cli.Run run = Cli.run("resolve", "--help");

    assertEquals(0, run.exitCode(), run.err());
    String out = run.out();
    assertTrue(out.contains("The exit code is 0 whenever the domain was resolved"), out);
    assertTrue(out.contains("0   the domain was resolved, whatever the outcome"), out);
    assertTrue(out.contains("2   usage error, or the policy store or the --trust-pem file could"
        + " not be read"), out);
    // The lint commands' list ("1   at least one input is invalid") does not apply: resolve
    // never exits 1.
    assertFalse(out.contains("every input is valid"), out);
    assertFalse(out.contains("1   "), out);
  }
}
