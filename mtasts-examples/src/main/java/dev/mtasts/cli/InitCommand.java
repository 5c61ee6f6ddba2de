package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.MxHost;
import dev.mtasts.dns.MxRecords;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mtasts init}: what a domain owner publishes to start MTA-STS, ready to paste, built from the
 * domain's current MX hosts.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Print the records and the policy file that start MTA-STS for a domain, in mode"
        + " testing, and the rollout.",
    description = {
      "Look up the MX hosts of DOMAIN and print, ready to paste: the _mta-sts TXT record with a"
          + " fresh id, the policy file in mode testing with an mx line for every MX host, where"
          + " the file must be served and with which certificate, the _smtp._tls (TLS-RPT) record"
          + " for --rua, and the steps from testing to enforce. Nothing is published: you publish"
          + " it yourself, then check it with 'mtasts check DOMAIN'.",
      "",
      "Every mx line names one MX host exactly; --wildcard writes '*.PARENT' instead for MX hosts"
          + " with at least three labels, which also permits any other host directly under PARENT.",
      "",
      "With --json, one JSON object on one line:",
      "  domain         the domain, in A-labels",
      "  mx             [{host, preference}]: the MX hosts found",
      "  sts_record     {name, value}: the _mta-sts TXT record",
      "  policy         {url, host, certificate_name, content_type, mode, max_age, mx, text}:",
      "                 the file to serve at url; text is its exact content (CRLF line ends)",
      "  tlsrpt_record  {name, value}: the _smtp._tls TXT record, or null without --rua",
      "  steps          [string]: the rollout, in order",
      "  warnings       [string]: what to look at before publishing"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the records and the policy were printed",
      "1:the domain cannot use MTA-STS as it is: it does not exist, publishes a null MX, has no"
          + " MX record, or an MX host is not a host name; nothing was printed on standard output",
      "2:usage error (also a --rua the TLS-RPT parser refuses), or the MX lookup failed"
          + " (SERVFAIL, timeout)",
      "3:internal error (please report it)"
    })
final class InitCommand implements Callable<Integer> {
  /** The {@code max_age} of the testing policy: a week; RFC 8461 section 3.2 expects weeks. */
  static final Duration TESTING_MAX_AGE = Duration.ofDays(7);

  /** The {@code max_age} suggested for the enforce policy: two weeks. */
  static final Duration ENFORCE_MAX_AGE = Duration.ofDays(14);

  /** Fresh ids are the UTC time of the run, to the second: 15 letters and digits. */
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final Io io;
  private final Clock clock;

  @Spec
  private CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Option(
      names = "--rua",
      paramLabel = "URI",
      description = "Where senders send TLS-RPT reports: a mailto: or https: URI, for example"
          + " mailto:tlsrpt@example.com. Repeatable. Without it no _smtp._tls record is printed.")
  private List<String> rua = new ArrayList<>();

  @Option(
      names = "--wildcard",
      description = "Cover MX hosts with a wildcard pattern '*.PARENT' instead of naming each.")
  private boolean wildcard;

  @Mixin NetworkOptions network = new NetworkOptions();

  @Parameters(
      paramLabel = "DOMAIN",
      description = "The mail domain, for example example.com (U-labels are fine).")
  private String domain;

  InitCommand(Io io) {
    this(io, Clock.systemUTC());
  }

  InitCommand(Io io, Clock clock) {
    this.io = io;
    this.clock = clock;
  }

  /** What {@code init} prints, in both forms. */
  record Setup(String domain, List<MxHost> mx, StsRecord record, Policy policy,
      Optional<TlsRptRecord> tlsrpt, List<String> steps, List<String> warnings) {

    String recordName() {
      return "_mta-sts." + domain;
    }

    String policyHost() {
      return "mta-sts." + domain;
    }

    String policyUrl() {
      return "https://" + policyHost() + "/.well-known/mta-sts.txt";
    }

    String tlsrptName() {
      return TlsRptRecord.PREFIX + domain;
    }
  }

