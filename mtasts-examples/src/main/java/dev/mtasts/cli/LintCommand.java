package dev.mtasts.cli;

import picocli.CommandLine.Command;

/** {@code mtasts lint}: groups the linters; it does nothing by itself. */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Check MTA-STS policies, MTA-STS and TLS-RPT TXT records the way a sending MTA reads them.",
    description = {
      "Check MTA-STS inputs the way a sending MTA reads them, and say how to fix them.",
      "Nothing is fetched: you give the policy body or the TXT records."
    },
    subcommands = {LintPolicyCommand.class, LintRecordCommand.class, LintTlsRptCommand.class})
final class LintCommand {
  LintCommand() {}
}
