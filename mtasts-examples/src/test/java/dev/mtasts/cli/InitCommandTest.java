package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code mtasts init} against a {@link LoopbackDnsServer}. Whatever it prints is read back with the
 * library's own parsers: the records with {@link StsRecord#parse(String)} and {@link
 * TlsRptRecord#parse(String)}, the policy with {@link Policy#parse(byte[])}.
 */
@Timeout(60)
class InitCommandTest {
  private static final String DOMAIN = "init.example.test";

  private LoopbackDnsServer dns;

  @BeforeEach
  void startDns() throws IOException {
    dns = LoopbackDnsServer.start();
  }

  @AfterEach
  void stopDns() {
    dns.close();
  }

  private void twoMx() {
    dns.mx(DOMAIN, 10, "mx1.init.example.test").mx(DOMAIN, 20, "mx2.init.example.test");
  }

  private Cli.Run init(String... extra) {
    List<String> args = new ArrayList<>(List.of("init", "--dns", "127.0.0.1:" + dns.port()));
    if (!List.of(extra).contains("--timeout")) {
      args.addAll(List.of("--timeout", "5s"));
    }
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  // ------------------------------------------------------------------ JSON

  @Test
  void theJsonHoldsEverythingToPublishAndEachPartPassesTheLibrarysParsers() {
    twoMx();
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Cli.Run run = init("--json", "--rua", "mailto:tlsrpt@init.example.test", DOMAIN);

    Instant after = Instant.now();
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("domain", "mx", "sts_record", "policy", "tlsrpt_record", "steps",
        "warnings"), Cli.keys(o));
    assertEquals(DOMAIN, o.get("domain").textValue());
    assertEquals(parse("[{'host':'mx1.init.example.test','preference':10},"
        + "{'host':'mx2.init.example.test','preference':20}]"), o.get("mx"));

    assertEquals("_mta-sts." + DOMAIN, o.get("sts_record").get("name").textValue());
    ParseResult<StsRecord> record = StsRecord.parse(o.get("sts_record").get("value").textValue());
    assertTrue(record.isValid() && record.warnings().isEmpty(), record.toString());
    String id = record.orElseThrow().id();
    assertTrue(id.matches("\\d{8}T\\d{6}"), id);
    Instant issued = LocalDateTime.parse(id, DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss"))
        .toInstant(ZoneOffset.UTC);
    assertFalse(issued.isBefore(before) || issued.isAfter(after), "a fresh id: " + id);

    JsonNode policy = o.get("policy");
    assertEquals("https://mta-sts.init.example.test/.well-known/mta-sts.txt",
        policy.get("url").textValue());
    assertEquals("mta-sts." + DOMAIN, policy.get("host").textValue());
    assertEquals("mta-sts." + DOMAIN, policy.get("certificate_name").textValue());
    assertEquals("text/plain", policy.get("content_type").textValue());
    assertEquals("testing", policy.get("mode").textValue());
    assertEquals(604800, policy.get("max_age").longValue());
    assertEquals(parse("['mx1.init.example.test','mx2.init.example.test']"), policy.get("mx"));
    String text = policy.get("text").textValue();
    assertEquals("version: STSv1\r\nmode: testing\r\nmx: mx1.init.example.test\r\n"
        + "mx: mx2.init.example.test\r\nmax_age: 604800\r\n", text);
    ParseResult<Policy> parsed = Policy.parse(text.getBytes(StandardCharsets.UTF_8));
    assertTrue(parsed.isValid() && parsed.warnings().isEmpty(), parsed.toString());
    assertEquals(Mode.TESTING, parsed.orElseThrow().mode());
    assertTrue(parsed.orElseThrow().permits("mx1.init.example.test"));
    assertTrue(parsed.orElseThrow().permits("mx2.init.example.test"));

    assertEquals("_smtp._tls." + DOMAIN, o.get("tlsrpt_record").get("name").textValue());
    ParseResult<TlsRptRecord> tlsrpt =
        TlsRptRecord.parse(o.get("tlsrpt_record").get("value").textValue());
    assertTrue(tlsrpt.isValid() && tlsrpt.warnings().isEmpty(), tlsrpt.toString());
    assertEquals(List.of(URI.create("mailto:tlsrpt@init.example.test")),
        tlsrpt.orElseThrow().rua());

    assertEquals(7, o.get("steps").size());
    assertTrue(o.get("steps").get(0).textValue().contains("mta-sts.init.example.test"));
    assertTrue(o.get("steps").get(3).textValue().contains("mtasts check " + DOMAIN));
    assertTrue(o.get("steps").get(5).textValue().contains("mode: enforce"));
    assertEquals(parse("[]"), o.get("warnings"));
    assertEquals(1, dns.queryCount(DOMAIN, "MX"));
  }

  @Test
  void severalRuaGoIntoOneRecordAndHttpsIsAccepted() {
    twoMx();

    JsonNode o = init("--json", "--rua", "mailto:a@init.example.test", "--rua",
        "https://reports.example.test/tlsrpt", DOMAIN).json().get(0);

    String value = o.get("tlsrpt_record").get("value").textValue();
    assertEquals("v=TLSRPTv1; rua=mailto:a@init.example.test,https://reports.example.test/tlsrpt",
        value);
    assertEquals(2, TlsRptRecord.parse(value).orElseThrow().rua().size());
  }

  @Test
  void withoutRuaThereIsNoTlsRptRecordAndAWarningSaysWhyItMatters() {
    twoMx();

    Cli.Run run = init("--json", DOMAIN);

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertTrue(o.get("tlsrpt_record").isNull());
    assertEquals(1, o.get("warnings").size());
    assertTrue(o.get("warnings").get(0).textValue().startsWith("no --rua:"), o.toString());
  }

  @Test
  void aDomainThatAlreadyPublishesMtaStsGetsAWarning() {
    twoMx();
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=live1");

    JsonNode o = init("--json", "--rua", "mailto:r@init.example.test", DOMAIN).json().get(0);

    assertEquals(1, o.get("warnings").size(), o.toString());
    assertEquals("_mta-sts.init.example.test already publishes MTA-STS (id live1): see what it"
        + " serves with 'mtasts check init.example.test' before replacing it; going back from"
        + " enforce to testing weakens it", o.get("warnings").get(0).textValue());
  }

  @Test
  void anMxHostThatIsNoHostNameIsRefusedWithExitCode1() {
    dns.mx(DOMAIN, 10, "mx_1.init.example.test");

    Cli.Run run = init(DOMAIN);

    assertEquals(1, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertEquals("mtasts: the MX host 'mx_1.init.example.test' of init.example.test is not a host"
        + " name, so no mx line of a policy can name it; fix the MX record first\n", run.err());
  }

  // ------------------------------------------------------------------ mx lines

  @Test
  void withoutWildcardEveryMxIsNamedEvenWhenTheyShareAParent() {
    dns.mx(DOMAIN, 10, "a.mail.init.example.test").mx(DOMAIN, 10, "b.mail.init.example.test")
        .mx(DOMAIN, 30, "mx.provider.test");

    JsonNode o = init("--json", "--rua", "mailto:r@init.example.test", DOMAIN).json().get(0);

    assertEquals(parse("['a.mail.init.example.test','b.mail.init.example.test',"
        + "'mx.provider.test']"), o.get("policy").get("mx"));
    assertEquals(1, o.get("warnings").size(), o.toString());
    assertTrue(o.get("warnings").get(0).textValue().startsWith(
        "MX mx.provider.test is outside init.example.test"), o.toString());
  }

  @Test
  void wildcardCoversHostsOfThreeLabelsOrMoreAndNamesTheRest() {
    dns.mx(DOMAIN, 10, "a.mail.init.example.test").mx(DOMAIN, 10, "b.mail.init.example.test")
        .mx(DOMAIN, 20, "mx.init.example.test").mx(DOMAIN, 30, "example.test");

    JsonNode o = init("--json", "--wildcard", "--rua", "mailto:r@init.example.test", DOMAIN)
        .json().get(0);

    assertEquals(parse("['*.mail.init.example.test','*.init.example.test','example.test']"),
        o.get("policy").get("mx"));
    Policy policy = Policy.parse(o.get("policy").get("text").textValue()).orElseThrow();
    for (String mx : List.of("a.mail.init.example.test", "b.mail.init.example.test",
        "mx.init.example.test", "example.test")) {
      assertTrue(policy.permits(mx), mx);
    }
    assertTrue(policy.mx().stream().anyMatch(MxPattern::isWildcard));
    String warnings = o.get("warnings").toString();
    assertTrue(warnings.contains("mx: *.mail.init.example.test permits every host directly under"
        + " mail.init.example.test"), warnings);
    assertTrue(warnings.contains("MX example.test is outside init.example.test"), warnings);
  }

  @Test
  void aULabelDomainIsLookedUpAndPublishedInALabels() {
    dns.mx("xn--bcher-kva.example.test", 10, "mx.xn--bcher-kva.example.test");

    JsonNode o = init("--json", "--rua", "mailto:r@example.test", "B\u00fccher.Example.TEST")
        .json().get(0);

    assertEquals("xn--bcher-kva.example.test", o.get("domain").textValue());
    assertEquals("_mta-sts.xn--bcher-kva.example.test",
        o.get("sts_record").get("name").textValue());
    assertEquals("https://mta-sts.xn--bcher-kva.example.test/.well-known/mta-sts.txt",
        o.get("policy").get("url").textValue());
  }

  // ------------------------------------------------------------------ for people

  @Test
  void whatPeopleCopyFromTheOutputPassesTheLibrarysParsers() {
    twoMx();

    Cli.Run run = init("--rua", "mailto:tlsrpt@init.example.test", DOMAIN);

    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.lines();
    assertEquals("MTA-STS for init.example.test, starting in mode testing. MX hosts found:",
        lines.get(0));
    // The policy file: the lines from "version:" to "max_age:", as a person copies them (LF).
    int from = lines.indexOf("version: STSv1");
    int to = from;
    while (!lines.get(to).startsWith("max_age: ")) {
      to++;
    }
    String file = String.join("\n", lines.subList(from, to + 1)) + "\n";
    ParseResult<Policy> policy = Policy.parse(file.getBytes(StandardCharsets.UTF_8));
    assertTrue(policy.isValid() && policy.warnings().isEmpty(), file + policy);
    assertTrue(policy.orElseThrow().permits("mx1.init.example.test"));
    assertTrue(policy.orElseThrow().permits("mx2.init.example.test"));
    assertTrue(run.out().contains("https://mta-sts.init.example.test/.well-known/mta-sts.txt"));
    assertTrue(run.out().contains("certificate for mta-sts.init.example.test"), run.out());

    String sts = zoneValue(lines, "_mta-sts.init.example.test. IN TXT ");
    ParseResult<StsRecord> record = StsRecord.parse(sts);
    assertTrue(record.isValid() && record.warnings().isEmpty(), sts);
    String tls = zoneValue(lines, "_smtp._tls.init.example.test. IN TXT ");
    ParseResult<TlsRptRecord> tlsrpt = TlsRptRecord.parse(tls);
    assertTrue(tlsrpt.isValid() && tlsrpt.warnings().isEmpty(), tls);
    assertTrue(lines.indexOf("Rollout:") > lines.indexOf("2. DNS records (TXT):"), run.out());
    assertTrue(run.out().contains("  4. Check it as senders see it: mtasts check "
        + "init.example.test"), run.out());
  }

  @Test
  void aLongTxtValueIsSplitIntoStringsThatJoinBackToIt() {
    String value = "v=TLSRPTv1; rua=" + "mailto:" + "a".repeat(300) + "@example.test";

    String zone = InitCommand.zoneTxt(value);

    assertTrue(zone.startsWith("\"v=TLSRPTv1; rua=mailto:aaa"), zone);
    assertEquals(2, zone.split("\" \"").length, zone);
    assertEquals(value, unquote(zone));
    assertEquals("\"a\\\"b\\\\c\"", InitCommand.zoneTxt("a\"b\\c"));
  }

  // ------------------------------------------------------------------ domains init refuses

  @Test
  void aNullMxIsRefusedWithExitCode1() {
    dns.mx(DOMAIN, 0, ".");

    Cli.Run run = init(DOMAIN);

    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertEquals("mtasts: init.example.test publishes a null MX (RFC 7505): it accepts no mail,"
        + " so MTA-STS has nothing to protect; publish real MX records first if it should"
        + " receive mail\n", run.err());
  }

  @Test
  void aDomainWithoutMxRecordsIsRefusedWithExitCode1() {
    dns.a(DOMAIN, "192.0.2.25");

    Cli.Run run = init("--json", DOMAIN);

    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("mtasts: init.example.test has no MX record: senders would"
        + " deliver to the address of init.example.test itself"), run.err());
  }

  @Test
  void aDomainThatDoesNotExistIsRefusedWithExitCode1() {
    Cli.Run run = init("nowhere.example.test");

    assertEquals(1, run.exitCode());
    assertEquals("", run.out());
    assertEquals("mtasts: nowhere.example.test does not exist (NXDOMAIN): create the domain and"
        + " its MX records first\n", run.err());
  }

  @Test
  void aFailedMxLookupIsExitCode2AndSaysWhatFailed() {
    dns.fault(DOMAIN, "MX", LoopbackDnsServer.Fault.SERVFAIL);

    Cli.Run run = init("--json", DOMAIN);

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("mtasts: cannot look up the MX hosts of init.example.test: "),
        run.err());
    assertTrue(run.err().contains("SERVFAIL"), run.err());
  }