  @Override
  public Integer call() {
    Optional<HostName> host = HostName.parse(domain);
    if (host.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "'" + Terminal.safe(domain)
          + "' is not a domain name; give a mail domain such as example.com");
    }
    Optional<TlsRptRecord> tlsrpt = tlsrpt();
    NetworkOptions.Network net;
    try {
      net = network.build();
    } catch (NetworkOptions.UnreadableFileException e) {
      io.error(e.getMessage());
      return ExitCodes.USAGE_OR_IO;
    }
    String name = host.get().value();
    CompletableFuture<DnsResult<List<String>>> existing = net.dns().txtAsync("_mta-sts." + name);
    DnsResult<MxRecords> answer = net.dns().mx(name);
    List<MxHost> hosts;
    if (answer instanceof DnsResult.TemporaryFailure<MxRecords> failure) {
      io.error("cannot look up the MX hosts of " + name + ": " + Terminal.safe(failure.detail())
          + "; try again, or ask another DNS server with --dns");
      return ExitCodes.USAGE_OR_IO;
    } else if (answer instanceof DnsResult.NoSuchName) {
      io.error(name + " does not exist (NXDOMAIN): create the domain and its MX records first");
      return ExitCodes.INVALID;
    } else if (answer instanceof DnsResult.Answer<MxRecords> a
        && a.value() instanceof MxRecords.Explicit explicit) {
      hosts = explicit.hosts();
    } else if (answer instanceof DnsResult.Answer<MxRecords> a
        && a.value() instanceof MxRecords.NullMx) {
      io.error(name + " publishes a null MX (RFC 7505): it accepts no mail, so MTA-STS has"
          + " nothing to protect; publish real MX records first if it should receive mail");
      return ExitCodes.INVALID;
    } else {
      // NODATA, or an implicit MX: mail would go to the domain's own address records.
      io.error(name + " has no MX record: senders would deliver to the address of " + name
          + " itself (RFC 5321 section 5.1); publish the MX records that should receive mail"
          + " first, then run init again");
      return ExitCodes.INVALID;
    }
    for (MxHost mx : hosts) {
      if (HostName.parse(mx.host()).isEmpty()) {
        io.error("the MX host '" + Terminal.safe(mx.host()) + "' of " + name + " is not a host"
            + " name, so no mx line of a policy can name it; fix the MX record first");
        return ExitCodes.INVALID;
      }
    }
    Setup setup = setup(name, hosts, tlsrpt, existing.join());
    if (json) {
      io.println(toJson(setup));
    } else {
      printHuman(setup);
    }
    return ExitCodes.OK;
  }

  /** Validates {@code --rua} with the library's own TLS-RPT parser, as senders will read it. */
  private Optional<TlsRptRecord> tlsrpt() {
    if (rua.isEmpty()) {
      return Optional.empty();
    }
    for (String uri : rua) {
      if (uri.isEmpty() || uri.indexOf(',') >= 0 || uri.indexOf(';') >= 0
          || uri.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new ParameterException(spec.commandLine(), "--rua '" + Terminal.safe(uri)
            + "' must be one URI without spaces, commas or semicolons (percent-encode them);"
            + " repeat --rua for more");
      }
    }
    String text = "v=TLSRPTv1; rua=" + String.join(",", rua);
    ParseResult<TlsRptRecord> parsed = TlsRptRecord.parse(text);
    List<Problem> problems = new ArrayList<>(parsed.errors());
    problems.addAll(parsed.warnings());
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--rua: senders would not read '"
          + Terminal.safe(text) + "' as you mean it: " + Terminal.safe(problems.get(0).message())
          + "; give mailto:ADDRESS or https://HOST/PATH");
    }
    return parsed.value();
  }

  /**
   * Builds what to publish for a domain with the given MX hosts.
   *
   * @param domain the domain, in A-labels
   * @param hosts its MX hosts, each a valid host name
   * @param tlsrpt the TLS-RPT record, when {@code --rua} was given
   * @param existing the answer at {@code _mta-sts.DOMAIN} now
   * @return the set-up
   */
  Setup setup(String domain, List<MxHost> hosts, Optional<TlsRptRecord> tlsrpt,
      DnsResult<List<String>> existing) {
    Set<String> patterns = new LinkedHashSet<>();
    List<String> warnings = new ArrayList<>();
    if (existing instanceof DnsResult.Answer<List<String>> a) {
      Optional<StsRecord> published = StsRecord.parse(a.value()).value();
      if (published.isPresent()) {
        warnings.add("_mta-sts." + domain + " already publishes MTA-STS (id "
            + published.get().id() + "): see what it serves with 'mtasts check " + domain
            + "' before replacing it; going back from enforce to testing weakens it");
      }
    } else if (existing instanceof DnsResult.TemporaryFailure<List<String>> failure) {
      warnings.add("could not see whether _mta-sts." + domain + " already publishes MTA-STS ("
          + Terminal.safe(failure.detail()) + "); run 'mtasts check " + domain + "' first");
    }
    for (MxHost mx : hosts) {
      String host = HostName.parse(mx.host()).orElseThrow().value();
      int dot = host.indexOf('.');
      boolean threeLabels = dot > 0 && host.indexOf('.', dot + 1) > 0;
      if (wildcard && threeLabels) {
        patterns.add("*" + host.substring(dot));
      } else {
        patterns.add(host);
      }
    }
    List<MxPattern> mx = new ArrayList<>(patterns.size());
    for (String p : patterns) {
      mx.add(MxPattern.of(p));
      if (p.startsWith("*.")) {
        warnings.add("mx: " + p + " permits every host directly under " + p.substring(2)
            + ", not only your MX hosts: use it only if you control all of them");
      }
    }
    if (wildcard && mx.stream().noneMatch(MxPattern::isWildcard)) {
      warnings.add("--wildcard: no MX host has three labels or more, so every MX host is named");
    }
    for (MxHost h : hosts) {
      if (!h.host().equals(domain) && !h.host().endsWith("." + domain)) {
        warnings.add("MX " + h.host() + " is outside " + domain + ": its certificate must name "
            + h.host() + " (or match a wildcard), which your mail provider controls; ask it"
            + " whether it supports MTA-STS before switching to enforce");
      }
    }
    if (tlsrpt.isEmpty()) {
      warnings.add("no --rua: without a _smtp._tls record no sender reports failures to you,"
          + " and mode testing tells you nothing; run init again with --rua mailto:ADDRESS");
    }
    Policy policy = Policy.of(Mode.TESTING, TESTING_MAX_AGE, mx);
    StsRecord record = StsRecord.of(ID.format(clock.instant()));
    String check = "mtasts check " + domain;
    List<String> steps = List.of(
        "Serve the policy file at https://mta-sts." + domain + "/.well-known/mta-sts.txt: HTTPS"
            + " on port 443 with a certificate from a public CA for mta-sts." + domain
            + ", status 200, Content-Type text/plain, no redirect.",
        tlsrpt.isPresent()
            ? "Publish the _smtp._tls." + domain + " TXT record, so that senders report to you."
            : "Publish a _smtp._tls." + domain + " TXT record (run init with --rua), so that"
                + " senders report to you.",
        "Publish the _mta-sts." + domain + " TXT record last: senders look for the policy only"
            + " once they see it.",
        "Check it as senders see it: " + check + " (it must report no errors).",
        "Read the TLS-RPT reports for two weeks or more (mtasts report FILE...) and fix every MX"
            + " host that fails.",
        "Switch to enforce: in the policy file set 'mode: enforce' (and max_age to "
            + ENFORCE_MAX_AGE.getSeconds() + " or more), then publish a new id in the _mta-sts"
            + " TXT record (for example the current UTC time, yyyyMMddTHHmmss) so that senders"
            + " fetch it again; run " + check + " once more.",
        "Whenever the MX hosts change: first add the new host to the policy file and publish a"
            + " new id, then change the MX records; senders that do not look at the id again keep"
            + " the old policy for up to max_age.");
    return new Setup(domain, hosts, record, policy, tlsrpt, steps, warnings);
  }

  /**
   * Writes a TXT value in zone-file form: quoted character-strings of at most 255 bytes each, which
   * senders join without spaces.
   *
   * @param value the record, printable ASCII
   * @return for example {@code "v=STSv1; id=1"}
   */
  static String zoneTxt(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i += 255) {
      sb.append(i == 0 ? "" : " ").append('"');
      for (char c : value.substring(i, Math.min(value.length(), i + 255)).toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\');
        }
        sb.append(c);
      }
      sb.append('"');
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ JSON

  static String toJson(Setup s) {
    return Json.object(g -> {
      g.writeStringField("domain", s.domain());
      g.writeArrayFieldStart("mx");
      for (MxHost h : s.mx()) {
        g.writeStartObject();
        g.writeStringField("host", h.host());
        g.writeNumberField("preference", h.preference());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("sts_record");
      g.writeStringField("name", s.recordName());
      g.writeStringField("value", s.record().toText());
      g.writeEndObject();
      g.writeObjectFieldStart("policy");
      g.writeStringField("url", s.policyUrl());
      g.writeStringField("host", s.policyHost());
      g.writeStringField("certificate_name", s.policyHost());
      g.writeStringField("content_type", "text/plain");
      g.writeStringField("mode", s.policy().mode().token());
      g.writeNumberField("max_age", s.policy().maxAge().getSeconds());
      g.writeArrayFieldStart("mx");
      for (MxPattern p : s.policy().mx()) {
        g.writeString(p.value());
      }
      g.writeEndArray();
      g.writeStringField("text", s.policy().toText());
      g.writeEndObject();
      g.writeFieldName("tlsrpt_record");
      if (s.tlsrpt().isEmpty()) {
        g.writeNull();
      } else {
        g.writeStartObject();
        g.writeStringField("name", s.tlsrptName());
        g.writeStringField("value", s.tlsrpt().get().toText());
        g.writeEndObject();
      }
      Json.strings(g, "steps", s.steps());
      Json.strings(g, "warnings", s.warnings());
    });
  }

  // ------------------------------------------------------------------ for people

  private void printHuman(Setup s) {
    io.println("MTA-STS for " + s.domain() + ", starting in mode testing. MX hosts found:");
    for (MxHost h : s.mx()) {
      io.println(String.format("  %-6d %s", h.preference(), h.host()));
    }
    io.println("");
    io.println("1. The policy file, served at " + s.policyUrl());
    io.println("   (HTTPS, certificate for " + s.policyHost() + " from a public CA, status 200,"
        + " Content-Type: text/plain, no redirect):");
    io.println("");
    for (String line : s.policy().toLines()) {
      io.println(line);
    }
    io.println("");
    io.println("2. DNS records (TXT):");
    io.println("");
    if (s.tlsrpt().isPresent()) {
      io.println(s.tlsrptName() + ". IN TXT " + zoneTxt(s.tlsrpt().get().toText()));
    } else {
      io.println("; " + s.tlsrptName() + ": none without --rua mailto:ADDRESS");
    }
    io.println(s.recordName() + ". IN TXT " + zoneTxt(s.record().toText()));
    io.println("");
    if (!s.warnings().isEmpty()) {
      io.println("Look at this before publishing:");
      for (String w : s.warnings()) {
        io.println("  - " + w);
      }
      io.println("");
    }
    io.println("Rollout:");
    int n = 1;
    for (String step : s.steps()) {
      io.println(String.format("  %d. %s", n++, step));
    }
  }
}
