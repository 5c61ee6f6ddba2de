package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.Problem.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of {@link StsRecord#parse(List)} and {@link StsRecord#toText()}. */
class StsRecordPropertiesTest {

  /** Pieces of the record grammar, and characters that break it. */
  private static final List<String> TOKENS = List.of(
      "v=STSv1", "v=STSv1;", "v=STSv1 ;", "V=STSv1", "v=stsv1", "v=", "STSv1", ";", "; ", " ", "\t",
      "id=", "ID=", "Id=", "=", "==", "abc", "20260101T000000", "A1", "_", "-", ".", "x-ext=val",
      "a".repeat(33), "\u00e9", "\u0000", "\r", "\n", "\u007f", "\u0085", "\ud800", "\ud83d\ude00");

  @Test
  void neverThrowsOnArbitraryStrings() {
    Tries.run("neverThrowsOnArbitraryStrings", 300, r -> {
      int n = r.nextInt(5);
      List<String> answer = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        answer.add(Tries.anyString(r, 60));
      }
      ParseChecks.parseRecord(answer);
    });
  }

  @Test
  void neverThrowsOnGrammarLikeStrings() {
    Tries.run("neverThrowsOnGrammarLikeStrings", 500, r -> {
      int n = 1 + r.nextInt(3);
      List<String> answer = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        answer.add(grammarLike(r));
      }
      ParseChecks.parseRecord(answer);
    });
  }

  @Test
  void neverThrowsOnLongRecords() {
    Tries.run("neverThrowsOnLongRecords", 100,
        r -> ParseChecks.parseRecord(List.of(longRecord(r))));
  }

  @Test
  void toTextParsesBackToAnEqualRecord() {
    Tries.run("toTextParsesBackToAnEqualRecord", 300, r -> {
      StsRecord record = record(r);
      ParseResult<StsRecord> result = ParseChecks.parseRecord(List.of(record.toText()));
      assertEquals(record, result.orElseThrow());
      assertEquals(entries(record), entries(result.orElseThrow()));
      assertTrue(result.warnings().stream().allMatch(w -> w.kind() == Kind.FIELD_NAME_CASE),
          result::toString);
      assertEquals(result, StsRecord.parse(record.toText()));
    });
  }

  /**
   * Whitespace around each {@code ;}, a final {@code ;} with or without whitespace, trailing
   * whitespace, and any order of the fields after {@code v=STSv1} all parse to the same record, the
   * extensions in the order written.
   */
  @Test
  void anyAllowedFormattingParsesBackToAnEqualRecord() {
    Tries.run("anyAllowedFormattingParsesBackToAnEqualRecord", 300, r -> {
      StsRecord record = record(r);
      List<Map.Entry<String, String>> fields = new ArrayList<>(record.extensions().entrySet());
      fields.add(Map.entry("id", record.id()));
      Collections.shuffle(fields, r);
      StringBuilder text = new StringBuilder("v=STSv1");
      Map<String, String> expected = new LinkedHashMap<>();
      for (Map.Entry<String, String> field : fields) {
        text.append(Tries.oneOf(r, WHITESPACE)).append(';').append(Tries.oneOf(r, WHITESPACE))
            .append(field.getKey()).append('=').append(field.getValue());
        if (!field.getKey().equals("id")) {
          expected.put(field.getKey(), field.getValue());
        }
      }
      text.append(Tries.oneOf(r, ENDINGS));
      ParseResult<StsRecord> result = ParseChecks.parseRecord(List.of(text.toString()));
      assertTrue(result.isValid(), () -> ParseChecks.escape(text.toString()) + " -> " + result);
      assertEquals(new StsRecord(record.id(), expected), result.orElseThrow());
      assertEquals(List.copyOf(expected.entrySet()), entries(result.orElseThrow()));
    });
  }

  @Test
  void theOneStsRecordOfAnAnswerIsFoundAmongOthers() {
    Tries.run("theOneStsRecordOfAnAnswerIsFoundAmongOthers", 200, r -> {
      StsRecord record = record(r);
      int others = 1 + r.nextInt(3);
      List<String> answer = new ArrayList<>();
      for (int i = 0; i < others; i++) {
        answer.add(Tries.oneOf(r, OTHER_RECORDS));
      }
      answer.add(record.toText());
      Collections.shuffle(answer, r);
      ParseResult<StsRecord> result = ParseChecks.parseRecord(answer);
      assertEquals(record, result.orElseThrow());
      long discarded =
          result.warnings().stream().filter(w -> w.kind() == Kind.RECORD_DISCARDED).count();
      assertEquals(others, discarded, result::toString);
    });
  }

  @Test
  void twoStsRecordsMeanNoPolicy() {
    Tries.run("twoStsRecordsMeanNoPolicy", 200, r -> {
      StsRecord a = record(r);
      StsRecord b = record(r);
      List<String> answer =
          r.nextBoolean() ? List.of(b.toText(), a.toText()) : List.of(a.toText(), b.toText());
      ParseResult<StsRecord> result = ParseChecks.parseRecord(answer);
      assertTrue(result.errors().stream().anyMatch(e -> e.kind() == Kind.MULTIPLE_RECORDS),
          result::toString);
    });
  }

  @Test
  void theFirstIdWins() {
    Tries.run("theFirstIdWins", 200, r -> {
      StsRecord record = record(r);
      String text = record.toText() + "; id=" + id(r);
      ParseResult<StsRecord> result = ParseChecks.parseRecord(List.of(text));
      assertEquals(record, result.orElseThrow());
      assertTrue(result.warnings().stream().anyMatch(w -> w.kind() == Kind.DUPLICATE_FIELD),
          result::toString);
    });
  }

  private static String grammarLike(Random r) {
    int n = r.nextInt(21);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(Tries.oneOf(r, TOKENS));
    }
    return sb.toString();
  }

  /** Records around the length limit, some of many distinct fields written without spaces. */
  private static String longRecord(Random r) {
    int length = 990 + r.nextInt(51);
    String field = Tries.oneOf(r, List.of(";a=b", "; a=b", ";", ";e%d=1"));
    StringBuilder sb = new StringBuilder("v=STSv1; id=1");
    for (int i = 0; sb.length() < length; i++) {
      sb.append(String.format(field, i));
    }
    return sb.substring(0, length);
  }

  private static final String ALNUM =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private static String chars(Random r, String alphabet, int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String id(Random r) {
    return chars(r, ALNUM, 1, 32);
  }

  /** An extension name: mostly random, sometimes one that differs from id or v only in case. */
  private static String extensionName(Random r) {
    if (Tries.weighted(r, 8, 1) == 1) {
      return Tries.oneOf(r, List.of("ID", "Id", "V", "x-ext"));
    }
    while (true) {
      String name = chars(r, ALNUM, 1, 1) + chars(r, ALNUM + "_-.", 0, 31);
      if (!name.equals("id") && !name.equals("v")) {
        return name;
      }
    }
  }

  /** An extension value: 1 to 20 printable ASCII characters other than ; and =. */
  private static String extensionValue(Random r) {
    int n = 1 + r.nextInt(20);
    StringBuilder sb = new StringBuilder(n);
    while (sb.length() < n) {
      char c = (char) ('!' + r.nextInt('~' - '!' + 1));
      if (c != ';' && c != '=') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static StsRecord record(Random r) {
    int n = r.nextInt(5);
    Map<String, String> extensions = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      extensions.put(extensionName(r), extensionValue(r));
    }
    return new StsRecord(id(r), extensions);
  }

  private static final List<String> WHITESPACE = List.of("", "", "", " ", "\t", "  ", " \t");

  private static final List<String> ENDINGS = List.of("", "", ";", "; ", " ;", " ; \t", " ", "\t");

  private static final List<String> OTHER_RECORDS = List.of("v=spf1 -all",
      "google-site-verification=abc123", "", "v=STSv1 ; id=other", "v=STSv1\t;id=other",
      "V=STSv1; id=x", "v=STSv2; id=1", "v=STSv1", "v=stsv1; id=1");

  private static List<Map.Entry<String, String>> entries(StsRecord record) {
    return List.copyOf(record.extensions().entrySet());
  }
}
