package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.tlsrpt.AppliedPolicy;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PendingReport;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.SessionFailure;
import dev.mtasts.tlsrpt.TlsRptEmail;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.TlsRptReportWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtasts report} over report files as real senders write them: every accepted variant is
 * counted exactly, and every rejected one is named with its reason while the others are still
 * counted. Reports in gzip files and emails are written by the library's own {@link
 * TlsRptReportWriter} and {@link TlsRptEmail}, as a sender using this library sends them.
 */
@Timeout(60)
class ReportCommandTest {
  /** The JSON totals of the eight reports of {@link #accepted()}, exactly. */
  private static final String ALL_TOTALS = ("{'reports':8,'from':'2016-04-01T00:00:00Z',"
      + "'to':'2016-04-05T23:59:59Z','errors':[],'policies':["
      + "{'policy_domain':'company-y.example','policy_type':'sts','successful':10652,"
      + "'failed':606,'failures':["
      + "{'result_type':'starttls-not-supported',"
      + "'receiving_mx_hostname':'mx2.mail.company-y.example','count':400},"
      + "{'result_type':'certificate-expired',"
      + "'receiving_mx_hostname':'mx1.mail.company-y.example','count':200},"
      + "{'result_type':'validation-failure',"
      + "'receiving_mx_hostname':'mx-backup.mail.company-y.example','count':6}]},"
      + "{'policy_domain':'example.com','policy_type':'sts','successful':7,'failed':3,"
      + "'failures':["
      + "{'result_type':'certificate-host-mismatch','receiving_mx_hostname':'mx1.example.com',"
      + "'count':2},"
      + "{'result_type':'starttls-not-supported','receiving_mx_hostname':'mx2.example.com',"
      + "'count':1}]},"
      + "{'policy_domain':'example.com','policy_type':'no-policy-found','successful':3,"
      + "'failed':0,'failures':[]},"
      + "{'policy_domain':'example.net','policy_type':'sts','successful':40,'failed':13,"
      + "'failures':["
      + "{'result_type':'sts-policy-fetch-error','receiving_mx_hostname':null,'count':12},"
      + "{'result_type':'some-later-type','receiving_mx_hostname':'mx1.example.net',"
      + "'count':1}]},"
      + "{'policy_domain':'example.org','policy_type':'no-policy-found','successful':7,"
      + "'failed':0,'failures':[]}]}").replace('\'', '"');

