package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.cli.CheckReport.Finding;
import dev.mtasts.cli.CheckReport.MxFacts;
import dev.mtasts.cli.CheckReport.PolicyFacts;
import dev.mtasts.cli.CheckReport.RecordFacts;
import dev.mtasts.cli.CheckReport.Severity;
import dev.mtasts.cli.CheckReport.TlsRptFacts;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
  /** The default of {@code --timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

  private final Io io;

  @Spec
  private CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Option(
      names = "--dns",
      paramLabel = "HOST[:PORT]",
      description = "Ask this recursive DNS server (an address, or [IPv6]:PORT; port 53 by"
          + " default) instead of the system's resolvers. Repeatable: asked in order.")
  private List<String> dnsServers = new ArrayList<>();

  @Option(
      names = "--trust-pem",
      paramLabel = "FILE",
      description = "Also trust the CA certificates in this PEM file for the policy fetch, in"
          + " addition to the JDK's trusted roots.")
  private Path trustPem;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long each DNS lookup and the policy fetch may take, for example 500ms,"
          + " 10s or 1m (default ${DEFAULT-VALUE}).")
  private String timeout;

  /** For tests only: RFC 8461 policy hosts are always on port 443. */
  @Option(names = "--policy-port", paramLabel = "PORT", hidden = true)
  private Integer policyPort;

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
    Duration limit = parseTimeout(timeout).orElseThrow(() -> new ParameterException(
        spec.commandLine(), "--timeout '" + Terminal.safe(timeout) + "' is not a duration from"
            + " 1ms to 10m; write for example 500ms, 10s or 1m"));
    DnsjavaClient.Builder dns = DnsjavaClient.builder()
        .timeout(limit.compareTo(DnsjavaClient.DEFAULT_TIMEOUT) < 0
            ? limit : DnsjavaClient.DEFAULT_TIMEOUT)
        .deadline(limit);
    for (String server : dnsServers) {
      dns.server(parseDns(server).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "--dns '" + Terminal.safe(server) + "' is not HOST, HOST:PORT or [IPv6]:PORT of a"
              + " DNS server that can be found")));
    }
    HttpsPolicyFetcher.Builder fetcher = HttpsPolicyFetcher.builder()
        .connectTimeout(limit)
        .deadline(limit);
    if (policyPort != null) {
      if (policyPort < 1 || policyPort > 65535) {
        throw new ParameterException(spec.commandLine(), "--policy-port must be 1 to 65535");
      }
      fetcher.port(policyPort);
    }
    if (trustPem != null) {
      try {
        // Latin-1 maps every byte to one character, so text around the PEM blocks never fails.
        fetcher.trustStore(trustStore(
            new String(Files.readAllBytes(trustPem), StandardCharsets.ISO_8859_1)));
      } catch (NoSuchFileException e) {
        io.error("cannot read --trust-pem " + Terminal.safe(trustPem.toString()) + ": no such file");
        return ExitCodes.USAGE_OR_IO;
      } catch (IOException | IllegalArgumentException e) {
        io.error("cannot read --trust-pem " + Terminal.safe(trustPem.toString()) + ": "
            + Terminal.safe(String.valueOf(e.getMessage())));
        return ExitCodes.USAGE_OR_IO;
      }
    }
    CheckReport report = new DomainCheck(dns.build(), fetcher.build()).run(host.get().value());
    if (json) {
      io.println(toJson(report));
    } else {
      printHuman(report);
    }
    return report.hasErrors() ? ExitCodes.INVALID : ExitCodes.OK;
  }

  // ------------------------------------------------------------------ options

  /**
   * Parses a DNS server: an IPv4 or IPv6 address or a host name, with an optional port; an IPv6
   * address with a port is written in brackets.
   *
   * @param text for example {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code ::1}, {@code ns.local}
   * @return the resolved address, or empty when the text is not valid or the host is unknown
   */
  static Optional<InetSocketAddress> parseDns(String text) {
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Optional.empty();
        }
        port = port(rest.substring(1));
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = port(text.substring(text.indexOf(':') + 1));
    }
    if (port < 0 || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  private static int port(String text) {
    if (!text.matches("\\d{1,5}")) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port >= 1 && port <= 65535 ? port : -1;
  }

  /**
   * Parses a duration: a whole number with {@code ms}, {@code s} or {@code m}, or ISO-8601 ({@code
   * PT10S}), from 1 ms to 10 minutes.
   *
   * @param text the option value
   * @return the duration, or empty when it is not valid or out of range
   */
  static Optional<Duration> parseTimeout(String text) {
    Duration d;
    Matcher m = DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMinutes(n);
      };
    } else {
      try {
        d = Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (d.toMillis() < 1 || d.compareTo(MAX_TIMEOUT) > 0) {
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /**
   * Builds one trust store holding the JDK's trusted roots and the CA certificates of a PEM text,
   * so that the policy host may chain to either.
   *
   * @param pem one or more {@code -----BEGIN CERTIFICATE-----} blocks
   * @return the trust store
   * @throws IllegalArgumentException when the text holds no certificate or one that cannot be read
   */
  static KeyStore trustStore(String pem) {
    try {
      Collection<? extends Certificate> extra = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(
              pem.getBytes(StandardCharsets.ISO_8859_1)));
      if (extra.isEmpty()) {
        throw new IllegalArgumentException("the file holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init((KeyStore) null);
      int i = 0;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          for (X509Certificate root : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + i++, root);
          }
        }
      }
      i = 0;
      for (Certificate c : extra) {
        store.setCertificateEntry("trust-pem-" + i++, c);
      }
      return store;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate file: " + e.getMessage(), e);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the trust store", e);
    }
  }

  // ------------------------------------------------------------------ JSON

  /**
   * Renders a report as one JSON object on one line; the shape is documented in the README.
   *
   * @param r the report
   * @return the JSON text
   */
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
