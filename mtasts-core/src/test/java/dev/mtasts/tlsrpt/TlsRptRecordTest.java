package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlsRptRecordTest {
  private static final URI MAIL = URI.create("mailto:tlsrpt@example.com");
  private static final URI WEB = URI.create("https://reports.example.com/v1/tlsrpt");

  // ------------------------------------------------------------------ valid records

  @Test
  void theRfcExamplesAreValid() {
    assertEquals(TlsRptRecord.of(MAIL), valid("v=TLSRPTv1;rua=mailto:tlsrpt@example.com").get());
    assertEquals(TlsRptRecord.of(WEB), valid("v=TLSRPTv1; rua=" + WEB).get());
  }

  @Test
  void severalUrisWithWhitespaceAroundCommasKeepTheirOrder() {
    ParseResult.Valid<TlsRptRecord> r =
        valid("v=TLSRPTv1; rua=" + WEB + " ,\t" + MAIL + " , mailto:b@example.net");
    assertEquals(List.of(WEB, MAIL, URI.create("mailto:b@example.net")), r.get().rua());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void extensionsAreKeptInOrderAndTheFirstOfARepeatedFieldApplies() {
    ParseResult.Valid<TlsRptRecord> r = valid(
        "v=TLSRPTv1; zeta=1; rua=" + MAIL + "; alpha=x; zeta=2; rua=" + WEB + ";");
    assertEquals(List.of(MAIL), r.get().rua());
    assertEquals(List.of("zeta", "alpha"), List.copyOf(r.get().extensions().keySet()));
    assertEquals("1", r.get().extensions().get("zeta"));
    assertEquals(List.of(Kind.DUPLICATE_FIELD, Kind.DUPLICATE_FIELD), kinds(r.warnings()));
    assertEquals(List.of(61, 69), r.warnings().stream().map(Problem::column).toList());
  }

  @Test
  void otherSchemesAreSkippedWithAWarning() {
    ParseResult.Valid<TlsRptRecord> r =
        valid("v=TLSRPTv1; rua=http://reports.example.com/x,ftp://a.example,mailto:a@example.com");
    assertEquals(List.of(URI.create("mailto:a@example.com")), r.get().rua());
    assertEquals(List.of(Kind.URI, Kind.URI), kinds(r.warnings()));
    assertTrue(r.warnings().get(0).message().contains("'http' is not supported"),
        r.warnings().get(0).message());
    assertEquals(17, r.warnings().get(0).column());
  }

  @Test
  void schemesAreCaseInsensitive() {
    assertEquals(2, valid("v=TLSRPTv1; rua=MAILTO:a@example.com,HTTPS://r.example.com/")
        .get().rua().size());
  }

  @Test
  void mailtoMayCarryHeaders() {
    assertEquals(List.of(URI.create("mailto:a@example.com?subject=tlsrpt")),
        valid("v=TLSRPTv1; rua=mailto:a@example.com?subject=tlsrpt").get().rua());
  }

  @Test
  void whitespaceBeforeTheFirstSemicolonIsValidAloneWithAWarning() {
    ParseResult.Valid<TlsRptRecord> r = valid("v=TLSRPTv1 ; rua=" + MAIL);
    assertEquals(List.of(Kind.WHITESPACE), kinds(r.warnings()));
    assertEquals(11, r.warnings().get(0).column());
  }

  @Test
  void trailingWhitespaceIsAWarning() {
    ParseResult.Valid<TlsRptRecord> r = valid("v=TLSRPTv1; rua=" + MAIL + "  ");
    assertEquals(List.of(Kind.TRAILING_WHITESPACE), kinds(r.warnings()));
    assertEquals(List.of(MAIL), r.get().rua());
  }

  @Test
  void trailingSemicolonAndWhitespaceAfterItAreFine() {
    assertEquals(List.of(), valid("v=TLSRPTv1; rua=" + MAIL + ";  ").warnings());
  }

  @Test
  void wrongCaseFieldNamesAreUnknownFields() {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse("v=TLSRPTv1; RUA=" + MAIL);
    assertEquals(List.of(Kind.MISSING_FIELD), kinds(r.errors()));
    assertEquals(List.of(Kind.FIELD_NAME_CASE), kinds(r.warnings()));
  }

  // ------------------------------------------------------------------ answer sets

  @Test
  void oneTlsRptRecordAmongOthersIsChosen() {
    ParseResult.Valid<TlsRptRecord> r = assertInstanceOf(ParseResult.Valid.class,
        TlsRptRecord.parse(List.of("v=spf1 -all", "v=TLSRPTv1; rua=" + MAIL)));
    assertEquals(List.of(MAIL), r.get().rua());
    assertEquals(List.of(Kind.RECORD_DISCARDED), kinds(r.warnings()));
    assertEquals(1, r.warnings().get(0).line());
  }

  @Test
  void withSeveralRecordsTheLiteralPrefixCounts() {
    ParseResult<TlsRptRecord> r =
        TlsRptRecord.parse(List.of("v=TLSRPTv1 ; rua=" + MAIL, "v=spf1 -all"));
    assertEquals(List.of(Kind.NO_RECORD), kinds(r.errors()));
    assertEquals(2, r.warnings().size());
  }

  @Test
  void twoTlsRptRecordsAreInvalid() {
    ParseResult<TlsRptRecord> r =
        TlsRptRecord.parse(List.of("v=TLSRPTv1; rua=" + MAIL, "v=TLSRPTv1; rua=" + WEB));
    assertEquals(List.of(Kind.MULTIPLE_RECORDS), kinds(r.errors()));
    assertEquals(0, r.errors().get(0).line());
  }

  @Test
  void anEmptyAnswerIsInvalid() {
    assertEquals(List.of(Kind.NO_RECORD), kinds(TlsRptRecord.parse(List.of()).errors()));
  }

  // ------------------------------------------------------------------ invalid records

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "v=spf1 -all                                 | VERSION           | 1",
    "V=TLSRPTv1; rua=mailto:a@example.com        | VERSION           | 1",
    "v=TLSRPTv2; rua=mailto:a@example.com        | VERSION           | 1",
    "v=TLSRPTv10; rua=mailto:a@example.com       | VERSION           | 1",
    "' v=TLSRPTv1; rua=mailto:a@example.com'     | VERSION           | 1",
    "v=TLSRPTv1                                  | MISSING_FIELD     | 0",
    "v=TLSRPTv1;                                 | MISSING_FIELD     | 0",
    "v=TLSRPTv1; x=1                             | MISSING_FIELD     | 0",
    "v=TLSRPTv1 rua=mailto:a@example.com         | SYNTAX            | 12",
    "v=TLSRPTv1;; rua=mailto:a@example.com       | SYNTAX            | 12",
    "v=TLSRPTv1; rua                             | SYNTAX            | 13",
    "v=TLSRPTv1; rua=                            | SYNTAX            | 17",
    "v=TLSRPTv1; rua= ;                          | SYNTAX            | 17",
    "v=TLSRPTv1; rua=mailto:a@example.com,       | SYNTAX            | 38",
    "v=TLSRPTv1; rua=,mailto:a@example.com       | SYNTAX            | 17",
    "v=TLSRPTv1; rua=mailto:a@example.com x=1    | URI               | 37",
    "v=TLSRPTv1; rua=mailto:a!b@example.com      | URI               | 25",
    "v=TLSRPTv1; rua=mailto:a@example.com%zz     | URI               | 17",
    "v=TLSRPTv1; rua=a@example.com               | URI               | 17",
    "v=TLSRPTv1; rua=mailto:                     | URI               | 17",
    "v=TLSRPTv1; rua=mailto:?to=a@example.com    | URI               | 17",
    "v=TLSRPTv1; rua=https:/reports              | URI               | 17",
    "v=TLSRPTv1; rua=http://r.example.com/       | URI               | 17",
    "v=TLSRPTv1; _x=1; rua=mailto:a@example.com  | FIELD_NAME        | 13",
    "v=TLSRPTv1; x=a=b; rua=mailto:a@example.com | SYNTAX            | 15",
    "v=TLSRPTv1; x=; rua=mailto:a@example.com    | SYNTAX            | 15",
  })
  void invalidRecords(String record, Kind kind, int column) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(record);
    assertFalse(r.isValid(), record);
    assertEquals(List.of(kind), kinds(r.errors()), record + ": " + r.errors());
    assertEquals(column, r.errors().get(0).column(), record + ": " + r.errors());
    assertEquals(1, r.errors().get(0).line());
  }

  @Test
  void nonAsciiAndControlCharactersAreRejectedWhereTheyAre() {
    Problem encoding = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:\u00e9@example.com").errors().get(0);
    assertEquals(Kind.ENCODING, encoding.kind());
    assertEquals(24, encoding.column());
    Problem control = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com\u0000").errors().get(0);
    assertEquals(Kind.CONTROL_CHARACTER, control.kind());
    assertEquals(37, control.column());
  }

  @Test
  void overLongRecordsAreRejectedBeforeParsing() {
    String record = "v=TLSRPTv1; rua=mailto:a@example.com; x=" + "a".repeat(3000);
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(record);
    assertEquals(List.of(Kind.TOO_LARGE), kinds(r.errors()));
  }

  @Test
  void messagesQuoteInputEscaped() {
    String message = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a\\'!b@example.com")
        .errors().get(0).message();
    assertTrue(message.contains("'mailto:a\\\\\\'!b@example.com'"), message);
  }

  // ------------------------------------------------------------------ the record type

  @Test
  void toTextParsesBackToAnEqualRecord() {
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("zeta", "1");
    ext.put("alpha", "x");
    TlsRptRecord record = new TlsRptRecord(List.of(WEB, MAIL), ext);
    assertEquals("v=TLSRPTv1; rua=" + WEB + "," + MAIL + "; zeta=1; alpha=x", record.toText());
    assertEquals(record, valid(record.toText()).get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://r.example.com/", "mailto:?subject=x", "https:/x",
      "reports@example.com"})
  void constructorRejectsUrisThatCannotTakeReports(String uri) {
    assertThrows(IllegalArgumentException.class, () -> TlsRptRecord.of(URI.create(uri)));
  }

  @Test
  void constructorRejectsBadListsAndExtensions() {
    assertThrows(IllegalArgumentException.class, () -> TlsRptRecord.of());
    assertThrows(IllegalArgumentException.class,
        () -> new TlsRptRecord(List.of(MAIL), Map.of("rua", "x")));
    assertThrows(IllegalArgumentException.class,
        () -> new TlsRptRecord(List.of(MAIL), Map.of("v", "x")));
    assertThrows(IllegalArgumentException.class,
        () -> new TlsRptRecord(List.of(MAIL), Map.of("x", "a b")));
    assertThrows(NullPointerException.class, () -> new TlsRptRecord(null, Map.of()));
  }

  @Test
  void theListsAreCopiesAndUnmodifiable() {
    TlsRptRecord r = valid("v=TLSRPTv1; rua=" + MAIL + "; x=1").get();
    assertThrows(UnsupportedOperationException.class, () -> r.rua().add(WEB));
    assertThrows(UnsupportedOperationException.class, () -> r.extensions().put("y", "2"));
  }

  private static ParseResult.Valid<TlsRptRecord> valid(String record) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(record);
    return assertInstanceOf(ParseResult.Valid.class, r, () -> record + ": " + r.errors());
  }

  private static List<Kind> kinds(List<Problem> problems) {
    return problems.stream().map(Problem::kind).toList();
  }
}