  private static final String GOOD = "{\"organization-name\":\"S\",\"date-range\":{"
      + "\"start-datetime\":\"2016-04-01T00:00:00Z\",\"end-datetime\":\"2016-04-01T23:59:59Z\"},"
      + "\"contact-info\":\"r@s.example\",\"report-id\":\"r1\",\"policies\":[{\"policy\":{"
      + "\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\"],"
      + "\"policy-domain\":\"example.com\",\"mx-host\":[\"mx1.example.com\"]},"
      + "\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":1},"
      + "\"failure-details\":[{\"result-type\":\"certificate-expired\","
      + "\"receiving-mx-hostname\":\"mx1.example.com\",\"failed-session-count\":1}]}]}";

  @TempDir
  Path tmp;

  private Map<String, Path> accepted;

  @BeforeEach
  void writeAccepted() throws IOException {
    accepted = accepted();
  }

  // ------------------------------------------------------------------ accepted

  /**
   * Eight reports in every accepted form: the RFC 8460 Appendix B example as corrected by erratum
   * 6241 and as first published (a bare-string mx-host), an end-datetime at midnight after the
   * day, a report with only the required members and unknown ones, a failure without a receiving
   * MX and a result type registered after RFC 8460 with lower-case and offset date-times, a gzip
   * file, a report email, and a forwarded email with a JSON attachment.
   */
  private Map<String, Path> accepted() throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String name : List.of("appendix-b.json", "appendix-b-mx-host-string.json",
        "midnight-end.json", "only-required-fields.json",
        "fetch-error-and-later-result-type.json")) {
      files.put(name, write(name, resource(name)));
    }
    files.put("gzip", write("sender-f.example!example.com!1459728000!1459814399.json.gz",
        TlsRptReportWriter.gzip(stsReport("2016-04-04", "f-1", "tlsrpt@sender-f.example", 2, 1,
            ResultType.STARTTLS_NOT_SUPPORTED, "mx2.example.com"))));
    files.put("email", write("1459900000.M1P2.mail", reportEmail(stsReport("2016-04-05", "g-1",
        "tlsrpt@sender-g.example", 5, 2, ResultType.CERTIFICATE_HOST_MISMATCH,
        "mx1.example.com"))));
    files.put("forwarded", write("forwarded.eml", forwarded(new String(TlsRptReportWriter.json(
        TlsRptReport.forDay(LocalDate.parse("2016-04-05"), "Sender H", "tlsrpt@sender-h.example",
            "h-1", List.of(new PolicyResult(AppliedPolicy.noPolicyFound("example.com"), 3, 0,
                List.of())))), StandardCharsets.UTF_8))));
    return files;
  }

  @Test
  void everyAcceptedVariantIsCountedExactly() {
    List<String> args = new ArrayList<>(List.of("report", "--json"));
    accepted.values().forEach(p -> args.add(p.toString()));

    Cli.Run run = Cli.run(args.toArray(String[]::new));

    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals("", run.err());
    assertEquals(List.of(ALL_TOTALS), run.lines());
  }

  @Test
  void aDirectoryIsReadRecursivelyInNameOrderAndDotFilesAreSkipped() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("reports"));
    Path maildir = Files.createDirectories(dir.resolve("Maildir/new"));
    int i = 0;
    for (Path p : accepted.values()) {
      Path target = (i++ % 2 == 0 ? dir : maildir).resolve(p.getFileName());
      Files.copy(p, target);
    }
    Files.writeString(dir.resolve(".DS_Store"), "not a report");
    Files.createDirectories(maildir.resolve(".Trash"));
    Files.writeString(maildir.resolve(".Trash/x"), "not a report");

    Cli.Run run = Cli.run("report", "--json", dir.toString());

    assertEquals(0, run.exitCode(), run.out());
    assertEquals(List.of(ALL_TOTALS), run.lines());
  }

  @Test
  void aReportAlreadyCountedIsSkippedAsADuplicate() {
    String appendixB = accepted.get("appendix-b.json").toString();

    Cli.Run json = Cli.run("report", "--json", appendixB, appendixB);
    Cli.Run human = Cli.run("report", appendixB, appendixB);

    assertEquals(0, json.exitCode());
    JsonNode o = json.json().get(0);
    assertEquals(1, o.get("reports").intValue());
    assertEquals(5326, o.get("policies").get(0).get("successful").longValue());
    assertEquals("1 TLS-RPT report, 2016-04-01 (UTC); 1 duplicate skipped", human.lines().get(0));
  }

  @Test
  void anEndAtMidnightClosesTheDayBefore() {
    Cli.Run json = Cli.run("report", "--json", accepted.get("midnight-end.json").toString());
    Cli.Run human = Cli.run("report", accepted.get("midnight-end.json").toString());

    JsonNode o = json.json().get(0);
    assertEquals("2016-04-03T00:00:00Z", o.get("from").textValue());
    assertEquals("2016-04-04T00:00:00Z", o.get("to").textValue());
    assertEquals("1 TLS-RPT report, 2016-04-03 (UTC)", human.lines().get(0));
    assertEquals(LocalDate.parse("2016-04-03"), ReportCommand.lastDay(
        Instant.parse("2016-04-03T00:00:00Z"), Instant.parse("2016-04-04T00:00:00Z")));
    assertEquals(LocalDate.parse("2016-04-04"), ReportCommand.lastDay(
        Instant.parse("2016-04-04T00:00:00Z"), Instant.parse("2016-04-04T00:00:00Z")));
  }

  @Test
  void standardInputIsReadWithDash() throws IOException {
    byte[] email = Files.readAllBytes(accepted.get("email"));

    Cli.Run run = Cli.runWithStdin(email, "report", "--json", "-");

    assertEquals(0, run.exitCode(), run.out());
    JsonNode o = run.json().get(0);
    assertEquals(1, o.get("reports").intValue());
    assertEquals(parse("[{'policy_domain':'example.com','policy_type':'sts','successful':5,"
        + "'failed':2,'failures':[{'result_type':'certificate-host-mismatch',"
        + "'receiving_mx_hostname':'mx1.example.com','count':2}]}]"), o.get("policies"));
  }

  @Test
  void aQuotedPrintableJsonAttachmentIsDecoded() throws IOException {
    String qp = "=7B" + GOOD.substring(1, 60) + "=\r\n" + GOOD.substring(60);
    Path eml = write("qp.eml", email("application/tlsrpt+json", "quoted-printable", qp));

    Cli.Run run = Cli.run("report", "--json", eml.toString());

    assertEquals(0, run.exitCode(), run.out());
    assertEquals(parse("[{'policy_domain':'example.com','policy_type':'sts','successful':1,"
        + "'failed':1,'failures':[{'result_type':'certificate-expired',"
        + "'receiving_mx_hostname':'mx1.example.com','count':1}]}]"),
        run.json().get(0).get("policies"));
  }

  @Test
  void noReportAtAllIsNullDatesAndNoPolicies() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));

    Cli.Run run = Cli.run("report", "--json", empty.toString());

    assertEquals(0, run.exitCode());
    assertEquals(List.of("{\"reports\":0,\"from\":null,\"to\":null,\"errors\":[],"
        + "\"policies\":[]}"), run.lines());
    assertEquals(List.of("0 TLS-RPT reports"), Cli.run("report", empty.toString()).lines());
  }

  // ------------------------------------------------------------------ for people

  @Test
  void forPeopleTheDomainWithTheMostFailuresComesFirstWithWhatEachResultTypeMeans()
      throws IOException {
    Path notes = write("notes.txt", "call the MX people".getBytes(StandardCharsets.US_ASCII));
    List<String> args = new ArrayList<>(List.of("report"));
    accepted.values().forEach(p -> args.add(p.toString()));
    args.add(notes.toString());

    Cli.Run run = Cli.run(args.toArray(String[]::new));

    assertEquals(1, run.exitCode(), run.out());
    List<String> lines = run.lines();
    assertEquals("8 TLS-RPT reports, 2016-04-01 to 2016-04-05 (UTC); 1 file not read",
        lines.get(0));
    assertEquals("", lines.get(1));
    assertEquals("company-y.example, policy sts: 10652 successful, 606 failed (5.4 %)",
        lines.get(2));
    assertEquals("    sessions  result type             receiving MX", lines.get(3));
    assertEquals("         400  starttls-not-supported  mx2.mail.company-y.example",
        lines.get(4));
    assertEquals("         200  certificate-expired     mx1.mail.company-y.example",
        lines.get(5));
    assertEquals("           6  validation-failure      mx-backup.mail.company-y.example",
        lines.get(6));
    assertEquals("example.net, policy sts: 40 successful, 13 failed (24.5 %)", lines.get(8));
    assertEquals("          12  sts-policy-fetch-error  -", lines.get(10));
    assertEquals("example.com, policy sts: 7 successful, 3 failed (30.0 %)", lines.get(13));
    assertTrue(lines.contains("example.com, policy no-policy-found: 3 successful, 0 failed"));
    assertTrue(lines.contains("example.org, policy no-policy-found: 7 successful, 0 failed"));
    assertTrue(lines.indexOf("What the result types mean, and what to do:")
        > lines.indexOf("example.org, policy no-policy-found: 7 successful, 0 failed"));
    for (String type : List.of("starttls-not-supported", "certificate-expired",
        "validation-failure", "sts-policy-fetch-error", "some-later-type",
        "certificate-host-mismatch")) {
      assertEquals(1, lines.stream().filter(l -> l.startsWith("  " + type + ": ")).count(), type);
    }
    assertTrue(lines.contains("  some-later-type: " + ReportCommand.explain("some-later-type")));
    assertEquals("Not read:", lines.get(lines.size() - 2));
    assertEquals("  " + notes + ": not a TLS-RPT report: neither JSON, gzip nor an email"
        + " message", lines.get(lines.size() - 1));
  }

  @Test
  void everyResultTypeOfTheLibraryHasItsOwnExplanation() {
    List<String> seen = new ArrayList<>();
    for (ResultType type : ResultType.values()) {
      String text = ReportCommand.explain(type.token());
      assertFalse(seen.contains(text), type.token());
      assertFalse(text.startsWith("not a result type"), type.token());
      seen.add(text);
    }
  }

  @Test
  void fileNamesAreMadeSafeForTheTerminal() throws IOException {
    Path bad = write("evil\u001b[31m.json", "nope".getBytes(StandardCharsets.US_ASCII));

    Cli.Run run = Cli.run("report", bad.toString());

    assertEquals(1, run.exitCode());
    assertFalse(run.out().contains("\u001b"), run.out());
    assertTrue(run.out().contains("evil\\x1b[31m.json"), run.out());
  }

  // ------------------------------------------------------------------ rejected

  @Test
  void everyRejectedVariantIsNamedWithItsReasonAndTheOthersAreStillCounted()
      throws IOException {
    Map<String, byte[]> bad = new LinkedHashMap<>();
    Map<String, String> why = new LinkedHashMap<>();
    reject(bad, why, "hello.txt", "hello world\n",
        "not a TLS-RPT report: neither JSON, gzip nor an email message");
    reject(bad, why, "empty.json", "", "the file is empty");
    reject(bad, why, "blank.json", " \r\n\t", "the file is empty");
    reject(bad, why, "array.json", "[" + GOOD + "]", "the report is an array, not a JSON object");
    reject(bad, why, "no-policies.json", GOOD.replaceFirst(",\"policies\":.*", "}"),
        "policies is missing (RFC 8460 section 4.4)");
    reject(bad, why, "policies-object.json", GOOD.replace("\"policies\":[", "\"policies\":")
            .replaceFirst("]}$", "}"), "policies is an object, not an array");
    reject(bad, why, "no-date-range.json", GOOD.replaceFirst("\"date-range\":\\{[^}]*},", ""),
        "date-range is missing (RFC 8460 section 4.4)");
    reject(bad, why, "organization-number.json",
        GOOD.replace("\"organization-name\":\"S\"", "\"organization-name\":5"),
        "organization-name is a number, not a string");
    reject(bad, why, "no-contact.json", GOOD.replace("\"contact-info\":\"r@s.example\",", ""),
        "contact-info is missing (RFC 8460 section 4.4)");
    reject(bad, why, "policy-type.json", GOOD.replace("\"sts\"", "\"dane\""),
        "policies[0].policy.policy-type 'dane' is none of sts, tlsa, no-policy-found"
            + " (RFC 8460 section 4.4)");
    reject(bad, why, "negative.json", GOOD.replace("\"total-successful-session-count\":1",
            "\"total-successful-session-count\":-1"),
        "policies[0].summary.total-successful-session-count is out of range, not an integer"
            + " from 0 to 2^53-1 (I-JSON)");
    reject(bad, why, "too-big-count.json", GOOD.replace("\"total-failure-session-count\":1",
            "\"total-failure-session-count\":9007199254740992"),
        "policies[0].summary.total-failure-session-count is out of range, not an integer"
            + " from 0 to 2^53-1 (I-JSON)");
    reject(bad, why, "float-count.json", GOOD.replace("\"failed-session-count\":1",
            "\"failed-session-count\":1.0"),
        "policies[0].failure-details[0].failed-session-count is a number, not an integer"
            + " from 0 to 2^53-1 (I-JSON)");
    reject(bad, why, "string-count.json", GOOD.replace("\"failed-session-count\":1",
            "\"failed-session-count\":\"1\""),
        "policies[0].failure-details[0].failed-session-count is a string, not an integer"
            + " from 0 to 2^53-1 (I-JSON)");
    reject(bad, why, "no-count.json", GOOD.replace(",\"failed-session-count\":1", ""),
        "policies[0].failure-details[0].failed-session-count is missing (RFC 8460 section 4.4)");
    reject(bad, why, "no-result-type.json",
        GOOD.replace("\"result-type\":\"certificate-expired\",", ""),
        "policies[0].failure-details[0].result-type is missing (RFC 8460 section 4.4)");
    reject(bad, why, "no-summary.json", GOOD.replaceFirst("\"summary\":\\{[^}]*},", ""),
        "policies[0].summary is missing (RFC 8460 section 4.4)");
    reject(bad, why, "no-time-zone.json", GOOD.replace("2016-04-01T00:00:00Z",
            "2016-04-01T00:00:00"),
        "date-range.start-datetime '2016-04-01T00:00:00' has no time zone: RFC 3339 section 5.6"
            + " requires Z or an offset such as +00:00");
    reject(bad, why, "words-date.json", GOOD.replace("2016-04-01T23:59:59Z", "April 1st"),
        "date-range.end-datetime 'April 1st' is not an RFC 3339 date-time such as"
            + " 2026-05-01T00:00:00Z");
    reject(bad, why, "no-such-day.json", GOOD.replace("2016-04-01T00:00:00Z",
            "2016-02-30T00:00:00Z"),
        "date-range.start-datetime '2016-02-30T00:00:00Z' is not an RFC 3339 date-time such as"
            + " 2026-05-01T00:00:00Z");
    reject(bad, why, "backwards.json", GOOD.replace("2016-04-01T23:59:59Z",
            "2016-03-31T23:59:59Z"), "date-range.end-datetime is before start-datetime");
    reject(bad, why, "u-label-domain.json", GOOD.replace("\"policy-domain\":\"example.com\"",
            "\"policy-domain\":\"b\u00fccher.example\""),
        "policies[0].policy.policy-domain 'b\u00fccher.example' is not a domain name in A-labels"
            + " (RFC 8460 section 4.4)");
    reject(bad, why, "bad-mx.json", GOOD.replace("\"receiving-mx-hostname\":\"mx1.example.com\"",
            "\"receiving-mx-hostname\":\"mx_1.example.com\""),
        "policies[0].failure-details[0].receiving-mx-hostname 'mx_1.example.com' is not a host"
            + " name");
    reject(bad, why, "null-mx.json", GOOD.replace("\"receiving-mx-hostname\":\"mx1.example.com\"",
            "\"receiving-mx-hostname\":null"),
        "policies[0].failure-details[0].receiving-mx-hostname is null, not a string");
    reject(bad, why, "bad-result-type.json", GOOD.replace("\"certificate-expired\"",
            "\"Certificate Expired\""),
        "policies[0].failure-details[0].result-type 'Certificate Expired' is not a result type"
            + " (RFC 8460 section 4.3)");
    reject(bad, why, "mx-host-number.json", GOOD.replace("\"mx-host\":[\"mx1.example.com\"]",
            "\"mx-host\":5"), "policies[0].policy.mx-host is a number, not an array");
    reject(bad, why, "mx-host-mixed.json", GOOD.replace("\"mx-host\":[\"mx1.example.com\"]",
            "\"mx-host\":[\"mx1.example.com\",7]"),
        "policies[0].policy.mx-host[1] is a number, not a string");
    reject(bad, why, "null-details.json", GOOD.replaceFirst("\"failure-details\":\\[.*]}]}$",
            "\"failure-details\":null}]}"),
        "policies[0].failure-details is null, not an array");
    reject(bad, why, "utf16.json", "", "text in UTF-16 or UTF-32: reports are UTF-8 JSON"
        + " (I-JSON, RFC 7493 section 2.1)");
    bad.put("utf16.json", GOOD.getBytes(StandardCharsets.UTF_16LE));
    reject(bad, why, "bom.json", "\ufeff" + GOOD, "the file starts with a byte order mark,"
        + " which JSON texts must not have (RFC 8259 section 8.1)");
    reject(bad, why, "mbox", "From tlsrpt@sender.example Sat Apr  2 00:00:00 2016\n"
        + "Subject: x\n\nbody\n", "an mbox file: give each message as a file of its own (for"
        + " example a maildir)");
    bad.put("archive.zip", zip(GOOD));
    why.put("archive.zip", "a zip archive: TLS-RPT reports are JSON, or JSON in gzip (RFC 8460"
        + " section 5.1)");
    bad.put("bomb.json.gz", gzip(new byte[17 * 1024 * 1024]));
    why.put("bomb.json.gz", "the decompressed report is larger than 16 MiB");
    bad.put("no-email-report.eml", email("application/gzip", "base64",
        Base64.getMimeEncoder().encodeToString(gzip(GOOD.getBytes(StandardCharsets.UTF_8)))));
    why.put("no-email-report.eml", "an email message without a TLS-RPT report: no"
        + " application/tlsrpt+gzip or application/tlsrpt+json part (RFC 8460 section 5.3); its"
        + " parts: multipart/report, text/plain, application/gzip");
    bad.put("not-gzip.eml", email("application/tlsrpt+gzip", "base64",
        Base64.getMimeEncoder().encodeToString(GOOD.getBytes(StandardCharsets.UTF_8))));
    why.put("not-gzip.eml", "the application/tlsrpt+gzip part is not gzip data");
    bad.put("bad-json.eml", email("application/tlsrpt+json", "7bit", "{\"policies\":[]}"));
    why.put("bad-json.eml", "organization-name is missing (RFC 8460 section 4.4)");

    Map<String, String> startsWith = new LinkedHashMap<>();
    startsWith.put("truncated.json", "not valid JSON: Unexpected end-of-input");
    bad.put("truncated.json", GOOD.substring(0, 40).getBytes(StandardCharsets.UTF_8));
    startsWith.put("duplicate-member.json", "not valid JSON: Duplicate field 'report-id'");
    bad.put("duplicate-member.json", GOOD.replace("\"report-id\":\"r1\"",
        "\"report-id\":\"r1\",\"report-id\":\"r2\"").getBytes(StandardCharsets.UTF_8));
    startsWith.put("trailing.json", "not valid JSON: ");
    bad.put("trailing.json", (GOOD + " x").getBytes(StandardCharsets.UTF_8));
    startsWith.put("broken.json.gz", "broken gzip data: ");
    byte[] broken = gzip(GOOD.getBytes(StandardCharsets.UTF_8));
    bad.put("broken.json.gz", java.util.Arrays.copyOf(broken, broken.length / 2));
    startsWith.put("no-end-boundary.eml", "a broken email message: ");
    String noEnd = new String(email("application/tlsrpt+json", "7bit", GOOD),
        StandardCharsets.US_ASCII);
    bad.put("no-end-boundary.eml", noEnd.substring(0, noEnd.lastIndexOf("--b--"))
        .getBytes(StandardCharsets.US_ASCII));

    // Characters outside the base64 alphabet are ignored (RFC 2045 section 6.8): what is left is
    // the start of a gzip stream, and its end is missing.
    bad.put("bad-base64.eml", email("application/tlsrpt+gzip", "base64", "H4sI!!!!@@@@"));
    why.put("bad-base64.eml", "broken gzip data: it ends too early");
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      Path file = write(e.getKey(), e.getValue());
      Cli.Run run = Cli.run("report", "--json", accepted.get("appendix-b.json").toString(),
          file.toString());

      assertEquals(1, run.exitCode(), e.getKey() + ": " + run.out() + run.err());
      JsonNode o = run.json().get(0);
      assertEquals(1, o.get("reports").intValue(), e.getKey() + ": the good file still counts");
      assertEquals(5326, o.get("policies").get(0).get("successful").longValue(), e.getKey());
      assertEquals(1, o.get("errors").size(), e.getKey() + ": " + o);
      assertEquals(file.toString(), o.get("errors").get(0).get("file").textValue());
      String message = o.get("errors").get(0).get("message").textValue();
      if (why.containsKey(e.getKey())) {
        assertEquals(why.get(e.getKey()), message, e.getKey());
      } else {
        assertTrue(message.startsWith(startsWith.get(e.getKey())), e.getKey() + ": " + message);
      }
    }
  }

  @Test
  void filesThatCannotBeReadAreNamedAndTheOthersStillCounted() throws IOException {
    Path huge = tmp.resolve("huge.json");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(ReportCommand.MAX_FILE_BYTES + 1L);
    }
    Path missing = tmp.resolve("missing.json");

    Cli.Run run = Cli.run("report", "--json", missing.toString(), "/dev/null", huge.toString(),
        accepted.get("appendix-b.json").toString());

    assertEquals(1, run.exitCode(), run.out());
    JsonNode o = run.json().get(0);
    assertEquals(1, o.get("reports").intValue());
    assertEquals(parse("[{'file':'" + missing + "','message':'no such file or directory'},"
        + "{'file':'/dev/null','message':'not a regular file (a device, pipe or socket is not"
        + " read)'},"
        + "{'file':'" + huge + "','message':'larger than 16 MiB, which no report is'}]"),
        o.get("errors"));
  }

  @Test
  void usageErrorsAreExitCode2() {
    for (String[] args : List.of(new String[] {"report"}, new String[] {"report", "--json"},
        new String[] {"report", "--bogus", "x.json"})) {
      Cli.Run run = Cli.run(args);

      assertEquals(2, run.exitCode(), String.join(" ", args));
      assertEquals("", run.out());
      assertTrue(run.err().startsWith("mtasts: "), run.err());
    }
  }

  @Test
  void helpShowsTheJsonShapeAndTheExitCodes() {
    Cli.Run run = Cli.run("report", "--help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("Usage: mtasts report [-hV] [--json] FILE..."), run.out());
    assertTrue(run.out().contains("receiving_mx_hostname"), run.out());
    assertTrue(run.out().contains("1   at least one file was not a readable report"), run.out());
  }

  // ------------------------------------------------------------------ helpers

  private static TlsRptReport stsReport(String day, String id, String contact, long ok,
      long failed, ResultType type, String mx) {
    Policy policy = Policy.of(Mode.ENFORCE, Duration.ofDays(7),
        List.of(MxPattern.of("mx1.example.com"), MxPattern.of("mx2.example.com")));
    return TlsRptReport.forDay(LocalDate.parse(day), "Sender", contact, id, List.of(
        new PolicyResult(AppliedPolicy.sts("example.com", policy), ok, failed, List.of(
            new FailureDetail(SessionFailure.of(type, null, mx, null, null, null), failed,
                Optional.empty())))));
  }

  /** The email a sender using this library sends for a report. */
  private static byte[] reportEmail(TlsRptReport report) {
    PendingReport pending = new PendingReport(report.reportId(), report.policyDomain(),
        report.submitter(), LocalDate.ofInstant(report.startDatetime(), java.time.ZoneOffset.UTC),
        TlsRptReportWriter.fileName(report), TlsRptReportWriter.gzip(report),
        URI.create("mailto:tlsrpt@example.com"), report.endDatetime(), report.endDatetime(), 0);
    return TlsRptEmail.of(pending, report.contactInfo(), report.endDatetime()).message();
  }

  /** A report email as an owner forwards it: the report message inside a message/rfc822 part. */
  private static byte[] forwarded(String json) {
    String inner = "From: tlsrpt@sender-h.example\r\n"
        + "Subject: Report Domain: example.com Submitter: sender-h.example Report-ID:"
        + " <h-1@sender-h.example>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"inner\"\r\n"
        + "\r\n"
        + "--inner\r\n"
        + "Content-Type: text/plain\r\n"
        + "\r\n"
        + "A report.\r\n"
        + "--inner\r\n"
        + "Content-Type: Application/TLSRPT+JSON\r\n"
        + "Content-Transfer-Encoding: 7bit\r\n"
        + "Content-Disposition: attachment;\r\n"
        + " filename=\"sender-h.example!example.com!1459814400!1459900799.json\"\r\n"
        + "\r\n"
        + json + "\r\n"
        + "--inner--\r\n";
    String outer = "From: owner@example.com\r\n"
        + "To: archive@example.com\r\n"
        + "Subject: Fwd: Report Domain: example.com\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
        + "\r\n"
        + "--outer\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n"
        + "\r\n"
        + "See the attached report.\r\n"
        + "--outer\r\n"
        + "Content-Type: message/rfc822\r\n"
        + "\r\n"
        + inner
        + "--outer--\r\n";
    return outer.getBytes(StandardCharsets.UTF_8);
  }

  /** A multipart/report message with one text part and one attachment of the given type. */
  private static byte[] email(String type, String encoding, String body) {
    return ("From: tlsrpt@sender.example\r\n"
        + "Subject: Report Domain: example.com Submitter: sender.example Report-ID: <x@y>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b\"\r\n"
        + "\r\n"
        + "--b\r\n"
        + "Content-Type: text/plain\r\n"
        + "\r\n"
        + "A report.\r\n"
        + "--b\r\n"
        + "Content-Type: " + type + "\r\n"
        + "Content-Transfer-Encoding: " + encoding + "\r\n"
        + "\r\n"
        + body.replace("\n", "\r\n").replace("\r\r\n", "\r\n") + "\r\n"
        + "--b--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] zip(String json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("report.json"));
      zip.write(json.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void reject(Map<String, byte[]> bad, Map<String, String> why, String name,
      String content, String message) {
    bad.put(name, content.getBytes(StandardCharsets.UTF_8));
    why.put(name, message);
  }

  private Path write(String name, byte[] content) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("files"));
    return Files.write(dir.resolve(name), content);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ReportCommandTest.class.getResourceAsStream("/reports/" + name)) {
      if (in == null) {
        throw new IOException("no test resource /reports/" + name);
      }
      return in.readAllBytes();
    }
  }

  private static JsonNode parse(String json) {
    try {
      return Cli.MAPPER.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
