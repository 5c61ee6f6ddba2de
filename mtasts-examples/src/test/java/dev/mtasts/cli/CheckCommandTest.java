package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtasts check} run in-process against a {@link LoopbackDnsServer}, a {@link PolicyHost} and
 * a {@link TestCertificateAuthority}: every finding code appears in at least one test, with its
 * severity, the facts beside it and the exit code. The test JVM maps {@code mta-sts.example.test}
 * to 127.0.0.1 through {@code src/test/resources/hosts}.
 */
@Timeout(60)
class CheckCommandTest {
  private static final String DOMAIN = "example.test";
  private static final String RECORD = "_mta-sts.example.test";
  private static final String TLSRPT = "_smtp._tls.example.test";
  private static final TestCertificateAuthority CA = TestCertificateAuthority.create();

  /** Every code some test below sees, checked against the documented list at the end. */
  private static final Set<String> SEEN = new TreeSet<>();
  private static int ran;

  @TempDir
  static Path tmp;

  private static PolicyHost host;
  private static Path caPem;

  private LoopbackDnsServer dns;

  @BeforeAll
  static void start() {
    host = PolicyHost.start(DOMAIN, CA.issue("mta-sts." + DOMAIN));
    caPem = CA.writePem(tmp.resolve("ca.pem"));
  }

