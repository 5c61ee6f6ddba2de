package dev.mtasts.tlsrpt;

import dev.mtasts.result.ResultType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mtasts.internal.Ip;
import dev.mtasts.policy.Policy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class TlsRptReportWriterTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final LocalDate DAY = LocalDate.of(2016, 4, 1);
  static final String REPORT_ID = "5065427c-23d3-47ca-b6e0-946ea0e8c4be";

  /** RFC 8460 Appendix B, built from collected sessions. */
  static TlsRptReport appendixB() throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2016-04-01T12:00:00Z"), ZoneOffset.UTC);
    TlsRptCollector collector = TlsRptCollector.builder().clock(clock).build();
    Policy policy = Policy.parse("version: STSv1\nmode: testing\nmx: *.mail.company-y.example\n"
        + "max_age: 86400\n").orElseThrow();
    AppliedPolicy applied = AppliedPolicy.sts("company-y.example", policy);
    for (int i = 0; i < 5326; i++) {
      collector.success(applied);
    }
    for (int i = 0; i < 100; i++) {
      collector.failure(applied, SessionFailure.of(ResultType.CERTIFICATE_EXPIRED, null,
          "mx1.mail.company-y.example", ip("2001:db8:abcd:0012::1"), null, null));
    }
    for (int i = 0; i < 200; i++) {
      collector.failure(applied, SessionFailure.of(ResultType.STARTTLS_NOT_SUPPORTED, null,
          "mx2.mail.company-y.example", ip("2001:db8:abcd:0013::1"), ip("203.0.113.56"), null));
    }
    for (int i = 0; i < 3; i++) {
      collector.failure(applied, SessionFailure.of(ResultType.VALIDATION_FAILURE,
          "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED", "mx-backup.mail.company-y.example",
          ip("198.51.100.62"), ip("203.0.113.58"), null));
    }
    List<PolicyResult> results = collector.drain(DAY, "company-y.example");
    return TlsRptReport.forDay(DAY, "Company-X", "sts-reporting@company-x.example", REPORT_ID,
        results).withAdditionalInformation((id, type) -> type == ResultType.STARTTLS_NOT_SUPPORTED
            ? Optional.of(URI.create("https://reports.company-x.example/report_info?id="
                + id.substring(0, 13) + "#StarttlsNotSupported"))
            : Optional.empty());
  }

  static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void appendixBFromCollectedDataMatchesTheRfcExample() throws IOException {
    byte[] json = TlsRptReportWriter.json(appendixB());

    JsonNode expected = normaliseIps(MAPPER.readTree(ReportSchema.resource("rfc8460-appendix-b.json")));
    JsonNode actual = normaliseIps(MAPPER.readTree(json));
    assertEquals(expected, actual);
    assertEquals(List.of(), ReportSchema.violations(json));
    // The RFC's own example (as corrected by erratum 6241) passes the schema too.
    assertEquals(List.of(), ReportSchema.violations(ReportSchema.resource("rfc8460-appendix-b.json")));
  }

  @Test
  void fieldsComeInTheOrderOfSection44AndAreOneLineOfAscii() throws IOException {
    byte[] json = TlsRptReportWriter.json(appendixB());
    String text = new String(json, StandardCharsets.UTF_8);
    assertFalse(text.contains("\n"));
    assertTrue(text.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    JsonNode root = MAPPER.readTree(json);
    assertEquals(List.of("organization-name", "date-range", "contact-info", "report-id", "policies"),
        names(root));
    JsonNode policy = root.get("policies").get(0);
    assertEquals(List.of("policy", "summary", "failure-details"), names(policy));
    assertEquals(List.of("policy-type", "policy-string", "policy-domain", "mx-host"),
        names(policy.get("policy")));
    assertEquals(List.of("result-type", "sending-mta-ip", "receiving-mx-hostname", "receiving-ip",
        "failed-session-count", "failure-reason-code"), names(policy.get("failure-details").get(2)));
    assertTrue(policy.get("summary").get("total-successful-session-count").isIntegralNumber());
    assertTrue(policy.get("policy").get("mx-host").isArray());
    // RFC 5952: the example's "0012" is written without leading zeros.
    assertEquals("2001:db8:abcd:12::1",
        policy.get("failure-details").get(0).get("sending-mta-ip").textValue());
  }

  @Test
  void gzipAndFileName() throws IOException {
    TlsRptReport report = appendixB();
    byte[] gz = TlsRptReportWriter.gzip(report);
    assertEquals(0x1f, gz[0] & 0xff);
    assertEquals(0x8b, gz[1] & 0xff);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertArrayEquals(TlsRptReportWriter.json(report), in.readAllBytes());
    }
    assertEquals("company-x.example!company-y.example!1459468800!1459555199!"
        + "5065427c23d347cab6e0946ea0e8c4be.json.gz", TlsRptReportWriter.fileName(report));
  }

  @Test
  void everyPolicyTypeValidatesAgainstTheSchemaAndReadsBack() throws IOException {
    Policy policy = Policy.parse("version: STSv1\nmode: enforce\nmx: mx.example.org\n"
        + "mx: *.example.net\nmax_age: 604800\n").orElseThrow();
    SessionFailure full = SessionFailure.of(ResultType.CERTIFICATE_HOST_MISMATCH,
        "certificate-host-mismatch", "mx.example.org", ip("::1"), ip("fe80::1:0:0:0"),
        "mx.example.org ESMTP \u00e9\ud800");
    List<PolicyResult> results = List.of(
        new PolicyResult(AppliedPolicy.sts("example.org", policy), 7, 1,
            List.of(new FailureDetail(full, 1, Optional.empty()))),
        new PolicyResult(AppliedPolicy.stsUnavailable("example.org"), 0, 2, List.of(
            new FailureDetail(SessionFailure.of(ResultType.STS_POLICY_FETCH_ERROR,
                "sts-policy-fetch-error", "mx.example.org", null, null, null), 2,
                Optional.empty()))),
        new PolicyResult(AppliedPolicy.noPolicyFound("example.org"), 3, 0, List.of()),
        new PolicyResult(AppliedPolicy.tlsa("example.org", List.of("3 0 1 1F85E0")), 1, 0,
            List.of()));
    TlsRptReport report = TlsRptReport.forDay(LocalDate.of(2026, 2, 28), "Example \u00c4G",
        "tlsrpt@sender.example", "r1", results);
    byte[] json = TlsRptReportWriter.json(report);

    assertEquals(List.of(), ReportSchema.violations(json));
    JsonNode root = MAPPER.readTree(json);
    assertEquals("2026-02-28T00:00:00Z", root.get("date-range").get("start-datetime").textValue());
    assertEquals("2026-02-28T23:59:59Z", root.get("date-range").get("end-datetime").textValue());
    assertEquals("Example \u00c4G", root.get("organization-name").textValue());
    JsonNode unavailable = root.get("policies").get(1).get("policy");
    assertEquals("sts", unavailable.get("policy-type").textValue());
    assertEquals(0, unavailable.get("policy-string").size());
    assertEquals("no-policy-found",
        root.get("policies").get(2).get("policy").get("policy-type").textValue());
    JsonNode detail = root.get("policies").get(0).get("failure-details").get(0);
    assertEquals("fe80::1:0:0:0", detail.get("receiving-ip").textValue());
    assertEquals("mx.example.org ESMTP \u00e9\ufffd", detail.get("receiving-mx-helo").textValue());

    TlsRptReport back = TlsRptReport.parse(json);
    assertEquals(report.policies().get(1), back.policies().get(1));
    assertEquals(report.startDatetime(), back.startDatetime());
    assertEquals(4, back.policies().size());
  }

  @Test
  void schemaRejectsWhatTheRfcForbids() throws IOException {
    ObjectNode good = (ObjectNode) MAPPER.readTree(TlsRptReportWriter.json(appendixB()));
    ObjectNode p = (ObjectNode) good.get("policies").get(0).get("policy");
    p.set("mx-host", new TextNode("*.mail.company-y.example"));
    assertFalse(ReportSchema.violations(MAPPER.writeValueAsBytes(good)).isEmpty());

    ObjectNode bad = (ObjectNode) MAPPER.readTree(TlsRptReportWriter.json(appendixB()));
    ((ObjectNode) bad.get("policies").get(0).get("summary"))
        .put("total-failure-session-count", "303");
    assertFalse(ReportSchema.violations(MAPPER.writeValueAsBytes(bad)).isEmpty());

    ObjectNode single = (ObjectNode) MAPPER.readTree(TlsRptReportWriter.json(appendixB()));
    single.set("policies", single.get("policies").get(0));
    assertFalse(ReportSchema.violations(MAPPER.writeValueAsBytes(single)).isEmpty());
  }

  @Test
  void readerAcceptsABareStringMxHost() {
    TlsRptReport rfc = TlsRptReport.parse(("{\"organization-name\":\"X\",\"date-range\":{"
        + "\"start-datetime\":\"2016-04-01T00:00:00Z\",\"end-datetime\":\"2016-04-01T23:59:59Z\"},"
        + "\"contact-info\":\"a@x.example\",\"report-id\":\"1\",\"policies\":[{\"policy\":{"
        + "\"policy-type\":\"sts\",\"policy-string\":[],\"policy-domain\":\"y.example\","
        + "\"mx-host\":\"*.y.example\"},\"summary\":{\"total-successful-session-count\":1,"
        + "\"total-failure-session-count\":0}}]}").getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("*.y.example"), rfc.policies().get(0).policy().mxHost());
  }

  @Test
  void ipv6IsWrittenInRfc5952Form() {
    Map<String, String> cases = Map.of(
        "2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1",
        "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1",
        "::", "::",
        "0:0:0:0:0:0:0:1", "::1",
        "1:0:0:0:0:0:0:0", "1::",
        "2001:DB8::ABCD", "2001:db8::abcd",
        "192.0.2.1", "192.0.2.1");
    cases.forEach((in, out) -> assertEquals(out, Ip.format(ip(in)), in));
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Replaces every IP address text by its canonical form, so that "0012" equals "12". */
  private static JsonNode normaliseIps(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (String field : List.of("sending-mta-ip", "receiving-ip")) {
        if (o.has(field)) {
          o.put(field, Ip.format(ip(o.get(field).textValue())));
        }
      }
      o.elements().forEachRemaining(TlsRptReportWriterTest::normaliseIps);
    } else if (node.isArray()) {
      node.elements().forEachRemaining(TlsRptReportWriterTest::normaliseIps);
    }
    return node;
  }
}
