package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final List<MxPattern> MX =
      List.of(MxPattern.of("a.example.com"), MxPattern.of("*.b.example.net"));

  @Test
  void constructorAcceptsTheBounds() {
    assertEquals(Duration.ZERO, Policy.of(Mode.ENFORCE, Duration.ZERO, MX).maxAge());
    assertEquals(Policy.MAX_AGE_LIMIT, Policy.of(Mode.ENFORCE, Policy.MAX_AGE_LIMIT, MX).maxAge());
    assertEquals(31_557_600L, Policy.MAX_AGE_LIMIT.getSeconds());
    assertEquals(65_536, Policy.MAX_BODY_BYTES);
  }

  @Test
  void constructorRejectsAnotherVersion() {
    assertThrows(IllegalArgumentException.class, () -> new Policy("STSv2", Mode.ENFORCE, DAY, MX));
    assertThrows(IllegalArgumentException.class, () -> new Policy("stsv1", Mode.ENFORCE, DAY, MX));
  }

  @Test
  void constructorRejectsMaxAgeOutsideTheRange() {
    assertThrows(IllegalArgumentException.class,
        () -> Policy.of(Mode.ENFORCE, Duration.ofSeconds(-1), MX));
    assertThrows(IllegalArgumentException.class,
        () -> Policy.of(Mode.ENFORCE, Policy.MAX_AGE_LIMIT.plusSeconds(1), MX));
    assertThrows(IllegalArgumentException.class,
        () -> Policy.of(Mode.ENFORCE, Duration.ofMillis(1500), MX));
    assertThrows(IllegalArgumentException.class,
        () -> Policy.of(Mode.ENFORCE, Duration.ofNanos(1), MX));
  }

  @Test
  void mxIsRequiredUnlessModeIsNone() {
    assertThrows(IllegalArgumentException.class, () -> Policy.of(Mode.ENFORCE, DAY, List.of()));
    assertThrows(IllegalArgumentException.class, () -> Policy.of(Mode.TESTING, DAY, List.of()));
    assertEquals(List.of(), Policy.of(Mode.NONE, DAY, List.of()).mx());
  }

  @Test
  void constructorRejectsNulls() {
    assertThrows(NullPointerException.class, () -> new Policy(null, Mode.ENFORCE, DAY, MX));
    assertThrows(NullPointerException.class, () -> Policy.of(null, DAY, MX));
    assertThrows(NullPointerException.class, () -> Policy.of(Mode.ENFORCE, null, MX));
    assertThrows(NullPointerException.class, () -> Policy.of(Mode.ENFORCE, DAY, null));
    List<MxPattern> withNull = new ArrayList<>(MX);
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> Policy.of(Mode.ENFORCE, DAY, withNull));
  }

  @Test
  void mxListIsCopiedAndUnmodifiable() {
    List<MxPattern> mx = new ArrayList<>(MX);
    Policy p = Policy.of(Mode.ENFORCE, DAY, mx);
    mx.clear();
    assertEquals(MX, p.mx());
    assertThrows(UnsupportedOperationException.class, () -> p.mx().add(MxPattern.of("c.example")));
  }

  @Test
  void toTextWritesOneFieldPerCrlfLine() {
    Policy p = Policy.of(Mode.TESTING, Duration.ofSeconds(604_800), MX);
    assertEquals("version: STSv1\r\nmode: testing\r\nmx: a.example.com\r\nmx: *.b.example.net\r\n"
        + "max_age: 604800\r\n", p.toText());
    assertEquals(List.of("version: STSv1", "mode: testing", "mx: a.example.com",
        "mx: *.b.example.net", "max_age: 604800"), p.toLines());
  }

  @Test
  void toTextRoundTrips() {
    List<Policy> policies = List.of(
        Policy.of(Mode.ENFORCE, DAY, MX),
        Policy.of(Mode.TESTING, Duration.ZERO, List.of(MxPattern.of("MX.Example.ORG"))),
        Policy.of(Mode.NONE, Policy.MAX_AGE_LIMIT, List.of()),
        Policy.of(Mode.NONE, DAY, List.of(MxPattern.of("*.xn--bcher-kva.example"))));
    for (Policy p : policies) {
      assertEquals(new ParseResult.Valid<>(p, List.of()), Policy.parse(p.toText()), p.toText());
      assertEquals(new ParseResult.Valid<>(p, List.of()),
          Policy.parse(p.toText().getBytes(StandardCharsets.US_ASCII)), p.toText());
    }
  }

  @Test
  void parseStringEncodesAsUtf8() {
    String body = "version: STSv1\nmode: none\nmax_age: 1\nnote: café\n";
    assertEquals(Policy.parse(body.getBytes(StandardCharsets.UTF_8)), Policy.parse(body));
    assertTrue(Policy.parse(body).isValid());
  }

  @Test
  void oversizedBodyIsNotParsed() {
    byte[] body = new byte[Policy.MAX_BODY_BYTES + 1];
    Arrays.fill(body, (byte) 0);
    ParseResult<Policy> r = Policy.parse(body);
    assertEquals(List.of(Problem.Kind.TOO_LARGE), r.errors().stream().map(Problem::kind).toList());
    assertTrue(r.warnings().isEmpty());
  }

  @Test
  void reportsEveryBadLineInOrder() {
    ParseResult<Policy> r = Policy.parse("version: STSv2\nmode: strict\nmx: a_b.example\nmax_age: -5\n");
    assertEquals(List.of(Problem.Kind.VERSION, Problem.Kind.MODE, Problem.Kind.MX, Problem.Kind.MAX_AGE),
        r.errors().stream().map(Problem::kind).toList());
    assertEquals(List.of(1, 2, 3, 4), r.errors().stream().map(Problem::line).toList());
  }

  @Test
  void columnsCountBytes() {
    // "note: café" is 11 bytes (é is two), so the trailing space is byte 12.
    ParseResult<Policy> r = Policy.parse(
        "version: STSv1\nmode: none\nmax_age: 1\nnote: café \n".getBytes(StandardCharsets.UTF_8));
    Problem w = r.warnings().get(0);
    assertEquals(Problem.Kind.TRAILING_WHITESPACE, w.kind());
    assertEquals(4, w.line());
    assertEquals(12, w.column());
  }

  @Test
  void modeNoneIsAValidPolicyThatPermitsNothingWithoutMx() {
    Policy p = Policy.parse("version: STSv1\nmode: none\nmax_age: 86400\n").orElseThrow();
    assertEquals(Mode.NONE, p.mode());
    assertFalse(p.permits("mail.example.com"));
  }

  @Test
  void permitsUsesEveryPattern() {
    Policy p = Policy.of(Mode.ENFORCE, DAY, MX);
    assertTrue(p.permits("a.example.com"));
    assertTrue(p.permits("X.B.EXAMPLE.NET."));
    assertFalse(p.permits("b.example.net"));
    assertFalse(p.permits("x.y.b.example.net"));
    assertFalse(p.permits("a.example.com.."));
    assertFalse(p.permits(""));
    assertFalse(p.permits("a.example.com\u0000"));
  }

  @Test
  void parseNeverThrowsOnMutatedBodies() {
    byte[] seed = ("version: STSv1\r\nmode: enforce\nmx: *.example.com\nmx: mail.example.net\n"
        + "max_age: 604800\nnote: caf\u00e9\n").getBytes(StandardCharsets.UTF_8);
    byte[] specials = {0, '\r', '\n', ' ', '\t', ':', '*', '.', '-', '_', 0x7f, (byte) 0x80,
        (byte) 0xc3, (byte) 0xef, (byte) 0xbb, (byte) 0xbf, (byte) 0xff, '0', '9', 'A'};
    Random random = new Random(8461);
    int valid = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] b = seed.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(b.length);
        if (random.nextBoolean()) {
          b[at] = specials[random.nextInt(specials.length)];
        } else {
          byte[] c = new byte[b.length - 1];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + 1, c, at, b.length - at - 1);
          b = c;
        }
      }
      ParseResult<Policy> r = Policy.parse(b);
      if (r instanceof ParseResult.Valid<Policy> v) {
        valid++;
        Policy p = v.get();
        assertEquals(p, Policy.parse(p.toText()).orElseThrow());
      } else {
        assertFalse(r.errors().isEmpty());
      }
      for (Problem p : r.errors()) {
        assertTrue(p.message().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), p.message());
      }
    }
    assertTrue(valid > 0 && valid < 5000, "mutations should give both outcomes, valid: " + valid);
  }

  @Test
  void aValidResultIsAlwaysValid() {
    ParseResult<Policy> r = Policy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 5\n");
    ParseResult.Valid<?> v = assertInstanceOf(ParseResult.Valid.class, r);
    assertTrue(v.errors().isEmpty());
    assertEquals(Duration.ofSeconds(5), r.orElseThrow().maxAge());
  }
}
