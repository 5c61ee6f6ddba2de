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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Properties of {@link StsRecord#parse(List)} and {@link StsRecord#toText()}. */
class StsRecordPropertiesTest {

  /** Pieces of the record grammar, and characters that break it. */
  private static final List<String> TOKENS = List.of(
      "v=STSv1", "v=STSv1;", "v=STSv1 ;", "V=STSv1", "v=stsv1", "v=", "STSv1", ";", "; ", " ", "\t",
      "id=", "ID=", "Id=", "=", "==", "abc", "20260101T000000", "A1", "_", "-", ".", "x-ext=val",
      "a".repeat(33), "\u00e9", "\u0000", "\r", "\n", "\u007f", "\u0085", "\ud800", "\ud83d\ude00");

  @Property(tries = 300)
  void neverThrowsOnArbitraryStrings(
      @ForAll @Size(max = 4) List<@StringLength(max = 60) String> answer) {
    ParseChecks.parseRecord(answer);
  }

  @Property(tries = 500)
  void neverThrowsOnGrammarLikeStrings(
      @ForAll @Size(min = 1, max = 3) List<@From("grammarLike") String> answer) {
    ParseChecks.parseRecord(answer);
  }

  @Property(tries = 100)
  void neverThrowsOnLongRecords(@ForAll("longRecords") String record) {
    ParseChecks.parseRecord(List.of(record));
  }

  @Property(tries = 300)
  void toTextParsesBackToAnEqualRecord(@ForAll("records") StsRecord record) {
    ParseResult<StsRecord> result = ParseChecks.parseRecord(List.of(record.toText()));
    assertEquals(record, result.orElseThrow());
    assertEquals(entries(record), entries(result.orElseThrow()));
    assertTrue(result.warnings().stream().allMatch(w -> w.kind() == Kind.FIELD_NAME_CASE),
        result::toString);
    assertEquals(result, StsRecord.parse(record.toText()));
  }

  /**
   * Whitespace around each {@code ;}, a final {@code ;} with or without whitespace, trailing
   * whitespace, and any order of the fields after {@code v=STSv1} all parse to the same record, the
   * extensions in the order written.
   */
  @Property(tries = 300)
  void anyAllowedFormattingParsesBackToAnEqualRecord(
      @ForAll("records") StsRecord record,
      @ForAll @Size(8) List<@From("whitespace") String> before,
      @ForAll @Size(8) List<@From("whitespace") String> after,
      @ForAll("endings") String ending,
      @ForAll Random random) {
    List<Map.Entry<String, String>> fields = new ArrayList<>(record.extensions().entrySet());
    fields.add(Map.entry("id", record.id()));
    Collections.shuffle(fields, random);
    StringBuilder text = new StringBuilder("v=STSv1");
    Map<String, String> expected = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      Map.Entry<String, String> field = fields.get(i);
      text.append(before.get(i)).append(';').append(after.get(i))
          .append(field.getKey()).append('=').append(field.getValue());
      if (!field.getKey().equals("id")) {
        expected.put(field.getKey(), field.getValue());
      }
    }
    text.append(ending);
    ParseResult<StsRecord> result = ParseChecks.parseRecord(List.of(text.toString()));
    assertTrue(result.isValid(), () -> ParseChecks.escape(text.toString()) + " -> " + result);
    assertEquals(new StsRecord(record.id(), expected), result.orElseThrow());
    assertEquals(List.copyOf(expected.entrySet()), entries(result.orElseThrow()));
  }

  @Property(tries = 200)
  void theOneStsRecordOfAnAnswerIsFoundAmongOthers(
      @ForAll("records") StsRecord record,
      @ForAll @Size(min = 1, max = 3) List<@From("otherRecords") String> others,
      @ForAll Random random) {
    List<String> answer = new ArrayList<>(others);
    answer.add(record.toText());
    Collections.shuffle(answer, random);
    ParseResult<StsRecord> result = ParseChecks.parseRecord(answer);
    assertEquals(record, result.orElseThrow());
    long discarded = result.warnings().stream().filter(w -> w.kind() == Kind.RECORD_DISCARDED).count();
    assertEquals(others.size(), discarded, result::toString);
  }

  @Property(tries = 200)
  void twoStsRecordsMeanNoPolicy(
      @ForAll("records") StsRecord a, @ForAll("records") StsRecord b, @ForAll boolean swap) {
    List<String> answer = swap ? List.of(b.toText(), a.toText()) : List.of(a.toText(), b.toText());
    ParseResult<StsRecord> result = ParseChecks.parseRecord(answer);
    assertTrue(result.errors().stream().anyMatch(e -> e.kind() == Kind.MULTIPLE_RECORDS),
        result::toString);
  }

  @Property(tries = 200)
  void theFirstIdWins(@ForAll("records") StsRecord record, @ForAll("ids") String second) {
    String text = record.toText() + "; id=" + second;
    ParseResult<StsRecord> result = ParseChecks.parseRecord(List.of(text));
    assertEquals(record, result.orElseThrow());
    assertTrue(result.warnings().stream().anyMatch(w -> w.kind() == Kind.DUPLICATE_FIELD),
        result::toString);
  }

  @Provide
  Arbitrary<String> grammarLike() {
    return Arbitraries.of(TOKENS).list().ofMaxSize(20).map(tokens -> String.join("", tokens));
  }

  /** Records around the length limit, some of many distinct fields written without spaces. */
  @Provide
  Arbitrary<String> longRecords() {
    return Combinators.combine(
            Arbitraries.integers().between(990, 1040), Arbitraries.of(";a=b", "; a=b", ";", ";e%d=1"))
        .as((length, field) -> {
          StringBuilder sb = new StringBuilder("v=STSv1; id=1");
          for (int i = 0; sb.length() < length; i++) {
            sb.append(String.format(field, i));
          }
          return sb.substring(0, length);
        });
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(32);
  }

  @Provide
  Arbitrary<StsRecord> records() {
    Arbitrary<String> name = Combinators.combine(
            Arbitraries.strings().alpha().numeric().ofLength(1),
            Arbitraries.strings().alpha().numeric().withChars("_-.").ofMaxLength(31))
        .as(String::concat)
        .filter(n -> !n.equals("id") && !n.equals("v"));
    Arbitrary<String> value = Arbitraries.strings()
        .withCharRange('!', '~')
        .ofMinLength(1)
        .ofMaxLength(20)
        .filter(v -> v.indexOf(';') < 0 && v.indexOf('=') < 0);
    Arbitrary<Map<String, String>> extensions = Arbitraries.maps(
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, name),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("ID", "Id", "V", "x-ext"))),
            value)
        .ofMaxSize(4)
        .map(LinkedHashMap::new);
    return Combinators.combine(ids(), extensions).as(StsRecord::new);
  }

  @Provide
  Arbitrary<String> whitespace() {
    return Arbitraries.of("", "", "", " ", "\t", "  ", " \t");
  }

  @Provide
  Arbitrary<String> endings() {
    return Arbitraries.of("", "", ";", "; ", " ;", " ; \t", " ", "\t");
  }

  @Provide
  Arbitrary<String> otherRecords() {
    return Arbitraries.of("v=spf1 -all", "google-site-verification=abc123", "", "v=STSv1 ; id=other",
        "v=STSv1\t;id=other", "V=STSv1; id=x", "v=STSv2; id=1", "v=STSv1", "v=stsv1; id=1");
  }

  private static List<Map.Entry<String, String>> entries(StsRecord record) {
    return List.copyOf(record.extensions().entrySet());
  }
}
