package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what {@code mtasts demo} told, for the in-process test and the jar test alike. */
final class DemoOutput {
  private static final Pattern REPORT_HEADING =
      Pattern.compile("^   The report for (\\S+), as https://localhost:\\d+/tlsrpt received it.*$");

  private DemoOutput() {}

  /**
   * The reports printed in the fourth scene, by policy domain: each is the JSON between its
   * heading and the closing brace at the same indentation.
   */
  static Map<String, JsonNode> reports(String out) {
    Map<String, JsonNode> reports = new LinkedHashMap<>();
    List<String> lines = out.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = REPORT_HEADING.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      StringBuilder json = new StringBuilder();
      int j = i + 1;
      for (; j < lines.size(); j++) {
        json.append(lines.get(j)).append('\n');
        if (lines.get(j).equals("   }")) {
          break;
        }
      }
      try {
        reports.put(m.group(1), Cli.MAPPER.readTree(json.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON after " + lines.get(i) + ":\n" + json, e);
      }
      i = j;
    }
    return reports;
  }

  /** The lines of the output that contain a text. */
  static List<String> linesWith(String out, String text) {
    List<String> found = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.contains(text)) {
        found.add(line);
      }
    }
    return found;
  }

  /**
   * Asserts what every run of the demo must have told: where each message went, why each refused
   * host was refused, and the counts of both reports.
   */
  static void assertStory(String out) {
    assertEquals(List.of(
            "     REFUSED: certificate-host-mismatch (RFC 8460 result type).",
            "     REFUSED: certificate-host-mismatch (RFC 8460 result type)."),
        linesWith(out, "REFUSED"), out);
    assertEquals(2, linesWith(out, "   mx1.strict.demo.test: EHLO, STARTTLS").size(), out);
    assertEquals(List.of(
            "     and chains to a trusted root. DELIVERED over TLSv1.3.",
            "     and chains to a trusted root. DELIVERED over TLSv1.3.",
            "     DELIVERED over TLSv1.3, and reported."),
        linesWith(out, "DELIVERED"), out);
    assertEquals(2, linesWith(out, "   mx2.strict.demo.test: EHLO, STARTTLS").size(), out);
    assertTrue(out.contains("trusts. The check fails: certificate-not-trusted (RFC 8460 result"
        + " type)."), out);
    assertTrue(out.contains("given up): DNS answers that there is no _mta-sts record"), out);
    assertTrue(out.contains("policy before its max_age runs out (RFC 8461 section 5.1). Mode:"
        + " enforce."), out);
    assertTrue(out.contains("   Result: the policy is enforced from the cache; delivered to"
        + " mx2.strict.demo.test again."), out);
    assertTrue(out.contains("(section 5.3): 2 built, 2 delivered."), out);

    Map<String, JsonNode> reports = reports(out);
    assertEquals(List.of("strict.demo.test", "trial.demo.test"), List.copyOf(reports.keySet()));
    assertPolicy(reports.get("strict.demo.test"), "strict.demo.test", "enforce", 2, 2,
        "certificate-host-mismatch", "mx1.strict.demo.test");
    assertPolicy(reports.get("trial.demo.test"), "trial.demo.test", "testing", 0, 1,
        "certificate-not-trusted", "mx.trial.demo.test");
  }

  private static void assertPolicy(JsonNode report, String domain, String mode, int successful,
      int failed, String resultType, String mx) {
    assertEquals(1, report.get("policies").size(), report.toString());
    JsonNode p = report.get("policies").get(0);
    assertEquals("sts", p.get("policy").get("policy-type").textValue());
    assertEquals(domain, p.get("policy").get("policy-domain").textValue());
    assertEquals("mode: " + mode, p.get("policy").get("policy-string").get(1).textValue());
    assertEquals(successful, p.get("summary").get("total-successful-session-count").intValue());
    assertEquals(failed, p.get("summary").get("total-failure-session-count").intValue());
    JsonNode details = p.get("failure-details");
    assertEquals(1, details.size(), details.toString());
    assertEquals(resultType, details.get(0).get("result-type").textValue());
    assertEquals(mx, details.get(0).get("receiving-mx-hostname").textValue());
    assertEquals(failed, details.get(0).get("failed-session-count").intValue());
    assertTrue(report.get("date-range").get("start-datetime").textValue().endsWith("T00:00:00Z"));
  }
}
