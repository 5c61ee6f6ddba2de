package dev.mtasts.cli;

import java.io.InputStream;
import java.io.PrintWriter;

/**
 * The standard streams of one run of the tool, so tests can run it in-process.
 *
 * @param in standard input, read as raw bytes
 * @param out standard output: results
 * @param err standard error: diagnostics about the run itself
 */
record Io(InputStream in, PrintWriter out, PrintWriter err) {
  /**
   * Writes one line to standard output; lines end in LF on every platform.
   *
   * @param line the line, already made safe for a terminal
   */
  void println(String line) {
    out.print(line);
    out.print('\n');
  }

  /**
   * Writes one diagnostic line to standard error, prefixed with the tool name.
   *
   * @param message the message, already made safe for a terminal
   */
  void error(String message) {
    err.print("mtasts: ");
    err.print(message);
    err.print('\n');
    err.flush();
  }
}
