package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class LintTlsRptCommandTest {

  @Test
  void validRecordAsJson() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "--json",
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://r.example.net/v1");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertEquals(1, run.lines().size());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "rua", "errors", "warnings"), Cli.keys(o));
    assertTrue(o.get("valid").booleanValue());
    assertEquals("[\"mailto:tlsrpt@example.com\",\"https://r.example.net/v1\"]",
        o.get("rua").toString());
    assertEquals(0, o.get("errors").size());
    assertEquals(0, o.get("warnings").size());
  }

  @Test
  void skippedUriIsAWarningWithItsPosition() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "--json",
        "v=TLSRPTv1; rua=http://r.example/,mailto:a@example.com");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals("[\"mailto:a@example.com\"]", o.get("rua").toString());
    JsonNode warning = o.get("warnings").get(0);
    assertEquals(List.of("record", "position", "message"), Cli.keys(warning));
    assertEquals(1, warning.get("record").intValue());
    assertEquals(17, warning.get("position").intValue());
    assertTrue(warning.get("message").textValue().contains("only mailto: and https:"));
  }

  @Test
  void invalidRecordAsJson() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "--json", "v=TLSRPTv1; ruf=mailto:a@example.com");

    assertEquals(1, run.exitCode());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "rua", "errors", "warnings"), Cli.keys(o));
    assertFalse(o.get("valid").booleanValue());
    assertEquals(0, o.get("rua").size());
    JsonNode error = o.get("errors").get(0);
    assertEquals(1, error.get("record").intValue());
    assertEquals(0, error.get("position").intValue());
    assertTrue(error.get("message").textValue().contains("'rua' is missing"));
  }

  @Test
  void twoTlsRptRecordsAreInvalidAsAWhole() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "--json", "v=TLSRPTv1;rua=mailto:a@example.com",
        "v=TLSRPTv1;rua=mailto:b@example.com");

    assertEquals(1, run.exitCode());
    JsonNode error = run.json().get(0).get("errors").get(0);
    assertEquals(0, error.get("record").intValue());
    assertTrue(error.get("message").textValue().contains("exactly one"));
  }

  @Test
  void noRecordIsAUsageError() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "--json");

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().contains("Usage: mtasts lint tlsrpt"), run.err());
  }

  @Test
  void humanOutput() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "v=spf1 -all",
        "v=TLSRPTv1; rua=https://r.example.net/v1,mailto:a@example.com; ext=1");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(
        "TLS-RPT answer, 2 records: valid (1 warning)",
        "record 1: warning: record discarded: it does not begin with 'v=TLSRPTv1;'",
        "  rua:        https://r.example.net/v1 (report by HTTPS POST)",
        "  rua:        mailto:a@example.com (report by email, DKIM-signed by the sender)",
        "  extensions: ext=1 (ignored by senders)"), run.lines());
  }

  @Test
  void humanOutputForAnInvalidRecordIsSafeForATerminal() {
    Cli.Run run = Cli.run("lint", "tlsrpt", "v=TLSRPTv1; rua=\u001b[31m");

    assertEquals(1, run.exitCode());
    assertEquals("record 1:17: error: control character 0x1B is not allowed in a record",
        run.lines().get(1));
    assertFalse(run.out().contains("\u001b"));
  }
}
