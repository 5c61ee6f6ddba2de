package dev.mtasts.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines of an invalid policy as a TLS-RPT report carries them, and its reason code. */
class ReceivedPolicyTest {

  private static List<String> lines(String body) {
    return ReceivedPolicy.lines(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void linesAreSplitAtLfWithCrDroppedAndNoLineForTheFinalLineEnd() {
    assertEquals(List.of("version: STSv1", "mode: enforced", "mx: mx.example.com"),
        lines("version: STSv1\r\nmode: enforced\nmx: mx.example.com\r\n"));
    assertEquals(List.of("version: STSv1", "", "max_age: 1"), lines("version: STSv1\n\nmax_age: 1"));
    assertEquals(List.of(), lines(""));
    assertEquals(List.of(""), lines("\n"));
    assertEquals(List.of(" mode: testing\t"), lines(" mode: testing\t\r\n"));
  }

  @Test
  void controlCharactersAndMalformedBytesBecomeReplacementCharacters() {
    byte[] body = {'m', 'o', 'd', 'e', ':', 0, '\r', 'x', (byte) 0xC3, '\n', (byte) 0xC3, (byte) 0xA9};
    assertEquals(List.of("mode:\uFFFD\uFFFDx\uFFFD", "\u00e9"), ReceivedPolicy.lines(body));
    assertEquals(List.of("a\uFFFDb"), lines("a\u0085b"));
  }

  @Test
  void atMost32LinesAreKeptAndALastLineCountsTheRest() {
    List<String> exactly = numbered(32);
    assertEquals(exactly, lines(String.join("\n", exactly) + "\n"));
    assertEquals(exactly, lines(String.join("\r\n", exactly)));

    List<String> kept = lines(String.join("\n", numbered(1000)));
    assertEquals(32, kept.size());
    assertEquals(numbered(31), kept.subList(0, 31));
    assertEquals("... 969 more lines", kept.get(31));
  }

  @Test
  void aLineIsCutAfter256Characters() {
    String longLine = "mx: " + "a".repeat(400);
    String kept = lines(longLine + "\nmode: x").get(0);
    assertEquals(256 + 3, kept.length());
    assertTrue(kept.startsWith("mx: aaa") && kept.endsWith("a..."), kept);
    assertEquals("b".repeat(256), lines("b".repeat(256)).get(0));
    String wide = "\u00e9".repeat(300); // two bytes each
    assertEquals("\u00e9".repeat(256) + "...", lines(wide).get(0));
    String widest = "\ud83d\ude00".repeat(256); // four bytes each, 1024 bytes: all kept
    assertEquals(widest, lines(widest).get(0));
  }

  @Test
  void theLargestBodyIsBounded() {
    byte[] body = new byte[Policy.MAX_BODY_BYTES];
    java.util.Arrays.fill(body, (byte) 'x');
    for (int i = 100; i < body.length; i += 101) {
      body[i] = '\n';
    }
    List<String> kept = ReceivedPolicy.lines(body);
    assertEquals(32, kept.size());
    assertTrue(kept.stream().mapToInt(String::length).sum() < 32 * 260);
  }

  @Test
  void theReasonCodeIsTheFirstErrorWithItsLine() {
    assertEquals("line 2: the mode must be enforce",
        ReceivedPolicy.reasonCode(new Problem(Problem.Kind.MODE, 2, 7, "the mode must be enforce")));
    assertEquals("the required field 'mode' is missing", ReceivedPolicy.reasonCode(
        new Problem(Problem.Kind.MISSING_FIELD, 0, 0, "the required field 'mode' is missing")));
    String longMessage = "x".repeat(400);
    String code = ReceivedPolicy.reasonCode(new Problem(Problem.Kind.SYNTAX, 1, 0, longMessage));
    assertEquals(256, code.length());
    assertTrue(code.endsWith("..."));
  }

  private static List<String> numbered(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      lines.add("x-line" + i + ": " + i);
    }
    return lines;
  }
}
