package dev.mtasts.cli;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtasts lint tlsrpt}: checks the TXT answer set of {@code _smtp._tls.<domain>}. */
@Command(
    name = "tlsrpt",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Check the TXT records of an _smtp._tls (TLS-RPT) answer and say how to fix them.",
    description = {
      "Check the TXT records of one _smtp._tls.<domain> answer, as senders read them (RFC 8460"
          + " section 3): when there are several records, exactly one must begin with"
          + " 'v=TLSRPTv1;'. Reports go only to mailto: and https: URIs; others are skipped.",
      "Give each record as one argument, its strings already joined without spaces, for example:",
      "  mtasts lint tlsrpt 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com'",
      "",
      "Each problem is printed as 'record N:POSITION: error|warning: message' (N counts the"
          + " records from 1; 'answer:' when it concerns the whole answer).",
      "",
      "With --json, one JSON object is printed on one line:",
      "  valid     true or false",
      "  rua       the URIs reports are sent to ([] when invalid)",
      "  errors    [{\"record\":N,\"position\":N,\"message\":...}]",
      "            (record 0: the whole answer; position 0: the whole record)",
      "  warnings  the same shape as errors"
    })
final class LintTlsRptCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Parameters(
      arity = "1..*",
      paramLabel = "RECORD",
      description = "One TXT record of the answer (quote it for the shell).")
  private List<String> records = new ArrayList<>();

  LintTlsRptCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    ParseResult<TlsRptRecord> result = TlsRptRecord.parse(records);
    if (json) {
      io.println(toJson(result));
    } else {
      printHuman(result);
    }
    return result.isValid() ? ExitCodes.OK : ExitCodes.INVALID;
  }

  static String toJson(ParseResult<TlsRptRecord> result) {
    return Json.object(g -> {
      g.writeBooleanField("valid", result.isValid());
      g.writeArrayFieldStart("rua");
      for (URI uri : result.value().map(TlsRptRecord::rua).orElse(List.of())) {
        g.writeString(uri.toASCIIString());
      }
      g.writeEndArray();
      Json.recordProblems(g, "errors", result.errors());
      Json.recordProblems(g, "warnings", result.warnings());
    });
  }

  private void printHuman(ParseResult<TlsRptRecord> result) {
    io.println("TLS-RPT answer, " + Human.plural(records.size(), "record") + ": "
        + (result.isValid() ? "valid" : "invalid")
        + Human.counts(result.errors().size(), result.warnings().size()));
    for (String line : Human.problems(Human.inAnswer(), result)) {
      io.println(line);
    }
    if (result instanceof ParseResult.Valid<TlsRptRecord> valid) {
      TlsRptRecord record = valid.get();
      for (URI uri : record.rua()) {
        io.println("  rua:        " + Terminal.safe(uri.toASCIIString())
            + (uri.getScheme().equals("mailto")
                ? " (report by email, DKIM-signed by the sender)"
                : " (report by HTTPS POST)"));
      }
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
}