  @Test
  void anMxLookupThatTimesOutIsExitCode2() {
    dns.fault(DOMAIN, "MX", LoopbackDnsServer.Fault.DROP);

    Cli.Run run = init("--timeout", "1s", DOMAIN);

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("mtasts: cannot look up the MX hosts of init.example.test: "),
        run.err());
  }

  @Test
  void badArgumentsAreUsageErrorsBeforeAnyLookup() {
    twoMx();
    List<List<String>> bad = List.of(
        List.of("--rua", "ftp://reports.example.test/", DOMAIN),
        List.of("--rua", "mailto:", DOMAIN),
        List.of("--rua", "tlsrpt@example.test", DOMAIN),
        List.of("--rua", "mailto:a@example.test,mailto:b@example.test", DOMAIN),
        List.of("--rua", "mailto:a@example.test; x=y", DOMAIN),
        List.of("--rua", "", DOMAIN),
        List.of("not a domain"),
        List.of("--timeout", "forever", DOMAIN),
        List.of("--json", "--json", DOMAIN),
        List.of());
    for (List<String> args : bad) {
      Cli.Run run = init(args.toArray(String[]::new));

      assertEquals(2, run.exitCode(), args + ": " + run.err());
      assertEquals("", run.out(), args.toString());
      assertTrue(run.err().startsWith("mtasts: "), args + ": " + run.err());
    }
    assertEquals(0, dns.queryCount(), "no lookup for a bad command line");
    assertTrue(init("--rua", "ftp://r.example.test/", DOMAIN).err()
        .contains("--rua: senders would not read 'v=TLSRPTv1; rua=ftp://r.example.test/'"));
  }

  @Test
  void helpListsTheExitCodesAndTheJsonKeys() {
    Cli.Run run = Cli.run("init", "--help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("Usage: mtasts init [-hV]"), run.out());
    assertTrue(run.out().contains("tlsrpt_record"), run.out());
    assertTrue(run.out().contains("1   the domain cannot use MTA-STS as it is"), run.out());
  }

  @Test
  void theTestingPolicyKeepsWeeksAsRfc8461Expects() {
    assertEquals(Duration.ofDays(7), InitCommand.TESTING_MAX_AGE);
    assertTrue(InitCommand.ENFORCE_MAX_AGE.compareTo(InitCommand.TESTING_MAX_AGE) > 0);
  }

  // ------------------------------------------------------------------ helpers

  /** The TXT value of a zone line that starts with the prefix, its strings joined. */
  private static String zoneValue(List<String> lines, String prefix) {
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        return unquote(line.substring(prefix.length()));
      }
    }
    throw new AssertionError("no line starts with " + prefix + ": " + lines);
  }

  /** Joins the quoted character-strings of a zone-file TXT value. */
  private static String unquote(String zone) {
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < zone.length(); i++) {
      char c = zone.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        sb.append(zone.charAt(++i));
      } else if (quoted) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return Cli.MAPPER.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
