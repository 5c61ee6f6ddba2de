package dev.mtasts.cli;

/** The exit codes of the {@code mtasts} commands. */
final class ExitCodes {
  /** Everything checked is valid. */
  static final int OK = 0;
  /** At least one input is invalid (and every input could be read). */
  static final int INVALID = 1;
  /** Bad command line, or an input could not be read; this wins over {@link #INVALID}. */
  static final int USAGE_OR_IO = 2;
  /** A bug in the tool: an unexpected exception. */
  static final int INTERNAL = 3;

  /** The exit code list shown by {@code --help}. */
  static final String[] HELP = {
    "0:every input is valid",
    "1:at least one input is invalid",
    "2:usage error, or an input could not be read",
    "3:internal error (please report it)"
  };

  private ExitCodes() {}
}
