package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.Policy;
import dev.mtasts.policy.ParseResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's table "How strict the parsers are" says for blank lines and whitespace exactly what
 * the policy parser does: each of those rows is paired with a policy that shows it.
 */
class ReadmeStrictnessTest {
  private static final String FIELDS =
      "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n";

  @Test
  void theBlankLineAndWhitespaceRowsAreWhatTheParserDoes() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("## How strict the parsers are");
    assertTrue(start >= 0, "README has the strictness table");
    String table = readme.substring(start, readme.indexOf("\n## ", start + 1));

    Map<String, String> examples = new LinkedHashMap<>();
    examples.put("a blank or whitespace-only line before the first field (the body starts with a"
        + " blank line)", "\n" + FIELDS);
    examples.put("blank or whitespace-only lines between or after the fields",
        "version: STSv1\n \t\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n\n");
    examples.put("whitespace before a field name (a line that starts with a space or tab)",
        "version: STSv1\n mode: enforce\nmx: mail.example.com\nmax_age: 86400\n");
    examples.put("trailing whitespace after a value",
        "version: STSv1 \nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n");

    for (Map.Entry<String, String> e : examples.entrySet()) {
      String row = "| " + e.getKey() + " | ";
      int at = table.indexOf(row);
      assertTrue(at >= 0, "the table has the row: " + e.getKey());
      String result = table.substring(at + row.length(), table.indexOf('\n', at));
      ParseResult<Policy> parsed = Policy.parse(e.getValue());
      String actual = parsed.isValid()
          ? (parsed.warnings().isEmpty() ? "accepted" : "warning")
          : "error";
      assertEquals(actual, result.startsWith("warning") ? "warning" : result.split(" ")[0],
          e.getKey() + ": " + parsed.errors() + parsed.warnings());
      if (result.startsWith("warning, one for each line")) {
        assertEquals(2, parsed.warnings().size(), parsed.warnings().toString());
      }
    }
  }
}
