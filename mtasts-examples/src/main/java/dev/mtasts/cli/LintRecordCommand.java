package dev.mtasts.cli;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.StsRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtasts lint record}: checks the TXT answer set of {@code _mta-sts.<domain>}. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Check the TXT records of an _mta-sts answer and say how to fix them.",
    description = {
      "Check the TXT records of one _mta-sts.<domain> answer, as senders read them: when there are"
          + " several records, exactly one must begin with 'v=STSv1;'.",
      "Give each record as one argument, its strings already joined without spaces, for example:",
      "  mtasts lint record 'v=STSv1; id=20260101T000000'",
      "",
      "Each problem is printed as 'record N:POSITION: error|warning: message' (N counts the"
          + " records from 1; 'answer:' when it concerns the whole answer).",
      "",
      "With --json, one JSON object is printed on one line:",
      "  valid     true or false",
      "  id        the policy id (only when valid)",
      "  errors    [{\"record\":N,\"position\":N,\"message\":...}]",
      "            (record 0: the whole answer; position 0: the whole record)",
      "  warnings  the same shape as errors"
    })
final class LintRecordCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Parameters(
      arity = "1..*",
      paramLabel = "RECORD",
      description = "One TXT record of the answer (quote it for the shell).")
  private List<String> records = new ArrayList<>();

  LintRecordCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    ParseResult<StsRecord> result = StsRecord.parse(records);
    if (json) {
      io.println(toJson(result));
    } else {
      printHuman(result);
    }
    return result.isValid() ? ExitCodes.OK : ExitCodes.INVALID;
  }

  static String toJson(ParseResult<StsRecord> result) {
    return Json.object(g -> {
      g.writeBooleanField("valid", result.isValid());
      if (result.value().isPresent()) {
        g.writeStringField("id", result.value().get().id());
      }
      Json.recordProblems(g, "errors", result.errors());
      Json.recordProblems(g, "warnings", result.warnings());
    });
  }

  private void printHuman(ParseResult<StsRecord> result) {
    io.println("TXT answer, " + Human.plural(records.size(), "record") + ": "
        + (result.isValid() ? "valid" : "invalid")
        + Human.counts(result.errors().size(), result.warnings().size()));
    for (String line : Human.problems(Human.inAnswer(), result)) {
      io.println(line);
    }
    if (result instanceof ParseResult.Valid<StsRecord> valid) {
      StsRecord record = valid.get();
      if (records.size() > 1) {
        io.println("  record:     " + (chosen() + 1) + " of " + records.size());
      }
      io.println("  id:         " + Terminal.safe(record.id())
          + " (senders fetch the policy again when the id changes)");
      if (!record.extensions().isEmpty()) {
        List<String> ext = new ArrayList<>();
        for (Map.Entry<String, String> e : record.extensions().entrySet()) {
          ext.add(e.getKey() + "=" + e.getValue());
        }
        io.println("  extensions: " + Terminal.safe(String.join("; ", ext))
            + " (ignored by senders)");
      }
    }
  }

  /** The index of the record a valid multi-record answer was read from. */
  private int chosen() {
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).startsWith("v=STSv1;")) {
        return i;
      }
    }
    return 0;
  }
}
