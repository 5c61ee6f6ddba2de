package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.cli.CheckReport.Finding;
import dev.mtasts.cli.CheckReport.MxFacts;
import dev.mtasts.cli.CheckReport.PolicyFacts;
import dev.mtasts.cli.CheckReport.RecordFacts;
import dev.mtasts.cli.CheckReport.Severity;
import dev.mtasts.cli.CheckReport.TlsRptFacts;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mtasts check}: looks up a domain's MTA-STS setup as senders do and reports findings. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Look up a domain's MTA-STS and TLS-RPT setup as senders do, and report what to fix.",
    description = {
      "Look up everything a sending MTA looks up for DOMAIN: the _mta-sts TXT record, the policy"
          + " at https://mta-sts.DOMAIN/.well-known/mta-sts.txt (fetched only when the record is"
          + " valid, as senders do), the MX hosts, and the _smtp._tls TLS-RPT record. Then report"
          + " each finding with a code and a severity (error, warning or info).",
      "",
      "With --json, one JSON object is printed on one line, with these keys:",
      "  domain    the domain checked, in A-labels",
      "  findings  [{code, severity, message}]; severity is error, warning or info",
      "  record    the _mta-sts TXT answer, or null:",
      "            {name, txt, valid, id, errors, warnings}",
      "  policy    the policy fetch, or null when not attempted:",
      "            {url, valid, result_type, mode, max_age, mx, errors, warnings}",
      "  mx        [{host, preference, covered}]; covered is null without a policy",
      "  tlsrpt    the _smtp._tls TXT answer, or null:",
      "            {name, txt, valid, rua, errors, warnings}",
      "The finding codes are listed in the README ('Checking your domain: mtasts check')."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:no error findings (warnings and info allowed)",
      "1:at least one error finding",
      "2:usage error, or the --trust-pem file could not be read",
      "3:internal error (please report it)"
    })
final class CheckCommand implements Callable<Integer> {
  private final Io io;

  @Spec
  private CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Mixin NetworkOptions network = new NetworkOptions();

  @Parameters(
      paramLabel = "DOMAIN",
      description = "The mail domain to check, for example example.com (U-labels are fine).")
  private String domain;

  CheckCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    Optional<HostName> host = HostName.parse(domain);
    if (host.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "'" + Terminal.safe(domain)
          + "' is not a domain name; give a mail domain such as example.com");
    }
    NetworkOptions.Network net;
    try {
      net = network.build();
    } catch (NetworkOptions.UnreadableFileException e) {
      io.error(e.getMessage());
      return ExitCodes.USAGE_OR_IO;
    }
    CheckReport report = new DomainCheck(net.dns(), net.fetcher()).run(host.get().value());
    if (json) {
      io.println(toJson(report));
    } else {
      printHuman(report);
    }
    return report.hasErrors() ? ExitCodes.INVALID : ExitCodes.OK;
  }

  static String toJson(CheckReport r) {
    return Json.object(g -> {
      g.writeStringField("domain", r.domain());
      g.writeArrayFieldStart("findings");
      for (Finding f : r.findings()) {
        g.writeStartObject();
        g.writeStringField("code", f.code());
        g.writeStringField("severity", f.severity().token());
        g.writeStringField("message", f.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      recordJson(g, r.record());
      policyJson(g, r.policy());
      g.writeArrayFieldStart("mx");
      for (MxFacts mx : r.mx()) {
        g.writeStartObject();
        g.writeStringField("host", mx.host());
        g.writeNumberField("preference", mx.preference());
        g.writeFieldName("covered");
        if (mx.covered() == null) {
          g.writeNull();
        } else {
          g.writeBoolean(mx.covered());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      tlsrptJson(g, r.tlsrpt());
    });
  }

  private static void recordJson(JsonGenerator g, RecordFacts record) throws IOException {
    g.writeFieldName("record");
    if (record == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("name", record.name());
    strings(g, "txt", record.txt());
    g.writeBooleanField("valid", record.id() != null);
    g.writeStringField("id", record.id());
    Json.recordProblems(g, "errors", record.errors());
    Json.recordProblems(g, "warnings", record.warnings());
    g.writeEndObject();
  }

  private static void policyJson(JsonGenerator g, PolicyFacts facts) throws IOException {
    g.writeFieldName("policy");
    if (facts == null) {
      g.writeNull();
      return;
    }
    Policy policy = facts.policy();
    g.writeStartObject();
    g.writeStringField("url", facts.url().toASCIIString());
    g.writeBooleanField("valid", policy != null);
    g.writeStringField("result_type",
        facts.resultType() == null ? null : facts.resultType().token());
    g.writeStringField("mode", policy == null ? null : policy.mode().token());
    g.writeFieldName("max_age");
    if (policy == null) {
      g.writeNull();
      g.writeFieldName("mx");
      g.writeNull();
    } else {
      g.writeNumber(policy.maxAge().getSeconds());
      g.writeArrayFieldStart("mx");
      for (MxPattern p : policy.mx()) {
        g.writeString(p.value());
      }
      g.writeEndArray();
    }
    Json.policyProblems(g, "errors", facts.errors());
    Json.policyProblems(g, "warnings", facts.warnings());
    g.writeEndObject();
  }

  private static void tlsrptJson(JsonGenerator g, TlsRptFacts facts) throws IOException {
    g.writeFieldName("tlsrpt");
    if (facts == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("name", facts.name());
    strings(g, "txt", facts.txt());
    g.writeBooleanField("valid", facts.record() != null);
    g.writeFieldName("rua");
    if (facts.record() == null) {
      g.writeNull();
    } else {
      g.writeStartArray();
      for (URI uri : facts.record().rua()) {
        g.writeString(uri.toASCIIString());
      }
      g.writeEndArray();
    }
    Json.recordProblems(g, "errors", facts.errors());
    Json.recordProblems(g, "warnings", facts.warnings());
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  // ------------------------------------------------------------------ for people

  private void printHuman(CheckReport r) {
    long errors = r.count(Severity.ERROR);
    long warnings = r.count(Severity.WARNING);
    long infos = r.count(Severity.INFO);
    List<String> counts = new ArrayList<>(3);
    if (errors > 0) {
      counts.add(Human.plural(errors, "error"));
    }
    if (warnings > 0) {
      counts.add(Human.plural(warnings, "warning"));
    }
    if (infos > 0) {
      counts.add(infos + " info");
    }
    io.println(r.domain() + ": " + (counts.isEmpty() ? "no findings" : String.join(", ", counts)));

    io.println("");
    RecordFacts record = r.record();
    if (record == null) {
      io.println("_mta-sts." + r.domain() + "  (none found)");
    } else {
      io.println(record.name());
      for (String txt : record.txt()) {
        io.println("  TXT      " + quoted(txt));
      }
      if (record.id() != null) {
        io.println("  id       " + Terminal.safe(record.id()));
      }
    }

    PolicyFacts policy = r.policy();
    if (policy == null) {
      io.println("policy  (not fetched: senders fetch it only after a valid _mta-sts record)");
    } else {
      io.println(policy.url().toASCIIString());
      Policy p = policy.policy();
      if (p == null) {
        io.println("  no policy: " + policy.resultType().token());
      } else {
        long seconds = p.maxAge().getSeconds();
        io.println("  mode     " + p.mode().token());
        io.println("  max_age  " + seconds + " (" + Human.duration(seconds) + ")");
        for (MxPattern pattern : p.mx()) {
          io.println("  mx       " + pattern.value());
        }
      }
    }

    io.println("MX " + r.domain() + (r.mx().isEmpty() ? "  (no MX host)" : ""));
    for (MxFacts mx : r.mx()) {
      String covered = mx.covered() == null ? ""
          : mx.covered() ? " (covered by the policy)" : " (NOT covered by the policy)";
      io.println(String.format("  %-8d %s%s", mx.preference(), Terminal.safe(mx.host()), covered));
    }

    TlsRptFacts tlsrpt = r.tlsrpt();
    if (tlsrpt == null) {
      io.println("_smtp._tls." + r.domain() + "  (none found)");
    } else {
      io.println(tlsrpt.name());
      for (String txt : tlsrpt.txt()) {
        io.println("  TXT      " + quoted(txt));
      }
      if (tlsrpt.record() != null) {
        for (URI uri : tlsrpt.record().rua()) {
          io.println("  rua      " + Terminal.safe(uri.toASCIIString()));
        }
      }
    }

    if (!r.findings().isEmpty()) {
      io.println("");
      io.println("Findings:");
      for (Finding f : r.findings()) {
        io.println(String.format("  %-7s %s: %s", f.severity().token(), f.code(),
            Terminal.safe(f.message())));
      }
    }
  }

  /** A TXT record in double quotes, with bytes outside printable ASCII escaped. */
  private static String quoted(String txt) {
    StringBuilder sb = new StringBuilder(txt.length() + 2).append('"');
    for (int i = 0; i < txt.length(); i++) {
      char c = txt.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else if (c <= 0xff) {
        sb.append(String.format("\\%03d", (int) c));
      } else {
        sb.append(String.format("\\u%04X", (int) c));
      }
    }
    return sb.append('"').toString();
  }
}
