package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.cli.CheckReport.Finding;
import dev.mtasts.cli.CheckReport.MxFacts;
import dev.mtasts.cli.CheckReport.PolicyFacts;
import dev.mtasts.cli.CheckReport.RecordFacts;
import dev.mtasts.cli.CheckReport.Lookup;
import dev.mtasts.cli.CheckReport.Severity;
import dev.mtasts.cli.CheckReport.SmtpFacts;
import dev.mtasts.cli.CheckReport.TlsRptFacts;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.tls.CertificateVerifier;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
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
          + " valid, as senders do), the MX hosts, and the _smtp._tls TLS-RPT record. Connect to"
          + " each MX host on port 25 as a sender does (EHLO, STARTTLS, TLS 1.2 or newer, the"
          + " certificate checked as RFC 8461 section 4 requires, then QUIT; never MAIL FROM)."
          + " Then report each finding with a code and a severity (error, warning or info)."
          + " The --trust-pem certificates are trusted for the MX hosts' certificates too.",
      "",
      "With --json, one JSON object is printed on one line, with these keys:",
      "  domain    the domain checked, in A-labels",
      "  findings  [{code, severity, message}]; severity is error, warning or info",
      "  record    the _mta-sts TXT answer, or null:",
      "            {name, txt, valid, id, errors, warnings}",
      "  policy    the policy fetch, or null when not attempted:",
      "            {url, valid, result_type, mode, max_age, mx, errors, warnings}",
      "  mx        [{host, preference, covered, smtp}]; covered is null without a policy;",
      "            smtp is null when not probed (--no-smtp, null MX, failed MX lookup), else",
      "            {address, starttls, tls_version, result_type, certificate, error};",
      "            certificate: {subject_names, issuer, not_before, not_after} or null",
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
  /** How a record, policy or MX list whose DNS lookup failed is shown: never as missing. */
  private static final String LOOKUP_FAILED = "(lookup failed: see dns-lookup-failed below)";
  /** A record:character position in a finding about a TXT record, such as {@code 1:13}. */
  private static final Pattern POSITION = Pattern.compile("(^|\\s)\\d+:\\d+\\b");

  private final Io io;

  @Spec
  private CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Mixin NetworkOptions network = new NetworkOptions();

  @Option(
      names = "--no-smtp",
      description = "Do not connect to the MX hosts (many networks block outgoing port 25).")
  private boolean noSmtp;

  @Option(
      names = "--helo",
      paramLabel = "NAME",
      description = "The name to send with EHLO to the MX hosts (default: this host's name).")
  private String helo;

  /** For tests only: senders always connect to port 25. */
  @Option(names = "--smtp-port", paramLabel = "PORT", hidden = true)
  private Integer smtpPort;

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
    if (smtpPort != null && (smtpPort < 1 || smtpPort > 65535)) {
      throw new ParameterException(spec.commandLine(), "--smtp-port must be 1 to 65535");
    }
    String ehlo;
    if (helo != null) {
      Optional<HostName> name = HostName.parse(helo);
      if (name.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--helo '" + Terminal.safe(helo)
            + "' is not a host name; give this host's name, such as mail.example.com");
      }
      ehlo = name.get().value();
    } else {
      ehlo = noSmtp ? "localhost" : SmtpProbe.localHostName();
    }
    CertificateVerifier.Builder verifier = CertificateVerifier.builder();
    if (net.trustStore() != null) {
      verifier.trustStore(net.trustStore());
    }
    DomainCheck.Settings settings = new DomainCheck.Settings(net.timeout(),
        durationText(net.timeout()), verifier.build(), !noSmtp,
        smtpPort == null ? SmtpProbe.SMTP_PORT : smtpPort, ehlo);
    CheckReport report = new DomainCheck(net.dns(), net.fetcher(), settings)
        .run(host.get().value());
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
        smtpJson(g, mx.smtp());
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
    Json.strings(g, "txt", record.txt());
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

  private static void smtpJson(JsonGenerator g, SmtpFacts smtp) throws IOException {
    g.writeFieldName("smtp");
    if (smtp == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("address", smtp.address());
    g.writeBooleanField("starttls", smtp.starttls());
    g.writeStringField("tls_version", smtp.tlsVersion());
    g.writeStringField("result_type",
        smtp.resultType() == null ? null : smtp.resultType().token());
    g.writeFieldName("certificate");
    CertificateFacts cert = smtp.certificate();
    if (cert == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      Json.strings(g, "subject_names", cert.subjectNames());
      g.writeStringField("issuer", cert.issuer());
      g.writeStringField("not_before", cert.notBefore().toString());
      g.writeStringField("not_after", cert.notAfter().toString());
      g.writeEndObject();
    }
    g.writeStringField("error", smtp.error());
    g.writeEndObject();
  }

  /** A time limit as the user would write it: {@code 500ms}, {@code 10s}, {@code 2m}. */
  static String durationText(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static void tlsrptJson(JsonGenerator g, TlsRptFacts facts) throws IOException {
    g.writeFieldName("tlsrpt");
    if (facts == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("name", facts.name());
    Json.strings(g, "txt", facts.txt());
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
      io.println("_mta-sts." + r.domain() + "  " + (r.failed().contains(Lookup.RECORD)
          ? LOOKUP_FAILED : "(none found)"));
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

    io.println("MX " + r.domain() + (r.failed().contains(Lookup.MX) ? "  " + LOOKUP_FAILED
        : r.mx().isEmpty() ? "  (no MX host)" : ""));
    Policy applied = policy == null ? null : policy.policy();
    for (MxFacts mx : r.mx()) {
      String covered = mx.covered() == null ? ""
          : mx.covered() ? " (covered by the policy)" : " (NOT covered by the policy)";
      io.println(String.format("  %-8d %s%s", mx.preference(), Terminal.safe(mx.host()), covered));
      if (mx.smtp() != null) {
        smtpHuman(mx.smtp(), applied).forEach(line -> io.println("           " + line));
      }
    }

    TlsRptFacts tlsrpt = r.tlsrpt();
    if (tlsrpt == null) {
      io.println("_smtp._tls." + r.domain() + "  " + (r.failed().contains(Lookup.TLSRPT)
          ? LOOKUP_FAILED : "(none found)"));
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
      boolean positions = false;
      for (Finding f : r.findings()) {
        io.println(String.format("  %-7s %s: %s", f.severity().token(), f.code(),
            Terminal.safe(f.message())));
        boolean aboutRecord = f.code().endsWith("-record-invalid")
            || f.code().endsWith("-record-warning");
        positions |= aboutRecord && POSITION.matcher(f.message()).find();
      }
      if (positions) {
        io.println("");
        io.println("A position N:C in a TXT record means record N of the answer (as listed above),"
            + " character C of that record, both counted from 1.");
      }
    }
  }


  /**
   * Says what a sender sees at one MX host, in a few lines: the session, the certificate, and what
   * the sender then does under the domain's policy.
   *
   * @param s the probe's facts
   * @param applied the valid policy fetched, or null
   * @return the lines, without indentation
   */
  static List<String> smtpHuman(SmtpFacts s, @Nullable Policy applied) {
    List<String> lines = new ArrayList<>(3);
    String at = s.address() == null ? "" : Terminal.safe(s.address()) + ": ";
    switch (s.outcome()) {
      case UNREACHABLE, TIMED_OUT -> {
        lines.add("SMTP     " + at + "not reached from here (see mx-unreachable below)");
        return lines;
      }
      case NO_STARTTLS -> lines.add("SMTP     " + at + "no STARTTLS");
      case OLD_TLS, HANDSHAKE_FAILED ->
          lines.add("SMTP     " + at + "STARTTLS, but no TLS 1.2 or newer session");
      case PASSED, CERTIFICATE_INVALID -> lines.add("SMTP     " + at + "STARTTLS, "
          + Terminal.safe(String.valueOf(s.tlsVersion())) + ", certificate "
          + (s.outcome() == SmtpFacts.Outcome.PASSED ? "passes" : "FAILS") + " a sender's check");
      default -> throw new IllegalStateException("unknown outcome " + s.outcome());
    }
    if (s.certificate() != null) {
      lines.add("cert     " + Terminal.safe(s.certificate().summary()));
    }
    String type = s.resultType() == null ? "" : s.resultType().token();
    Mode mode = applied == null ? null : applied.mode();
    if (s.resultType() == null) {
      lines.add("sender   " + (mode == null || mode == Mode.NONE
          ? "delivers over TLS; under an MTA-STS policy it would too"
          : "delivers over TLS"));
    } else if (mode == Mode.ENFORCE) {
      lines.add("sender   refuses this host (" + type + ") and tries the next; see the findings");
    } else if (mode == Mode.TESTING) {
      lines.add("sender   delivers and reports " + type + "; under mode enforce it would refuse"
          + " this host");
    } else {
      lines.add("sender   delivers without MTA-STS; under mode enforce it would refuse this host ("
          + type + ")");
    }
    return lines;
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
