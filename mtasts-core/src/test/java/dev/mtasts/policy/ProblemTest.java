package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {
  private static final String HEAD = "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n";

  @Test
  void constructorRejectsNegativeLocations() {
    assertThrows(IllegalArgumentException.class, () -> new Problem(Problem.Kind.SYNTAX, -1, 0, "m"));
    assertThrows(IllegalArgumentException.class, () -> new Problem(Problem.Kind.SYNTAX, 0, -1, "m"));
    assertEquals(0, new Problem(Problem.Kind.SYNTAX, 0, 0, "m").line());
  }

  @Test
  void constructorRejectsNulls() {
    assertThrows(NullPointerException.class, () -> new Problem(null, 1, 1, "m"));
    assertThrows(NullPointerException.class, () -> new Problem(Problem.Kind.SYNTAX, 1, 1, null));
  }

  @Test
  void toStringShowsTheLocationThatIsKnown() {
    assertEquals("3:7: bad", new Problem(Problem.Kind.MODE, 3, 7, "bad").toString());
    assertEquals("3: bad", new Problem(Problem.Kind.MODE, 3, 0, "bad").toString());
    assertEquals("bad", new Problem(Problem.Kind.MISSING_FIELD, 0, 0, "bad").toString());
  }

  @Test
  void controlCharactersInQuotedInputAreEscaped() {
    // A tab passes the control-character scan but is not allowed in a field name, which is quoted.
    Problem p = only(Policy.parse(HEAD + "no\tte: x\n").errors());
    assertEquals(Problem.Kind.FIELD_NAME, p.kind());
    assertTrue(p.message().contains("'no\\x09te'"), p.message());
    assertSafe(p);
  }

  @Test
  void controlCharactersAreNamedNotCopied() {
    for (int c : new int[] {0, 1, 0x1b, '\r', 0x7f}) {
      byte[] body = (HEAD + "note: a?b\n").getBytes(StandardCharsets.US_ASCII);
      body[body.length - 3] = (byte) c;
      Problem p = only(Policy.parse(body).errors());
      assertEquals(Problem.Kind.CONTROL_CHARACTER, p.kind());
      assertEquals(5, p.line());
      assertEquals(8, p.column());
      assertSafe(p);
    }
  }

  @Test
  void nonAsciiInQuotedInputIsEscaped() {
    Problem syntax = only(Policy.parse(HEAD + "héllo wörld\n").errors());
    assertEquals(Problem.Kind.SYNTAX, syntax.kind());
    assertTrue(syntax.message().contains("'h\\xc3\\xa9llo w\\xc3\\xb6rld'"), syntax.message());
    assertSafe(syntax);

    byte[] latin1 = (HEAD + "note: caf?\n").getBytes(StandardCharsets.US_ASCII);
    latin1[latin1.length - 2] = (byte) 0xe9;
    Problem encoding = only(Policy.parse(latin1).errors());
    assertEquals(Problem.Kind.ENCODING, encoding.kind());
    assertTrue(encoding.message().contains("'caf\\xe9'"), encoding.message());
    assertSafe(encoding);

    Problem mx = only(Policy.parse("version: STSv1\nmode: enforce\nmx: bü.example\nmax_age: 1\n").errors());
    assertEquals(Problem.Kind.MX, mx.kind());
    assertTrue(mx.message().contains("'b\\u00FC.example'"), mx.message());
    assertSafe(mx);

    Problem record = only(StsRecord.parse("v=STSv1; id=abc; x=\u00e9\u202e").errors());
    assertEquals(Problem.Kind.ENCODING, record.kind());
    assertSafe(record);
  }

  @Test
  void quotesAndBackslashesAreEscaped() {
    Problem p = only(StsRecord.parse("v=ST'S\\v1; id=abc").errors());
    assertEquals(Problem.Kind.VERSION, p.kind());
    assertTrue(p.message().contains("'v=ST\\'S\\\\v1'"), p.message());
  }

  @Test
  void messagesQuoteAtMost64CharactersOfInput() {
    String run = "Q".repeat(300);
    List<Problem> problems = new ArrayList<>();
    problems.addAll(Policy.parse(HEAD + run + "\n").errors());
    problems.addAll(Policy.parse("version: " + run + "\nmode: enforce\nmx: a.example\nmax_age: 1\n").errors());
    problems.addAll(Policy.parse("version: STSv1\nmode: " + run + "\nmx: a.example\nmax_age: 1\n").errors());
    problems.addAll(Policy.parse("version: STSv1\nmode: enforce\nmx: " + run + "\nmax_age: 1\n").errors());
    problems.addAll(Policy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: " + run).errors());
    problems.addAll(Policy.parse(HEAD + "note: é " + run + "\t" + run + "\n").errors());
    problems.addAll(StsRecord.parse("v=STSv1; id=" + run).errors());
    problems.addAll(StsRecord.parse("v=STSv1; id=abc; " + run).errors());
    problems.addAll(StsRecord.parse("v=STSv1; id=abc; x=" + run + "=").errors());
    problems.addAll(StsRecord.parse("v=" + run + "; id=abc").errors());
    assertEquals(10, problems.size(), problems.toString());
    int quoting = 0;
    for (Problem p : problems) {
      assertFalse(p.message().contains("Q".repeat(65)), p.message());
      if (p.message().contains("Q".repeat(64) + "...")) {
        quoting++;
      }
      assertSafe(p);
    }
    assertTrue(quoting >= 6, "most of these messages quote the input, shortened: " + problems);
  }

  private static Problem only(List<Problem> problems) {
    assertEquals(1, problems.size(), problems.toString());
    return problems.get(0);
  }

  private static void assertSafe(Problem p) {
    assertTrue(p.message().chars().allMatch(c -> c >= 0x20 && c < 0x7f),
        "raw control or non-ASCII character in: " + p.message());
  }
}
