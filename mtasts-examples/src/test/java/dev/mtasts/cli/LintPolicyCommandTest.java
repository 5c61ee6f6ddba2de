package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintPolicyCommandTest {
  private static final String VALID = "samples/example.com.policy";
  private static final String BROKEN = "samples/broken.policy";
  private static final String TESTING = "samples/testing.policy";
  private static final List<String> VALID_KEYS =
      List.of("file", "valid", "mode", "max_age", "mx", "errors", "warnings");
  private static final List<String> INVALID_KEYS = List.of("file", "valid", "errors", "warnings");

  @TempDir
  Path tmp;

  @Test
  void validPolicyAsJson() {
    Cli.Run run = Cli.run("lint", "policy", "--json", VALID);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertTrue(run.out().endsWith("\n"));
    List<JsonNode> objects = run.json();
    assertEquals(1, objects.size());
    JsonNode o = objects.get(0);
    assertEquals(VALID_KEYS, Cli.keys(o));
    assertEquals(VALID, o.get("file").textValue());
    assertTrue(o.get("valid").booleanValue());
    assertEquals("enforce", o.get("mode").textValue());
    assertTrue(o.get("max_age").isIntegralNumber(), "max_age must be a JSON number");
    assertEquals(604800, o.get("max_age").longValue());
    assertEquals(List.of("mail.example.com", "*.mx.example.net"), texts(o.get("mx")));
    assertEquals(0, o.get("errors").size());
    assertEquals(0, o.get("warnings").size());
  }

  @Test
  void invalidPolicyAsJsonHasOnlyErrorsAndWarnings() {
    Cli.Run run = Cli.run("lint", "policy", "--json", BROKEN);

    assertEquals(1, run.exitCode());
    assertEquals("", run.err());
    List<JsonNode> objects = run.json();
    assertEquals(1, objects.size());
    JsonNode o = objects.get(0);
    assertEquals(INVALID_KEYS, Cli.keys(o));
    assertEquals(BROKEN, o.get("file").textValue());
    assertFalse(o.get("valid").booleanValue());
    assertEquals(List.of(2, 3, 4, 6), lines(o.get("errors")));
    assertEquals(List.of(5, 7, 8), lines(o.get("warnings")));
    for (JsonNode p : iterable(o.get("errors"), o.get("warnings"))) {
      assertEquals(List.of("line", "message"), Cli.keys(p));
      assertTrue(p.get("line").isInt());
      assertFalse(p.get("message").textValue().isBlank());
    }
    assertTrue(o.get("errors").get(0).get("message").textValue().contains("'Enforce'"));
  }

  @Test
  void mxMatchForAValidPolicyKeepsTheHostsAsGivenAndInOrder() {
    Cli.Run run = Cli.run("lint", "policy", "--json", "--mx", "mail.example.com",
        "--mx", "a.mx.example.net", "--mx", "a.b.mx.example.net", "--mx", "MAIL.Example.com.",
        "--mx", "mail.example.com", VALID);

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    List<String> keys = new ArrayList<>(VALID_KEYS);
    keys.add("mx_match");
    assertEquals(keys, Cli.keys(o));
    JsonNode match = o.get("mx_match");
    assertEquals(List.of("mail.example.com", "a.mx.example.net", "a.b.mx.example.net",
        "MAIL.Example.com."), Cli.keys(match));
    assertTrue(match.get("mail.example.com").booleanValue());
    assertTrue(match.get("a.mx.example.net").booleanValue());
    assertTrue(match.get("a.b.mx.example.net").isBoolean());
    assertFalse(match.get("a.b.mx.example.net").booleanValue());
    assertTrue(match.get("MAIL.Example.com.").booleanValue());
  }

  @Test
  void mxMatchIsLeftOutForAnInvalidPolicy() {
    Cli.Run run = Cli.run("lint", "policy", "--json", "--mx", "mail.example.com", BROKEN, VALID);

    assertEquals(1, run.exitCode());
    List<JsonNode> objects = run.json();
    assertEquals(2, objects.size());
    assertEquals(INVALID_KEYS, Cli.keys(objects.get(0)));
    assertTrue(objects.get(1).has("mx_match"));
    assertTrue(objects.get(1).get("mx_match").get("mail.example.com").booleanValue());
  }

  @Test
  void stdinIsReadAsRawBytes() {
    byte[] body = "version: STSv1\r\nmode: testing\r\nmx: *.example.org\r\nmax_age: 86400\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    Cli.Run run = Cli.runWithStdin(body, "lint", "policy", "--json", "-");

    assertEquals(0, run.exitCode(), run.err());
    JsonNode o = run.json().get(0);
    assertEquals("-", o.get("file").textValue());
    assertEquals("testing", o.get("mode").textValue());
    assertEquals(86400, o.get("max_age").longValue());
    assertEquals(List.of("*.example.org"), texts(o.get("mx")));
  }

  @Test
  void stdinBytesAreNotDecodedFirst() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = "version: STSv1\nmode: none\nmax_age: 1\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, body, 0, bom.length);
    System.arraycopy(text, 0, body, bom.length, text.length);

    Cli.Run run = Cli.runWithStdin(body, "lint", "policy", "--json", "-");

    assertEquals(1, run.exitCode());
    JsonNode error = run.json().get(0).get("errors").get(0);
    assertEquals(1, error.get("line").intValue());
    assertTrue(error.get("message").textValue().contains("byte order mark"));
  }

  @Test
  void missingFileExitsTwoAndTheOtherFilesAreStillChecked() {
    String missing = tmp.resolve("missing.policy").toString();
    Cli.Run run = Cli.run("lint", "policy", "--json", VALID, missing, BROKEN);

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("cannot read " + missing + ": no such file"), run.err());
    List<JsonNode> objects = run.json();
    assertEquals(3, objects.size());
    assertEquals(List.of(VALID, missing, BROKEN), objects.stream()
        .map(o -> o.get("file").textValue()).toList());
    JsonNode unreadable = objects.get(1);
    assertEquals(INVALID_KEYS, Cli.keys(unreadable));
    assertFalse(unreadable.get("valid").booleanValue());
    assertEquals(1, unreadable.get("errors").size());
    assertEquals(0, unreadable.get("errors").get(0).get("line").intValue());
    assertTrue(unreadable.get("errors").get(0).get("message").textValue().contains("no such file"));
    assertTrue(objects.get(0).get("valid").booleanValue());
    assertFalse(objects.get(2).get("valid").booleanValue());
  }

  @Test
  void missingFileInHumanOutputGoesToStderrOnly() {
    Cli.Run run = Cli.run("lint", "policy", tmp.resolve("nope").toString(), VALID);

    assertEquals(2, run.exitCode());
    assertTrue(run.err().startsWith("mtasts: cannot read "), run.err());
    assertEquals(VALID + ": valid", run.lines().get(0));
  }

  @Test
  void directoryIsAnIoError() {
    Cli.Run run = Cli.run("lint", "policy", "--json", tmp.toString());

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("directory"), run.err());
    assertEquals(1, run.json().size());
  }

  @Test
  void unreadableStdinIsAnIoError() {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("device gone");
      }
    };
    Cli.Run run = Cli.run(failing, "lint", "policy", "-");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("cannot read <stdin>: device gone"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void mixedValidAndInvalidFilesExitOneWithOneLineEachInOrder() {
    Cli.Run run = Cli.run("lint", "policy", "--json", VALID, BROKEN, TESTING);

    assertEquals(1, run.exitCode());
    assertEquals("", run.err());
    List<JsonNode> objects = run.json();
    assertEquals(3, run.lines().size());
    assertEquals(List.of(true, false, true), objects.stream()
        .map(o -> o.get("valid").booleanValue()).toList());
    assertEquals(TESTING, objects.get(2).get("file").textValue());
    assertEquals(VALID_KEYS, Cli.keys(objects.get(2)));
  }

  @Test
  void allValidFilesExitZero() {
    Cli.Run run = Cli.run("lint", "policy", VALID, TESTING);

    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void usageErrorsExitTwoWithoutOutput() {
    for (String[] args : List.of(
        new String[] {"lint", "policy"},
        new String[] {"lint", "policy", "--jsn", VALID},
        new String[] {"lint", "policy", "--mx", "not a host", VALID},
        new String[] {"lint", "policy", "--mx"},
        new String[] {"lint", "policy", "-", "-"})) {
      Cli.Run run = Cli.run(args);
      assertEquals(2, run.exitCode(), String.join(" ", args));
      assertEquals("", run.out(), String.join(" ", args));
      assertTrue(run.err().startsWith("mtasts: "), run.err());
      assertTrue(run.err().contains("Usage: mtasts lint policy"), run.err());
    }
  }

  @Test
  void unknownOptionSuggestsTheRightOne() {
    Cli.Run run = Cli.run("lint", "policy", "--jsn", VALID);

    assertTrue(run.err().contains("--json"), run.err());
  }

  @Test
  void atSignArgumentIsAFileNotAnArgumentFile() throws IOException {
    Path list = tmp.resolve("list");
    Files.writeString(list, VALID);
    Cli.Run run = Cli.run("lint", "policy", "--json", "@" + list);

    assertEquals(2, run.exitCode());
    assertEquals("@" + list, run.json().get(0).get("file").textValue());
  }

  @Test
  void oversizedBodyIsInvalidWithItsSize() throws IOException {
    Path big = tmp.resolve("big.policy");
    byte[] body = new byte[200_000];
    java.util.Arrays.fill(body, (byte) 'a');
    Files.write(big, body);

    Cli.Run run = Cli.run("lint", "policy", "--json", big.toString());

    assertEquals(1, run.exitCode());
    JsonNode error = run.json().get(0).get("errors").get(0);
    assertEquals(0, error.get("line").intValue());
    assertTrue(error.get("message").textValue().contains("200000 bytes"), error.toString());
  }

  @Test
  void oversizedStdinIsInvalid() {
    byte[] body = new byte[70_000];
    java.util.Arrays.fill(body, (byte) '\n');

    Cli.Run run = Cli.runWithStdin(body, "lint", "policy", "--json", "-");

    assertEquals(1, run.exitCode());
    assertTrue(run.json().get(0).get("errors").get(0).get("message").textValue()
        .contains("over 65536 bytes"));
  }

  @Test
  void humanOutputForAValidPolicy() {
    Cli.Run run = Cli.run("lint", "policy", "--mx", "mail.example.com", "--mx", "evil.example",
        "--mx", "mx.example.net", VALID);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(
        VALID + ": valid",
        "  mode:    enforce (senders refuse delivery to MX hosts that fail the MX or certificate"
            + " checks)",
        "  max_age: 604800 seconds (1 week)",
        "  mx:      mail.example.com",
        "           *.mx.example.net",
        "  mail.example.com: permitted (matches mx mail.example.com)",
        "  evil.example: not permitted by the policy (mode enforce: senders will not deliver to"
            + " it)",
        "  mx.example.net: not permitted by the policy; *.mx.example.net does not match"
            + " mx.example.net itself, add 'mx: mx.example.net' (mode enforce: senders will not"
            + " deliver to it)"), run.lines());
  }

  @Test
  void humanOutputForAnInvalidPolicyLocatesEachProblem() {
    Cli.Run run = Cli.run("lint", "policy", "--mx", "mail.example.com", BROKEN);

    assertEquals(1, run.exitCode());
    List<String> lines = run.lines();
    assertEquals(BROKEN + ": invalid (4 errors, 3 warnings)", lines.get(0));
    assertEquals(BROKEN + ":2:7: error: the mode must be enforce, testing or none (in lower case),"
        + " not 'Enforce'", lines.get(1));
    assertTrue(lines.get(4).startsWith(BROKEN + ":5:1: warning: field 'Max_Age'"), lines.get(4));
    assertTrue(lines.get(7).startsWith(BROKEN + ":8: warning: blank line"), lines.get(7));
    assertEquals("  (--mx not checked: the policy is invalid, so senders do not use it)",
        lines.get(8));
    assertEquals(9, lines.size());
  }

  @Test
  void humanOutputLeavesOutZeroLocations() {
    Cli.Run run = Cli.runWithStdin("version: STSv1\n".getBytes(StandardCharsets.US_ASCII),
        "lint", "policy", "-");

    assertEquals(1, run.exitCode());
    assertEquals("<stdin>: invalid (2 errors)", run.lines().get(0));
    assertTrue(run.lines().get(1).startsWith("<stdin>: error: the required field 'mode'"),
        run.lines().get(1));
  }

  @Test
  void humanOutputSeparatesFilesWithABlankLine() {
    Cli.Run run = Cli.run("lint", "policy", VALID, TESTING);

    List<String> lines = run.lines();
    int blank = lines.indexOf("");
    assertTrue(blank > 0);
    assertEquals(TESTING + ": valid", lines.get(blank + 1));
  }

  @Test
  void fileNamesCannotInjectTerminalControls() throws IOException {
    String name = "evil\u001b[2J\u0007\u007f.policy";
    Path file = Files.write(tmp.resolve(name), "version: STSv1\nmode: none\nmax_age: 0\n"
        .getBytes(StandardCharsets.US_ASCII));

    Cli.Run human = Cli.run("lint", "policy", "--mx", "mx.example", file.toString());
    assertEquals(0, human.exitCode(), human.err());
    assertNoControls(human.out());
    assertTrue(human.out().contains("evil\\x1b[2J\\x07\\x7f.policy: valid"), human.out());

    Cli.Run json = Cli.run("lint", "policy", "--json", file.toString());
    assertEquals(0, json.exitCode(), json.err());
    assertTrue(json.out().chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f)), json.out());
    assertTrue(json.out().contains("evil\\u001B[2J\\u0007\\u007F.policy"), json.out());
    assertEquals(file.toString(), json.json().get(0).get("file").textValue());
  }

  @Test
  void usageErrorsEscapeTheArgument() {
    Cli.Run run = Cli.run("lint", "policy", "--mx", "a\u001b[31m\u202e\u0085b", VALID);

    assertEquals(2, run.exitCode());
    assertNoControls(run.err());
    assertTrue(run.err().contains("--mx 'a\\x1b[31m\\u202E\\x85b' is not a valid host name"),
        run.err());
  }

  @Test
  void missingFileNameIsEscapedOnStderr() {
    Cli.Run run = Cli.run("lint", "policy", "no\u001b]0;title\u0007such");

    assertEquals(2, run.exitCode());
    assertNoControls(run.err().replace("\n", ""));
  }

  @Test
  void jsonOutputIsAsciiForNonAsciiNames() {
    Cli.Run run = Cli.run("lint", "policy", "--json", "--mx", "bücher.example", VALID);

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"b\\u00FCcher.example\":false"), run.out());
    assertFalse(run.json().get(0).get("mx_match").get("bücher.example").booleanValue());
  }

  private static void assertNoControls(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)
          || Character.getType(c) == Character.FORMAT;
      assertFalse(control, () -> "control character U+" + Integer.toHexString(c) + " in " + s);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.textValue()));
    return out;
  }

  private static List<Integer> lines(JsonNode problems) {
    List<Integer> out = new ArrayList<>();
    problems.forEach(n -> out.add(n.get("line").intValue()));
    return out;
  }

  private static List<JsonNode> iterable(JsonNode... arrays) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : arrays) {
      a.forEach(out::add);
    }
    return out;
  }
}
