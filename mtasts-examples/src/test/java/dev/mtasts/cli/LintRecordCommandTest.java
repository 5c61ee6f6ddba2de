package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class LintRecordCommandTest {

  @Test
  void validRecordAsJson() {
    Cli.Run run = Cli.run("lint", "record", "--json", "v=STSv1; id=20260101T000000");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertEquals(1, run.lines().size());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "id", "errors", "warnings"), Cli.keys(o));
    assertTrue(o.get("valid").booleanValue());
    assertEquals("20260101T000000", o.get("id").textValue());
    assertEquals(0, o.get("errors").size());
    assertEquals(0, o.get("warnings").size());
  }

  @Test
  void invalidRecordAsJsonLocatesTheProblem() {
    Cli.Run run = Cli.run("lint", "record", "--json", "v=STSv1 ; id=a-b");

    assertEquals(1, run.exitCode());
    JsonNode o = run.json().get(0);
    assertEquals(List.of("valid", "errors", "warnings"), Cli.keys(o));
    assertFalse(o.get("valid").booleanValue());
    JsonNode error = o.get("errors").get(0);
    assertEquals(List.of("record", "position", "message"), Cli.keys(error));
    assertEquals(1, error.get("record").intValue());
    assertEquals(14, error.get("position").intValue());
    assertTrue(error.get("message").textValue().contains("'a-b'"));
    JsonNode warning = o.get("warnings").get(0);
    assertEquals(List.of("record", "position", "message"), Cli.keys(warning));
    assertEquals(1, warning.get("record").intValue());
    assertEquals(8, warning.get("position").intValue());
  }

  @Test
  void multipleRecordsWithOneStsRecordAreValid() {
    Cli.Run run = Cli.run("lint", "record", "--json", "v=spf1 -all", "v=STSv1; id=abc123");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals("abc123", o.get("id").textValue());
    assertEquals(1, o.get("warnings").size());
    assertEquals(1, o.get("warnings").get(0).get("record").intValue());
    assertEquals(0, o.get("warnings").get(0).get("position").intValue());
  }

  @Test
  void twoStsRecordsAreInvalidAsAWhole() {
    Cli.Run run = Cli.run("lint", "record", "--json", "v=STSv1; id=1", "v=STSv1; id=2");

    assertEquals(1, run.exitCode());
    JsonNode o = run.json().get(0);
    assertFalse(o.has("id"));
    JsonNode error = o.get("errors").get(0);
    assertEquals(0, error.get("record").intValue());
    assertEquals(0, error.get("position").intValue());
    assertTrue(error.get("message").textValue().contains("exactly one"));
  }

  @Test
  void whitespaceBeforeSemicolonDiscardsARecordInAMultiRecordAnswer() {
    Cli.Run run = Cli.run("lint", "record", "--json", "v=STSv1 ; id=1", "v=spf1 -all");

    assertEquals(1, run.exitCode());
    assertTrue(run.json().get(0).get("warnings").get(0).get("message").textValue()
        .contains("6285"));
  }

  @Test
  void noRecordIsAUsageError() {
    Cli.Run run = Cli.run("lint", "record", "--json");

    assertEquals(2, run.exitCode());
    assertEquals("", run.out());
    assertTrue(run.err().contains("Usage: mtasts lint record"), run.err());
  }

  @Test
  void humanOutputForAValidAnswer() {
    Cli.Run run = Cli.run("lint", "record", "v=spf1 -all", "v=STSv1; id=x1; ext=1");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(
        "TXT answer, 2 records: valid (1 warning)",
        "record 1: warning: record discarded: it does not begin with 'v=STSv1;'",
        "  record:     2 of 2",
        "  id:         x1 (senders fetch the policy again when the id changes)",
        "  extensions: ext=1 (ignored by senders)"), run.lines());
  }

  @Test
  void humanOutputForAnInvalidAnswer() {
    Cli.Run run = Cli.run("lint", "record", "v=STSv1; id=1", "v=STSv1; id=2", "v=STSv1 id=3");

    assertEquals(1, run.exitCode());
    List<String> lines = run.lines();
    assertEquals("TXT answer, 3 records: invalid (1 error, 1 warning)", lines.get(0));
    assertTrue(lines.get(1).startsWith(
        "record 3: warning: record discarded: it does not begin with 'v=STSv1;'"), lines.get(1));
    assertTrue(lines.get(2).startsWith("answer: error: 2 records (1, 2) begin with 'v=STSv1;'"),
        lines.get(2));
    assertEquals(3, lines.size());
  }

  @Test
  void humanOutputGivesRecordAndPosition() {
    Cli.Run run = Cli.run("lint", "record", "v=STSv1; id=\u001b[31m");

    assertEquals(1, run.exitCode());
    assertEquals("record 1:13: error: control character 0x1B is not allowed in a record",
        run.lines().get(1));
    assertFalse(run.out().contains("\u001b"));
  }
}
