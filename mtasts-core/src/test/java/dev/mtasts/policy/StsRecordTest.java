package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StsRecordTest {

  @Test
  void ofMakesARecordWithoutExtensions() {
    StsRecord r = StsRecord.of("20260101T000000");
    assertEquals("20260101T000000", r.id());
    assertEquals(Map.of(), r.extensions());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a-b", "a.b", "a_b", "a b", "abc;", "é", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void constructorRejectsBadIds(String id) {
    assertThrows(IllegalArgumentException.class, () -> StsRecord.of(id));
  }

  @Test
  void constructorAcceptsA32CharacterId() {
    String id = "A".repeat(16) + "9".repeat(16);
    assertEquals(id, StsRecord.of(id).id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "v", "", "_x", "-x", ".x", "a b", "a=b", "é", "x23456789012345678901234567890123"})
  void constructorRejectsBadExtensionNames(String name) {
    assertThrows(IllegalArgumentException.class, () -> new StsRecord("abc", Map.of(name, "1")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a;b", "a=b", "a\tb", "é", "a\u0000"})
  void constructorRejectsBadExtensionValues(String value) {
    assertThrows(IllegalArgumentException.class, () -> new StsRecord("abc", Map.of("x", value)));
  }

  @Test
  void constructorRejectsNulls() {
    assertThrows(NullPointerException.class, () -> new StsRecord(null, Map.of()));
    assertThrows(NullPointerException.class, () -> new StsRecord("abc", null));
  }

  @Test
  void extensionsAreCopiedInOrderAndUnmodifiable() {
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("zeta", "1");
    ext.put("alpha", "mailto:a@example.com");
    StsRecord r = new StsRecord("abc", ext);
    ext.put("later", "x");
    assertEquals(List.of("zeta", "alpha"), List.copyOf(r.extensions().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> r.extensions().put("b", "2"));
  }

  @Test
  void toTextRoundTrips() {
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("b-1.x_y", "!#$%&'()*+,-./:<>?@[]^`{|}~");
    ext.put("a", "1");
    StsRecord r = new StsRecord("Id42", ext);
    assertEquals("v=STSv1; id=Id42; b-1.x_y=!#$%&'()*+,-./:<>?@[]^`{|}~; a=1", r.toText());
    assertEquals(new ParseResult.Valid<>(r, List.of()), StsRecord.parse(r.toText()));
    StsRecord plain = StsRecord.of("x");
    assertEquals(new ParseResult.Valid<>(plain, List.of()), StsRecord.parse(plain.toText()));
  }

  @Test
  void idsAreComparedExactly() {
    assertNotEquals(StsRecord.of("abc"), StsRecord.of("ABC"));
    assertEquals(StsRecord.of("abc"), StsRecord.parse("v=STSv1;id=abc").orElseThrow());
  }

  @Test
  void parseOfOneStringIsParseOfAOneRecordAnswer() {
    for (String s : List.of("v=STSv1; id=a", "v=STSv1 ; id=a", "v=spf1 -all", "", "v=STSv1; id=a b")) {
      assertEquals(StsRecord.parse(List.of(s)), StsRecord.parse(s), s);
    }
  }

  @Test
  void problemsNameTheRecordWithinTheAnswer() {
    ParseResult<StsRecord> r = StsRecord.parse(List.of("v=spf1 -all", "other", "v=STSv1; id=a-b"));
    assertEquals(1, r.errors().size());
    Problem e = r.errors().get(0);
    assertEquals(Problem.Kind.ID, e.kind());
    assertEquals(3, e.line());
    assertEquals(13, e.column());
    assertEquals(List.of(1, 2), r.warnings().stream().map(Problem::line).toList());
  }

  @Test
  void lengthLimitAppliesToTheChosenRecordOnly() {
    String longOther = "x".repeat(5000);
    ParseResult<StsRecord> r = StsRecord.parse(List.of(longOther, "v=STSv1; id=a"));
    assertEquals("a", r.orElseThrow().id());
    String longSts = "v=STSv1; id=a; x=" + "y".repeat(StsRecord.MAX_RECORD_LENGTH);
    assertEquals(List.of(Problem.Kind.TOO_LARGE),
        StsRecord.parse(longSts).errors().stream().map(Problem::kind).toList());
  }

  @Test
  void parseNeverThrowsOnMutatedRecords() {
    String seed = "v=STSv1; id=20260101; ext.a-b=x/y;";
    char[] specials = {';', '=', ' ', '\t', '\u0000', '\r', 'é', 'v', 'S', '1', '\uD800', '\u007f'};
    Random random = new Random(6285);
    int valid = 0;
    for (int i = 0; i < 5000; i++) {
      StringBuilder sb = new StringBuilder(seed);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits && sb.length() > 0; e++) {
        int at = random.nextInt(sb.length());
        if (random.nextBoolean()) {
          sb.setCharAt(at, specials[random.nextInt(specials.length)]);
        } else {
          sb.deleteCharAt(at);
        }
      }
      ParseResult<StsRecord> r = StsRecord.parse(List.of(sb.toString(), "v=spf1 -all"));
      if (r.isValid()) {
        valid++;
        StsRecord rec = r.orElseThrow();
        assertEquals(rec, StsRecord.parse(rec.toText()).orElseThrow());
      } else {
        assertFalse(r.errors().isEmpty());
      }
      for (Problem p : r.errors()) {
        assertTrue(p.message().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), p.message());
      }
    }
    assertTrue(valid > 0 && valid < 5000, "mutations should give both outcomes, valid: " + valid);
  }
}
