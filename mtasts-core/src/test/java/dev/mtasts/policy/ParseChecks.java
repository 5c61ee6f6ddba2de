package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The invariants every parse result must satisfy, whatever the input: shared by the property tests
 * and the fuzz tests.
 */
final class ParseChecks {
  private ParseChecks() {}

  /** Parses a policy body and checks the invariants of the result; returns the result. */
  static ParseResult<Policy> parsePolicy(byte[] body) {
    ParseResult<Policy> result = Policy.parse(body);
    String what = "policy " + escape(new String(body, StandardCharsets.ISO_8859_1));
    checkShape(result, what);
    List<Integer> lineLengths = lineLengths(body);
    IntUnaryOperator maxColumn =
        line -> line >= 1 && line <= lineLengths.size() ? lineLengths.get(line - 1) + 1 : 0;
    checkProblems(result.errors(), lineLengths.size(), maxColumn, what);
    checkProblems(result.warnings(), lineLengths.size(), maxColumn, what);
    assertEquals(result, Policy.parse(body), () -> "parsing is not deterministic for " + what);
    if (result instanceof ParseResult.Valid<Policy> valid) {
      Policy policy = valid.get();
      assertTrue(policy.mode() == Mode.NONE || !policy.mx().isEmpty(), what);
      byte[] text = policy.toText().getBytes(StandardCharsets.UTF_8);
      ParseResult<Policy> again = Policy.parse(text);
      if (text.length > Policy.MAX_BODY_BYTES) {
        // toText() writes "name: value" and CRLF, so a body near the limit that was written
        // tersely can render over it; then the size must be the only objection.
        assertOnlyTooLarge(again, what);
        return result;
      }
      assertTrue(again.isValid(), () -> "toText() of " + policy + " does not parse: " + again);
      assertEquals(policy, again.orElseThrow(), () -> "toText() does not round-trip for " + what);
    }
    return result;
  }

  /** Parses a TXT answer set and checks the invariants of the result; returns the result. */
  static ParseResult<StsRecord> parseRecord(List<String> answer) {
    ParseResult<StsRecord> result = StsRecord.parse(answer);
    String what = "answer " + escape(answer.toString());
    checkShape(result, what);
    IntUnaryOperator maxColumn =
        line -> line >= 1 && line <= answer.size() ? answer.get(line - 1).length() + 1 : 0;
    checkProblems(result.errors(), answer.size(), maxColumn, what);
    checkProblems(result.warnings(), answer.size(), maxColumn, what);
    assertEquals(result, StsRecord.parse(answer), () -> "parsing is not deterministic for " + what);
    if (result instanceof ParseResult.Valid<StsRecord> valid) {
      StsRecord record = valid.get();
      String text = record.toText();
      ParseResult<StsRecord> again = StsRecord.parse(text);
      if (text.length() > StsRecord.MAX_RECORD_LENGTH) {
        // toText() writes "; " between fields, so a long record written without spaces can render
        // over the limit; then the size must be the only objection.
        assertOnlyTooLarge(again, what);
        return result;
      }
      assertTrue(again.isValid(), () -> "toText() of " + record + " does not parse: " + again);
      assertEquals(record, again.orElseThrow(), () -> "toText() does not round-trip for " + what);
      assertEquals(
          new ArrayList<>(record.extensions().entrySet()),
          new ArrayList<>(again.orElseThrow().extensions().entrySet()),
          () -> "toText() changes the order of the extensions for " + what);
    }
    return result;
  }

  private static void assertOnlyTooLarge(ParseResult<?> result, String what) {
    assertEquals(List.of(Problem.Kind.TOO_LARGE),
        result.errors().stream().map(Problem::kind).toList(),
        () -> "toText() renders over the size limit and then fails otherwise too: " + result
            + " for " + what);
  }

  private static <T> void checkShape(ParseResult<T> result, String what) {
    if (result instanceof ParseResult.Valid<T> valid) {
      assertTrue(valid.errors().isEmpty(), () -> "a valid result has errors for " + what);
      assertTrue(valid.isValid(), what);
      assertTrue(valid.value().isPresent(), what);
    } else if (result instanceof ParseResult.Invalid<T> invalid) {
      assertFalse(invalid.errors().isEmpty(), () -> "an invalid result has no errors for " + what);
      assertFalse(invalid.isValid(), what);
      assertTrue(invalid.value().isEmpty(), what);
    } else {
      fail("neither valid nor invalid: " + result);
    }
  }

  /**
   * Checks that each problem points into the input (line 0 or a line of the input; column 0 or at
   * most one past the end of that line) and has a non-empty message that is safe to log.
   */
  private static void checkProblems(
      List<Problem> problems, int lines, IntUnaryOperator maxColumn, String what) {
    for (Problem p : problems) {
      assertTrue(p.line() >= 0 && p.column() >= 0, () -> "negative location in " + p + " for " + what);
      assertTrue(p.line() <= lines, () -> "line beyond the input in " + p + " for " + what);
      assertTrue(p.column() == 0 || p.line() > 0,
          () -> "a column without a line in " + p + " for " + what);
      assertTrue(p.column() <= maxColumn.applyAsInt(p.line()),
          () -> "column beyond the line in " + p + " for " + what);
      assertFalse(p.message().isBlank(), () -> "empty message in " + p + " for " + what);
      assertSafeToLog(p.message(), what);
    }
  }

  /** No control, format, separator, surrogate, private-use or unassigned characters. */
  static void assertSafeToLog(String message, String what) {
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      int type = Character.getType(c);
      boolean unsafe = Character.isISOControl(c)
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE
          || type == Character.PRIVATE_USE
          || type == Character.UNASSIGNED;
      if (unsafe) {
        fail(String.format("raw U+%04X at %d in message %s for %s", (int) c, i, escape(message), what));
      }
    }
  }

  /** The byte length of each line of a body, without its LF (a final LF starts an empty line). */
  private static List<Integer> lineLengths(byte[] body) {
    List<Integer> lengths = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == '\n') {
        lengths.add(i - start);
        start = i + 1;
      }
    }
    lengths.add(body.length - start);
    return lengths;
  }

  /** Java-escapes a string for an assertion message. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    int n = Math.min(s.length(), 2000);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    if (s.length() > n) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