  @AfterAll
  static void stop() {
    host.close();
    long tests = Arrays.stream(CheckCommandTest.class.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Test.class)).count();
    if (ran == tests) { // not when a filter picked some tests only
      // mx-tls-version-old needs a JVM that allows a TLS 1.1 server: CheckCommandTls11Test.
      assertEquals(new TreeSet<>(Arrays.stream(DomainCheck.Code.values())
          .filter(c -> c != DomainCheck.Code.MX_TLS_VERSION_OLD)
          .map(DomainCheck.Code::token).toList()), SEEN, "every finding code is shown by a test");
    }
  }

  @BeforeEach
  void startDns() throws IOException {
    host.reset();
    dns = LoopbackDnsServer.start();
  }

  @AfterEach
  void stopDns() {
    dns.close();
    ran++;
  }

  /** A domain with nothing to find fault with. */
  private void goodDomain() {
    dns.txt(RECORD, "v=STSv1; id=20260501")
        .mx(DOMAIN, 10, "mx1.example.test")
        .mx(DOMAIN, 20, "mx2.example.test")
        .mx(DOMAIN, 30, "a.backup.example.test")
        .txt(TLSRPT, "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
  }

  // ------------------------------------------------------------------ all good

  @Test
  void aGoodDomainHasNoFindingsAndTheWholeJsonIsExact() {
    goodDomain();

    Cli.Run run = check();

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertEquals(List.of(("{'domain':'example.test','findings':[],"
        + "'record':{'name':'_mta-sts.example.test','txt':['v=STSv1; id=20260501'],'valid':true,"
        + "'id':'20260501','errors':[],'warnings':[]},"
        + "'policy':{'url':'" + url() + "','valid':true,'result_type':null,'mode':'enforce',"
        + "'max_age':604800,'mx':['mx1.example.test','mx2.example.test','*.backup.example.test'],"
        + "'errors':[],'warnings':[]},"
        + "'mx':[{'host':'mx1.example.test','preference':10,'covered':true,'smtp':null},"
        + "{'host':'mx2.example.test','preference':20,'covered':true,'smtp':null},"
        + "{'host':'a.backup.example.test','preference':30,'covered':true,'smtp':null}],"
        + "'tlsrpt':{'name':'_smtp._tls.example.test',"
        + "'txt':['v=TLSRPTv1; rua=mailto:tlsrpt@example.test'],'valid':true,"
        + "'rua':['mailto:tlsrpt@example.test'],'errors':[],'warnings':[]}}").replace('\'', '"')),
        run.lines());
    assertEquals(1, host.requestCount());
  }

  @Test
  void forPeopleAGoodDomainHasNoFindings() {
    goodDomain();

    Cli.Run run = Cli.run(args(false, DOMAIN));

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("example.test: no findings", run.lines().get(0));
    assertFalse(run.out().contains("Findings:"), run.out());
  }

  @Test
  void forPeopleTheFactsComeFirstAndThenTheFindings() {
    goodDomain();
    dns.mx(DOMAIN, 40, "mx9.example.test");

    Cli.Run run = Cli.run(args(false, DOMAIN));

    assertEquals(1, run.exitCode(), run.err());
    List<String> lines = run.lines();
    assertEquals("example.test: 1 error", lines.get(0));
    assertTrue(lines.contains("  TXT      \"v=STSv1; id=20260501\""), run.out());
    assertTrue(lines.contains("  id       20260501"), run.out());
    assertTrue(lines.contains(url()), run.out());
    assertTrue(lines.contains("  max_age  604800 (1 week)"), run.out());
    assertTrue(lines.contains("  10       mx1.example.test (covered by the policy)"), run.out());
    assertTrue(lines.contains("  40       mx9.example.test (NOT covered by the policy)"), run.out());
    assertTrue(lines.contains("  rua      mailto:tlsrpt@example.test"), run.out());
    assertEquals("Findings:", lines.get(lines.size() - 2));
    assertTrue(lines.get(lines.size() - 1).startsWith(
        "  error   mx-not-covered: MX mx9.example.test (preference 40) matches no mx pattern"),
        run.out());
  }

  // ------------------------------------------------------------------ the _mta-sts record

  @Test
  void noRecordIsAnErrorAndThePolicyIsNotFetched() {
    goodDomain();
    dns.remove(RECORD);

    JsonNode o = json(check(), 1, "sts-record-missing/error");

    assertMessage(o, 0, RECORD + " does not exist (NXDOMAIN); senders see no MTA-STS policy;"
        + " publish 'v=STSv1; id=...' there to enable MTA-STS");
    assertTrue(o.get("record").isNull());
    assertTrue(o.get("policy").isNull());
    assertEquals(parse("[{'host':'mx1.example.test','preference':10,'covered':null,'smtp':null},"
        + "{'host':'mx2.example.test','preference':20,'covered':null,'smtp':null},"
        + "{'host':'a.backup.example.test','preference':30,'covered':null,'smtp':null}]"),
        o.get("mx"));
    assertEquals(0, host.requestCount(), "no fetch without a valid record");
  }

  @Test
  void aNameWithoutTxtRecordsIsMissingToo() {
    goodDomain();
    dns.remove(RECORD).a(RECORD, "192.0.2.1");

    JsonNode o = json(check(), 1, "sts-record-missing/error");

    assertMessage(o, 0, RECORD + " has no TXT records; senders see no MTA-STS policy;"
        + " publish 'v=STSv1; id=...' there to enable MTA-STS");
    assertTrue(o.get("record").isNull());
  }

  @Test
  void aLoneNonStsRecordIsMissingAndShownAsAFact() {
    goodDomain();
    dns.remove(RECORD).txt(RECORD, "v=spf1 -all");

    JsonNode o = json(check(), 1, "sts-record-missing/error");

    assertEquals(parse("{'name':'_mta-sts.example.test','txt':['v=spf1 -all'],'valid':false,"
        + "'id':null,'errors':[{'record':1,'position':1,'message':"
        + "'the record must begin with \\'v=STSv1\\', not \\'v=spf1\\''}],'warnings':[]}"),
        o.get("record"));
    assertEquals(0, host.requestCount());
  }

  @Test
  void twoStsRecordsAreAnError() {
    goodDomain();
    dns.txt(RECORD, "v=STSv1; id=20260502");

    JsonNode o = json(check(), 1, "sts-record-multiple/error");

    assertEquals(parse("['v=STSv1; id=20260501','v=STSv1; id=20260502']"),
        o.get("record").get("txt"));
    assertFalse(o.get("record").get("valid").booleanValue());
    assertTrue(o.get("policy").isNull());
    assertEquals(0, host.requestCount());
  }

  @Test
  void anInvalidRecordIsAnErrorWithItsPosition() {
    goodDomain();
    dns.remove(RECORD).txt(RECORD, "v=STSv1; id=bad-id");

    JsonNode o = json(check(), 1, "sts-record-invalid/error");

    assertTrue(message(o, 0).startsWith(RECORD + ": 1:13: the id must be 1 to 32 letters or"
        + " digits"), message(o, 0));
    JsonNode error = o.get("record").get("errors").get(0);
    assertEquals(1, error.get("record").intValue());
    assertEquals(13, error.get("position").intValue());
    assertTrue(o.get("record").get("id").isNull());
    assertEquals(0, host.requestCount());
  }

  @Test
  void aToleratedRecordProblemIsAWarning() {
    goodDomain();
    dns.remove(RECORD).txt(RECORD, "v=STSv1 ; id=20260501");

    JsonNode o = json(check(), 0, "sts-record-warning/warning");

    assertTrue(message(o, 0).startsWith(RECORD + " record 1:8: whitespace before ';'"),
        message(o, 0));
    assertEquals("20260501", o.get("record").get("id").textValue());
    assertEquals(1, o.get("record").get("warnings").size());
    assertEquals(1, host.requestCount());
  }

  @Test
  void aFailedRecordLookupIsAnErrorNotAMissingRecord() {
    goodDomain();
    dns.fault(RECORD, LoopbackDnsServer.Fault.SERVFAIL);

    JsonNode o = json(check(), 1, "dns-lookup-failed/error");

    assertTrue(message(o, 0).startsWith(RECORD + ": SERVFAIL for " + RECORD + "/TXT"),
        message(o, 0));
    assertTrue(o.get("record").isNull());
    assertTrue(o.get("policy").isNull());
    assertEquals(0, host.requestCount());
  }

  @Test
  void anMxLookupWithoutAnswerTimesOutAsAFailedLookup() {
    goodDomain();
    dns.fault(DOMAIN, "MX", LoopbackDnsServer.Fault.DROP);

    JsonNode o = json(check("--timeout", "1s"), 1, "dns-lookup-failed/error");

    assertTrue(message(o, 0).contains("example.test/MX"), message(o, 0));
    assertEquals(0, o.get("mx").size());
    assertTrue(o.get("policy").get("valid").booleanValue(), "the rest is still checked");
  }

  // ------------------------------------------------------------------ the policy

  @Test
  void aPolicyThatCannotBeFetchedIsAnError() {
    goodDomain();
    host.notFound();

    JsonNode o = json(check(), 1, "policy-fetch-failed/error");

    assertTrue(message(o, 0).contains("404"), message(o, 0));
    assertTrue(message(o, 0).contains("(sts-policy-fetch-error)"), message(o, 0));
    assertEquals(parse("{'url':'" + url() + "','valid':false,"
        + "'result_type':'sts-policy-fetch-error','mode':null,'max_age':null,'mx':null,"
        + "'errors':[],'warnings':[]}"), o.get("policy"));
    assertTrue(o.get("mx").get(0).get("covered").isNull());
  }

  @Test
  void aPolicyHostCertificateForAnotherNameIsAnError() {
    goodDomain();
    try (PolicyHost wrong = PolicyHost.start(DOMAIN, CA.issue("www.example.test"))) {
      JsonNode o = json(Cli.run(args(true, DOMAIN, "--policy-port", String.valueOf(wrong.port()))),
          1, "policy-host-certificate-invalid/error");

      assertTrue(message(o, 0).contains("not valid for the name mta-sts.example.test"),
          message(o, 0));
      assertEquals("sts-webpki-invalid", o.get("policy").get("result_type").textValue());
    }
  }

  @Test
  void withoutTrustPemTheTestCaIsNotTrusted() {
    goodDomain();
    List<String> args = new ArrayList<>(List.of(args(true, DOMAIN)));
    int at = args.indexOf("--trust-pem");
    args.remove(at + 1);
    args.remove(at);

    JsonNode o = json(Cli.run(args.toArray(String[]::new)), 1,
        "policy-host-certificate-invalid/error");

    assertTrue(message(o, 0).contains("does not chain to a trusted root"), message(o, 0));
  }

  @Test
  void anInvalidPolicyIsAnErrorWithTheParserErrors() {
    goodDomain();
    host.body("version: STSv1\r\nmode: enforce\r\nmode: testing\r\nmax_age: 86400\r\n");

    JsonNode o = json(check(), 1, "policy-invalid/error");

    assertTrue(message(o, 0).contains("(sts-policy-invalid)"), message(o, 0));
    JsonNode policy = o.get("policy");
    assertEquals("sts-policy-invalid", policy.get("result_type").textValue());
    assertTrue(policy.get("mode").isNull());
    assertEquals(1, policy.get("errors").size());
    assertEquals(0, policy.get("errors").get(0).get("line").intValue());
    assertTrue(policy.get("errors").get(0).get("message").textValue().contains("mx"),
        policy.toString());
  }

  @Test
  void aToleratedPolicyProblemIsAWarning() {
    goodDomain();
    host.body("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\n"
        + "mx: mx2.example.test \r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n");

    JsonNode o = json(check(), 0, "policy-warning/warning");

    assertTrue(message(o, 0).startsWith("policy line 4: "), message(o, 0));
    assertEquals(4, o.get("policy").get("warnings").get(0).get("line").intValue());
    assertTrue(o.get("policy").get("valid").booleanValue());
  }

  @Test
  void modeTestingIsInfoAndUncoveredMxHostsOnlyWarnings() {
    goodDomain();
    host.body(dev.mtasts.testkit.SamplePolicies.testing(DOMAIN));
    dns.mx(DOMAIN, 40, "mx9.example.test");

    JsonNode o = json(check(), 0, "mode-testing/info", "mx-not-covered/warning");

    assertTrue(message(o, 0).contains("switch to mode enforce once the reports are clean"),
        message(o, 0));
    assertTrue(message(o, 1).contains("will refuse it under mode enforce"), message(o, 1));
    assertFalse(o.get("mx").get(3).get("covered").booleanValue());
  }

  @Test
  void modeNoneIsInfoAndNothingIsCovered() {
    goodDomain();
    host.body(dev.mtasts.testkit.SamplePolicies.none());

    JsonNode o = json(check(), 0, "mode-none/info");

    assertEquals(parse("[]"), o.get("policy").get("mx"));
    assertEquals("none", o.get("policy").get("mode").textValue());
    for (JsonNode mx : o.get("mx")) {
      assertTrue(mx.get("covered").isNull(), mx.toString());
    }
  }

  @Test
  void aMaxAgeUnderOneDayIsAWarning() {
    goodDomain();
    host.body("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: mx2.example.test\r\n"
        + "mx: *.backup.example.test\r\nmax_age: 86399\r\n");

    JsonNode o = json(check(), 0, "max-age-short/warning");

    assertTrue(message(o, 0).startsWith("max_age is 86399 seconds, under one day"), message(o, 0));
    assertEquals(86399, o.get("policy").get("max_age").intValue());
  }

  // ------------------------------------------------------------------ MX

  @Test
  void underEnforceAnUncoveredMxIsAnErrorAndAnUnusedPatternAWarning() {
    goodDomain();
    dns.remove(DOMAIN).mx(DOMAIN, 10, "mx1.example.test").mx(DOMAIN, 20, "mx9.example.test");

    JsonNode o = json(check(), 1, "mx-not-covered/error", "policy-mx-unused/warning",
        "policy-mx-unused/warning");

    assertEquals("MX mx9.example.test (preference 20) matches no mx pattern of the policy:"
        + " senders refuse to deliver to it; add 'mx: mx9.example.test' (or a wildcard that covers"
        + " it) to the policy", message(o, 0));
    assertTrue(message(o, 1).startsWith("mx pattern mx2.example.test "), message(o, 1));
    assertTrue(message(o, 2).startsWith("mx pattern *.backup.example.test "), message(o, 2));
    assertEquals(parse("[{'host':'mx1.example.test','preference':10,'covered':true,'smtp':null},"
        + "{'host':'mx9.example.test','preference':20,'covered':false,'smtp':null}]"), o.get("mx"));
  }

  @Test
  void withoutMxRecordsTheDomainItselfIsTheMx() {
    goodDomain();
    dns.remove(DOMAIN).a(DOMAIN, "192.0.2.25");

    JsonNode o = json(check(), 1, "mx-not-covered/error", "policy-mx-unused/warning",
        "policy-mx-unused/warning", "policy-mx-unused/warning");

    assertEquals(parse("[{'host':'example.test','preference':0,'covered':false,'smtp':null}]"),
        o.get("mx"));
  }

  @Test
  void aNullMxIsInfoAndNoPatternIsReportedUnused() {
    goodDomain();
    dns.remove(DOMAIN).mx(DOMAIN, 0, ".");

    JsonNode o = json(check(), 0, "mx-null/info");

    assertEquals(parse("[]"), o.get("mx"));
  }

  @Test
  void aDomainThatDoesNotExistIsAnError() {
    JsonNode o = json(Cli.run(args(true, "nowhere.test")), 1, "sts-record-missing/error",
        "domain-not-found/error", "tlsrpt-record-missing/warning");

    assertEquals("nowhere.test does not exist (NXDOMAIN for its MX lookup): no mail can be"
        + " delivered to it", message(o, 1));
    assertEquals(parse("{'domain':'nowhere.test','record':null,'policy':null,'mx':[],"
        + "'tlsrpt':null}"), withoutFindings(o));
  }

  @Test
  void aULabelDomainIsCheckedInALabels() {
    JsonNode o = json(Cli.run(args(true, "B\u00fccher.Example.TEST")), 1,
        "sts-record-missing/error", "domain-not-found/error", "tlsrpt-record-missing/warning");

    assertEquals("xn--bcher-kva.example.test", o.get("domain").textValue());
    assertTrue(message(o, 0).startsWith("_mta-sts.xn--bcher-kva.example.test does not exist"),
        message(o, 0));
    assertEquals(1, dns.queryCount("_mta-sts.xn--bcher-kva.example.test", "TXT"));
  }

  // ------------------------------------------------------------------ TLS-RPT

  @Test
  void enforceWithoutTlsRptIsAWarningTwice() {
    goodDomain();
    dns.remove(TLSRPT);

    JsonNode o = json(check(), 0, "tlsrpt-record-missing/warning",
        "mode-enforce-without-tlsrpt/warning");

    assertEquals(TLSRPT + " does not exist (NXDOMAIN); publish 'v=TLSRPTv1; rua=mailto:...' to"
        + " get daily reports of TLS failures from senders", message(o, 0));
    assertTrue(o.get("tlsrpt").isNull());
  }

  @Test
  void anInvalidTlsRptRecordIsAnError() {
    goodDomain();
    dns.remove(TLSRPT).txt(TLSRPT, "v=TLSRPTv1; rua=http://reports.example.test/");

    JsonNode o = json(check(), 1, "tlsrpt-record-invalid/error", "tlsrpt-record-warning/warning",
        "mode-enforce-without-tlsrpt/warning");

    assertTrue(message(o, 0).startsWith(TLSRPT + " record 1: no rua URI can be used"),
        message(o, 0));
    assertEquals(parse("{'name':'_smtp._tls.example.test',"
        + "'txt':['v=TLSRPTv1; rua=http://reports.example.test/'],'valid':false,'rua':null,"
        + "'errors':[{'record':1,'position':0,'message':"
        + "'no rua URI can be used: reports go only to mailto: and https: URIs'}],"
        + "'warnings':[{'record':1,'position':17,'message':"
        + "'the rua URI \\'http://reports.example.test/\\' is ignored: only mailto: and https: are"
        + " supported (RFC 8460 section 3)'}]}"), o.get("tlsrpt"));
  }

  @Test
  void aToleratedTlsRptProblemIsAWarning() {
    goodDomain();
    dns.remove(TLSRPT).txt(TLSRPT, "v=TLSRPTv1; rua=ftp://x.example.test/,mailto:r@example.test");

    JsonNode o = json(check(), 0, "tlsrpt-record-warning/warning");

    assertEquals(parse("['mailto:r@example.test']"), o.get("tlsrpt").get("rua"));
    assertTrue(o.get("tlsrpt").get("valid").booleanValue());
  }

  @Test
  void aLoneNonTlsRptRecordIsMissingAndTwoAreInvalid() {
    goodDomain();
    dns.remove(TLSRPT).txt(TLSRPT, "v=spf1 -all");
    json(check(), 0, "tlsrpt-record-missing/warning", "mode-enforce-without-tlsrpt/warning");

    dns.remove(TLSRPT).txt(TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.test")
        .txt(TLSRPT, "v=TLSRPTv1; rua=mailto:b@example.test");
    JsonNode o = json(check(), 1, "tlsrpt-record-invalid/error",
        "mode-enforce-without-tlsrpt/warning");
    assertTrue(message(o, 0).contains("exactly one is allowed"), message(o, 0));
  }


  // ------------------------------------------------------------------ for people: DNS failures,
  // coverage, wildcards, positions

  @Test
  void forPeopleAFailedLookupIsNotShownAsMissing() {
    goodDomain();
    dns.fault(RECORD, LoopbackDnsServer.Fault.SERVFAIL)
        .fault(TLSRPT, LoopbackDnsServer.Fault.SERVFAIL)
        .fault(DOMAIN, "MX", LoopbackDnsServer.Fault.SERVFAIL);

    Cli.Run run = Cli.run(args(false, DOMAIN));

    assertEquals(1, run.exitCode(), run.err());
    List<String> lines = run.lines();
    assertTrue(lines.contains(RECORD + "  (lookup failed: see dns-lookup-failed below)"),
        run.out());
    assertTrue(lines.contains(TLSRPT + "  (lookup failed: see dns-lookup-failed below)"),
        run.out());
    assertTrue(lines.contains("MX " + DOMAIN + "  (lookup failed: see dns-lookup-failed below)"),
        run.out());
    assertFalse(run.out().contains("(none found)"), run.out());
    assertFalse(run.out().contains("(no MX host)"), run.out());
  }

  @Test
  void aDnsTimeoutIsToldInTermsOfTheGivenTimeout() {
    goodDomain();
    dns.fault(DOMAIN, "MX", LoopbackDnsServer.Fault.DROP);

    JsonNode o = json(check("--timeout", "1s"), 1, "dns-lookup-failed/error");

    assertEquals("the DNS servers gave no answer for example.test/MX (--timeout 1s); senders"
        + " retry later", message(o, 0));
  }

  @Test
  void whenNoMxIsCoveredUnderEnforceAllMailIsDeferredAndNoPatternIsToBeRemoved() {
    goodDomain();
    dns.remove(DOMAIN).mx(DOMAIN, 10, "mx8.example.test").mx(DOMAIN, 20, "mx9.example.test");

    JsonNode o = json(check(), 1, "mx-not-covered/error", "mx-not-covered/error",
        "policy-mx-unused/warning", "policy-mx-unused/warning", "policy-mx-unused/warning");

    assertTrue(message(o, 0).contains("senders that apply the policy deliver no mail to"
        + " example.test at all: they defer every message"), message(o, 0));
    for (int i = 2; i < 5; i++) {
      assertFalse(message(o, i).contains("remove"), message(o, i));
      assertTrue(message(o, i).endsWith("correct the mx patterns or the MX records so that they"
          + " agree"), message(o, i));
    }
  }

  @Test
  void aHostTwoLabelsUnderAWildcardIsToldThatTheWildcardCoversOneLabel() {
    goodDomain();
    dns.remove(DOMAIN).mx(DOMAIN, 10, "mx1.example.test").mx(DOMAIN, 20, "mx2.example.test")
        .mx(DOMAIN, 30, "b.a.backup.example.test");

    JsonNode o = json(check(), 1, "mx-not-covered/error", "policy-mx-unused/warning");

    assertTrue(message(o, 0).contains("(the pattern *.backup.example.test covers exactly one"
        + " label in place of the '*', such as a.backup.example.test, not the 2 labels of"
        + " b.a.backup.example.test)"), message(o, 0));
  }

  @Test
  void forPeoplePositionsInRecordsAreExplainedOnce() {
    goodDomain();
    dns.remove(RECORD).txt(RECORD, "v=STSv1 ; id=20260501")
        .remove(TLSRPT).txt(TLSRPT, "v=TLSRPTv1 ; rua=mailto:r@example.test");

    Cli.Run run = Cli.run(args(false, DOMAIN));

    assertEquals(0, run.exitCode(), run.err());
    String note = "A position N:C in a TXT record means record N of the answer (as listed above),"
        + " character C of that record, both counted from 1.";
    assertEquals(1, run.lines().stream().filter(note::equals).count(), run.out());
    assertTrue(run.out().contains("record 1:8"), run.out());
  }

  @Test
  void forPeopleNoPositionNoteWithoutPositions() {
    goodDomain();
    dns.mx(DOMAIN, 40, "mx9.example.test");

    Cli.Run run = Cli.run(args(false, DOMAIN));

    assertFalse(run.out().contains("A position N:C"), run.out());
  }

  @Test
  void aPolicyHostCertificateFailureSaysWhatTheCertificateHoldsAndWhatToDo() {
    goodDomain();
    IssuedCertificate wrongName = CA.issue("www.example.test");
    try (PolicyHost wrong = PolicyHost.start(DOMAIN, wrongName)) {
      JsonNode o = json(Cli.run(args(true, DOMAIN, "--policy-port", String.valueOf(wrong.port()))),
          1, "policy-host-certificate-invalid/error");

      assertTrue(message(o, 0).contains(". The certificate names www.example.test; issued by "
          + CA.certificate().getSubjectX500Principal().getName() + "; valid from "
          + wrongName.certificate().getNotBefore().toInstant() + " to "
          + wrongName.certificate().getNotAfter().toInstant() + ". Fix: get a certificate whose"
          + " subjectAltName includes mta-sts.example.test"), message(o, 0));
    }
    IssuedCertificate expired = CA.issueExpired("mta-sts.example.test");
    try (PolicyHost old = PolicyHost.start(DOMAIN, expired)) {
      JsonNode o = json(Cli.run(args(true, DOMAIN, "--policy-port", String.valueOf(old.port()))),
          1, "policy-host-certificate-invalid/error");

      assertTrue(message(o, 0).contains("Fix: renew it, and make sure the server on"
          + " mta-sts.example.test loads the new one"), message(o, 0));
      assertTrue(message(o, 0).contains("valid from "
          + expired.certificate().getNotBefore().toInstant()), message(o, 0));
    }
  }

  // ------------------------------------------------------------------ SMTP probes of the MX hosts

  @Test
  void aGoodMxOverSmtpHasFullFactsAndNoFindingAndNeverGetsMailFrom() {
    goodDomain();
    IssuedCertificate cert = CA.issue("mx1.example.test", "mx2.example.test",
        "a.backup.example.test");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test", cert.serverContext())) {
      JsonNode o = json(probe(mx), 0);

      JsonNode expected = parse("{'address':'127.0.0.1','starttls':true,'tls_version':'TLSv1.3',"
          + "'result_type':null,'certificate':{'subject_names':['mx1.example.test',"
          + "'mx2.example.test','a.backup.example.test'],'issuer':'"
          + CA.certificate().getSubjectX500Principal().getName() + "','not_before':'"
          + cert.certificate().getNotBefore().toInstant() + "','not_after':'"
          + cert.certificate().getNotAfter().toInstant() + "'},'error':null}");
      assertEquals(3, o.get("mx").size());
      for (JsonNode m : o.get("mx")) {
        assertEquals(List.of("host", "preference", "covered", "smtp"), Cli.keys(m));
        assertEquals(expected, m.get("smtp"), m.toString());
      }
      assertEquals(3, mx.connections(), "each MX host once");
      assertTrue(mx.messages().isEmpty());
      List<String> verbs = mx.commands().stream()
          .map(c -> c.split(" ")[0].toUpperCase(java.util.Locale.ROOT)).distinct().toList();
      assertEquals(List.of("EHLO", "STARTTLS", "QUIT"), verbs, mx.commands().toString());
    }
  }

  @Test
  void theEhloNameIsTheGivenOne() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("mx1.example.test").serverContext())) {
      json(probe(mx, "--helo", "sender.example.test"), 0);

      assertEquals("EHLO sender.example.test", mx.commands().get(0));
    }
  }

  @Test
  void aCertificateForAnotherNameIsInvalidAndSaysWhatItNames() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("www.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 1, "mx-certificate-invalid/error");

      JsonNode smtp = o.get("mx").get(0).get("smtp");
      assertEquals("certificate-host-mismatch", smtp.get("result_type").textValue());
      assertTrue(smtp.get("starttls").booleanValue());
      assertEquals(parse("['www.example.test']"), smtp.get("certificate").get("subject_names"));
      assertTrue(smtp.get("error").textValue().contains("www.example.test"), smtp.toString());
      assertTrue(message(o, 0).startsWith("MX mx1.example.test (127.0.0.1): its certificate fails"
          + " a sender's check: "), message(o, 0));
      assertTrue(message(o, 0).contains("senders that apply the policy refuse to deliver to it."
          + " The certificate names www.example.test; issued by "), message(o, 0));
      assertTrue(message(o, 0).endsWith("Fix: get a certificate whose subjectAltName includes"
          + " mx1.example.test"), message(o, 0));
    }
  }

  @Test
  void anExpiredCertificateIsInvalid() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issueExpired("mx1.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 1, "mx-certificate-invalid/error");

      assertEquals("certificate-expired",
          o.get("mx").get(0).get("smtp").get("result_type").textValue());
      assertTrue(message(o, 0).contains("Fix: renew it"), message(o, 0));
    }
  }

  @Test
  void anUntrustedCertificateIsInvalid() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issueByUnknownAuthority("mx1.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 1, "mx-certificate-invalid/error");

      assertEquals("certificate-not-trusted",
          o.get("mx").get(0).get("smtp").get("result_type").textValue());
      assertTrue(message(o, 0).contains("configure the server to send the intermediate"
          + " certificates"), message(o, 0));
    }
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.selfSigned("mx1.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 1, "mx-certificate-invalid/error");

      assertEquals("certificate-not-trusted",
          o.get("mx").get(0).get("smtp").get("result_type").textValue());
      assertTrue(message(o, 0).contains("it is self-signed"), message(o, 0));
    }
  }

  @Test
  void aCertificateWithTheNameInItsCnOnlyIsInvalid() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issueCnOnly("mx1.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 1, "mx-certificate-invalid/error");

      JsonNode smtp = o.get("mx").get(0).get("smtp");
      assertEquals("certificate-host-mismatch", smtp.get("result_type").textValue());
      assertEquals(parse("[]"), smtp.get("certificate").get("subject_names"));
      assertTrue(message(o, 0).contains("senders ignore the subject CN (mx1.example.test)"),
          message(o, 0));
    }
  }

  @Test
  void aWildcardCoveringTheHostPasses() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("*.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 0);

      JsonNode smtp = o.get("mx").get(0).get("smtp");
      assertTrue(smtp.get("result_type").isNull(), smtp.toString());
      assertTrue(smtp.get("error").isNull(), smtp.toString());
    }
  }

  @Test
  void aWildcardTwoLabelsUpFailsAndSaysItCoversOneLabel() {
    oneMx("b.a.backup.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("b.a.backup.example.test",
        CA.issue("*.backup.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 1, "mx-certificate-invalid/error");

      assertEquals("certificate-host-mismatch",
          o.get("mx").get(0).get("smtp").get("result_type").textValue());
      assertTrue(message(o, 0).contains("(its *.backup.example.test covers exactly one label in"
          + " place of the '*', so not b.a.backup.example.test; a wildcard for it would be"
          + " *.a.backup.example.test)"), message(o, 0));
    }
  }

  @Test
  void noStarttlsIsAnErrorUnderEnforceAndAWarningUnderTesting() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.startWithoutTls("mx1.example.test")) {
      JsonNode o = json(probe(mx), 1, "mx-starttls-missing/error");

      assertEquals(parse("{'address':'127.0.0.1','starttls':false,'tls_version':null,"
          + "'result_type':'starttls-not-supported','certificate':null,"
          + "'error':'the EHLO reply does not offer STARTTLS'}"),
          o.get("mx").get(0).get("smtp"));
      assertTrue(message(o, 0).contains("Fix: enable STARTTLS"), message(o, 0));

      oneMx("mx1.example.test", "testing");
      json(probe(mx), 0, "mode-testing/info", "mx-starttls-missing/warning");
    }
  }

  @Test
  void nothingListeningIsUnreachableAWarningWithTheError() throws IOException {
    oneMx("mx1.example.test", "enforce");
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    JsonNode o = json(Cli.run(args(true, DOMAIN, "--smtp-port", String.valueOf(closed))), 0,
        "mx-unreachable/warning");

    JsonNode smtp = o.get("mx").get(0).get("smtp");
    assertEquals("127.0.0.1", smtp.get("address").textValue());
    assertFalse(smtp.get("starttls").booleanValue());
    assertTrue(smtp.get("result_type").isNull());
    assertTrue(smtp.get("certificate").isNull());
    assertTrue(smtp.get("error").textValue().startsWith("127.0.0.1 refused the connection to port "
        + closed), smtp.toString());
    assertTrue(message(o, 0).contains("were not checked"), message(o, 0));
  }

  @Test
  void aSilentServerTimesOut() throws IOException {
    oneMx("mx1.example.test", "enforce");
    // Connections complete in the backlog, and nobody ever says a word.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5,
        java.net.InetAddress.getLoopbackAddress())) {
      JsonNode o = json(Cli.run(args(true, DOMAIN, "--smtp-port",
          String.valueOf(silent.getLocalPort()), "--timeout", "1s")), 0, "mx-unreachable/warning");

      assertEquals("the SMTP conversation with 127.0.0.1 did not finish within --timeout 1s",
          o.get("mx").get(0).get("smtp").get("error").textValue());
    }
  }

  @Test
  void aConnectionThatTimesOutMayBeABlockedPort() throws IOException {
    oneMx("mx1.example.test", "enforce");
    // A listener that never accepts, with its queue full: the kernel drops further connection
    // attempts, as a firewall that blocks port 25 does.
    List<java.net.Socket> queued = new ArrayList<>();
    try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      boolean dropping = false;
      for (int i = 0; i < 20 && !dropping; i++) {
        java.net.Socket s = new java.net.Socket();
        queued.add(s);
        try {
          s.connect(full.getLocalSocketAddress(), 200);
        } catch (java.net.SocketTimeoutException e) {
          dropping = true;
        }
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(dropping, "this kernel queues every attempt");
      int port = full.getLocalPort();

      JsonNode o = json(Cli.run(args(true, DOMAIN, "--smtp-port", String.valueOf(port),
          "--timeout", "1s")), 0, "mx-unreachable/warning");

      String error = o.get("mx").get(0).get("smtp").get("error").textValue();
      assertTrue(error.startsWith("no connection to 127.0.0.1 port " + port + " within --timeout"
          + " 1s: port " + port + " may be blocked on the network this check runs from"), error);
      assertTrue(error.endsWith("or skip this part with --no-smtp"), error);
    } finally {
      for (java.net.Socket s : queued) {
        s.close();
      }
    }
  }

  @Test
  void aHostWithoutAddressIsUnreachable() {
    oneMx("mx7.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("mx1.example.test").serverContext())) {
      JsonNode o = json(probe(mx), 0, "mx-unreachable/warning");

      JsonNode smtp = o.get("mx").get(0).get("smtp");
      assertTrue(smtp.get("address").isNull(), smtp.toString());
      assertTrue(smtp.get("error").textValue().startsWith("mx7.example.test has no address"),
          smtp.toString());
      assertEquals(0, mx.connections());
    }
  }

  @Test
  void noSmtpGivesNullAndConnectsNowhere() {
    goodDomain();
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("mx1.example.test").serverContext())) {
      List<String> args = new ArrayList<>(List.of(probeArgs(mx)));
      args.add(1, "--no-smtp");

      JsonNode o = json(Cli.run(args.toArray(String[]::new)), 0);

      for (JsonNode m : o.get("mx")) {
        assertTrue(m.get("smtp").isNull(), m.toString());
      }
      assertEquals(0, mx.connections());
    }
  }

  @Test
  void aNullMxIsNotProbed() {
    goodDomain();
    dns.remove(DOMAIN).mx(DOMAIN, 0, ".");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("mx1.example.test").serverContext())) {
      json(probe(mx), 0, "mx-null/info");
      assertEquals(0, mx.connections());
    }
  }

  @Test
  void forPeopleEachMxShowsWhatASenderSees() {
    oneMx("mx1.example.test", "enforce");
    try (SmtpServer mx = SmtpServer.start("mx1.example.test",
        CA.issue("www.example.test").serverContext())) {
      List<String> args = new ArrayList<>(List.of(probeArgs(mx)));
      args.remove("--json");

      Cli.Run run = Cli.run(args.toArray(String[]::new));

      assertEquals(1, run.exitCode(), run.err());
      List<String> lines = run.lines();
      int at = lines.indexOf("  10       mx1.example.test (covered by the policy)");
      assertTrue(at > 0, run.out());
      assertEquals("           SMTP     127.0.0.1: STARTTLS, TLSv1.3, certificate FAILS a sender's"
          + " check", lines.get(at + 1));
      assertTrue(lines.get(at + 2).startsWith("           cert     names www.example.test;"
          + " issued by "), lines.get(at + 2));
      assertEquals("           sender   refuses this host (certificate-host-mismatch) and tries"
          + " the next; see the findings", lines.get(at + 3));
      assertTrue(lines.get(lines.size() - 1).startsWith("  error   mx-certificate-invalid: MX"
          + " mx1.example.test (127.0.0.1): "), run.out());
    }
  }

  @Test
  void badSmtpOptionsAreUsageErrors() {
    goodDomain();
    for (String[] extra : List.of(new String[] {"--smtp-port", "0"},
        new String[] {"--helo", "not a name"})) {
      Cli.Run run = Cli.run(args(true, DOMAIN, extra));
      assertEquals(2, run.exitCode(), run.err());
      assertEquals("", run.out());
    }
  }

  // ------------------------------------------------------------------ usage

  @Test
  void usageErrorsExitTwoWithoutOutput() throws IOException {
    Path notPem = Files.writeString(tmp.resolve("not.pem"), "hello");
    List<String[]> bad = List.of(
        new String[] {"check"},
        new String[] {"check", "exa mple.test"},
        new String[] {"check", "--timeout", "0s", DOMAIN},
        new String[] {"check", "--timeout", "ten", DOMAIN},
        new String[] {"check", "--timeout", "11m", DOMAIN},
        new String[] {"check", "--dns", "127.0.0.1:0", DOMAIN},
        new String[] {"check", "--dns", "[::1", DOMAIN},
        new String[] {"check", "--dns", "unknown.invalid", DOMAIN},
        new String[] {"check", "--policy-port", "70000", DOMAIN},
        new String[] {"check", "--trust-pem", tmp.resolve("missing.pem").toString(), DOMAIN},
        new String[] {"check", "--trust-pem", notPem.toString(), DOMAIN});
    for (String[] args : bad) {
      Cli.Run run = Cli.run(args);
      assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
      assertEquals("", run.out(), String.join(" ", args));
      assertTrue(run.err().startsWith("mtasts: "), run.err());
    }
    assertTrue(Cli.run("check", "--trust-pem", notPem.toString(), DOMAIN).err()
        .contains("cannot read --trust-pem"));
  }

  @Test
  void thePolicyPortOptionIsHidden() {
    Cli.Run run = Cli.run("check", "--help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("--trust-pem=FILE"), run.out());
    assertFalse(run.out().contains("--policy-port"), run.out());
    assertFalse(run.out().contains("--smtp-port"), run.out());
    assertTrue(run.out().contains("--no-smtp"), run.out());
    assertTrue(run.out().contains("--helo=NAME"), run.out());
    assertTrue(run.out().contains("1   at least one error finding"), run.out());
  }

  // ------------------------------------------------------------------ helpers

  private Cli.Run check(String... extra) {
    return Cli.run(args(true, DOMAIN, extra));
  }

  /** A check, in JSON, that probes the MX hosts at the given server. */
  private Cli.Run probe(SmtpServer mx, String... extra) {
    return Cli.run(probeArgs(mx, extra));
  }

  private String[] probeArgs(SmtpServer mx, String... extra) {
    List<String> all = new ArrayList<>(List.of("--smtp-port", String.valueOf(mx.port())));
    all.addAll(List.of(extra));
    return args(true, DOMAIN, all.toArray(String[]::new));
  }

  /** One MX host, a policy for exactly it in the given mode, and a TLS-RPT record. */
  private void oneMx(String mxHost, String mode) {
    dns.remove(RECORD).remove(DOMAIN).remove(TLSRPT)
        .txt(RECORD, "v=STSv1; id=20260501")
        .mx(DOMAIN, 10, mxHost)
        .txt(TLSRPT, "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
    host.body("version: STSv1\r\nmode: " + mode + "\r\nmx: " + mxHost
        + "\r\nmax_age: 604800\r\n");
  }

  /**
   * The arguments of a check of a domain against the loopback servers; without SMTP probes unless
   * {@code extra} gives an {@code --smtp-port}.
   */
  private String[] args(boolean json, String domain, String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--dns", "127.0.0.1:" + dns.port(),
        "--trust-pem", caPem.toString(), "--policy-port", String.valueOf(host.port()),
        "--timeout", "20s"));
    if (!List.of(extra).contains("--smtp-port")) {
      args.add(1, "--no-smtp");
    }
    if (json) {
      args.add(1, "--json");
    }
    for (int i = 0; i < extra.length; i += 2) {
      int at = args.indexOf(extra[i]);
      if (at >= 0) {
        args.set(at + 1, extra[i + 1]);
      } else {
        args.add(extra[i]);
        args.add(extra[i + 1]);
      }
    }
    args.add(domain);
    return args.toArray(String[]::new);
  }

  private static String url() {
    return "https://mta-sts.example.test:" + host.port() + "/.well-known/mta-sts.txt";
  }

  /**
   * Checks the exit code and that the findings are exactly these {@code code/severity} pairs, in
   * order; returns the one JSON object.
   */
  private static JsonNode json(Cli.Run run, int exitCode, String... findings) {
    assertEquals(exitCode, run.exitCode(), run.out() + run.err());
    assertEquals("", run.err());
    assertEquals(1, run.lines().size(), run.out());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("domain", "findings", "record", "policy", "mx", "tlsrpt"), Cli.keys(o));
    List<String> actual = new ArrayList<>();
    for (JsonNode f : o.get("findings")) {
      assertEquals(List.of("code", "severity", "message"), Cli.keys(f));
      actual.add(f.get("code").textValue() + "/" + f.get("severity").textValue());
      SEEN.add(f.get("code").textValue());
    }
    assertEquals(List.of(findings), actual, o.get("findings").toString());
    return o;
  }

  private static String message(JsonNode o, int i) {
    return o.get("findings").get(i).get("message").textValue();
  }

  private static void assertMessage(JsonNode o, int i, String expected) {
    assertEquals(expected, message(o, i));
  }

  private static JsonNode withoutFindings(JsonNode o) {
    com.fasterxml.jackson.databind.node.ObjectNode copy =
        (com.fasterxml.jackson.databind.node.ObjectNode) o.deepCopy();
    copy.remove("findings");
    return copy;
  }

  private static JsonNode parse(String singleQuoted) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < singleQuoted.length(); i++) {
      char c = singleQuoted.charAt(i);
      if (c == '\\' && i + 1 < singleQuoted.length() && singleQuoted.charAt(i + 1) == '\'') {
        sb.append('\'');
        i++;
      } else {
        sb.append(c == '\'' ? '"' : c);
      }
    }
    try {
      return Cli.MAPPER.readTree(sb.toString());
    } catch (IOException e) {
      throw new AssertionError("bad expected JSON: " + sb, e);
    }
  }
}
