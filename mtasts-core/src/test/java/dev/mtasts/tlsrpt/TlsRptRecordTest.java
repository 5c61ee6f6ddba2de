package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.MxRecords;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsRptRecordTest {

  private static TlsRptRecord valid(String... answer) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(List.of(answer));
    assertTrue(r.isValid(), () -> r.errors().toString());
    return r.orElseThrow();
  }

  private static List<Problem> errors(String... answer) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(List.of(answer));
    assertFalse(r.isValid());
    return r.errors();
  }

  @Test
  void rfcExamples() {
    assertEquals(List.of(URI.create("mailto:reports@example.com")),
        valid("v=TLSRPTv1;rua=mailto:reports@example.com").rua());
    assertEquals(List.of(URI.create("https://reporting.example.com/v1/tlsrpt")),
        valid("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt").rua());
  }

  @Test
  void severalUrisWithWhitespaceAroundCommas() {
    TlsRptRecord r = valid("v=TLSRPTv1; rua=mailto:a@example.com , https://r.example/x?y=1;");
    assertEquals(List.of(URI.create("mailto:a@example.com"), URI.create("https://r.example/x?y=1")),
        r.rua());
    assertEquals("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example/x?y=1", r.toText());
  }

  @Test
  void unsupportedAndBrokenUrisAreSkippedWithWarnings() {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(
        "v=TLSRPTv1; rua=http://r.example/,ftp://x,mailto:a@example.com!10m,https://%zz,"
            + "MAILTO:b@example.com,https:///nohost,mailto:");
    assertTrue(r.isValid(), r.errors()::toString);
    assertEquals(List.of(URI.create("mailto:b@example.com")), r.orElseThrow().rua());
    assertEquals(6, r.warnings().size(), r.warnings()::toString);
    assertTrue(r.warnings().stream().allMatch(p -> p.kind() == Kind.RUA));
    assertEquals(17, r.warnings().get(0).column());
    assertTrue(r.warnings().get(2).message().contains("'!'"));
  }

  @Test
  void noUsableUriIsAnError() {
    List<Problem> e = errors("v=TLSRPTv1; rua=http://r.example/");
    assertEquals(Kind.RUA, e.get(0).kind());
  }

  @Test
  void extensionsAreKeptAndIgnored() {
    TlsRptRecord r = valid("v=TLSRPTv1; ext=1; rua=mailto:a@example.com; RUA=x");
    assertEquals(Map.of("ext", "1", "RUA", "x"), r.extensions());
    ParseResult<TlsRptRecord> p = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; RUA=x");
    assertEquals(Kind.FIELD_NAME_CASE, p.warnings().get(0).kind());
  }

  @Test
  void duplicateRuaKeepsTheFirst() {
    ParseResult<TlsRptRecord> p = TlsRptRecord.parse(
        "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com");
    assertEquals(List.of(URI.create("mailto:a@example.com")), p.orElseThrow().rua());
    assertEquals(Kind.DUPLICATE_FIELD, p.warnings().get(0).kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "v=TLSRPTv1", "v=TLSRPTv1;", "v=tlsrptv1; rua=mailto:a@example.com",
    "v=TLSRPTv2; rua=mailto:a@example.com", "rua=mailto:a@example.com; v=TLSRPTv1",
    "v=TLSRPTv1; rua=", "v=TLSRPTv1; rua=mailto:a@example.com;; x=1",
    "v=TLSRPTv1 rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:a@ex\u00e4mple.com",
    "v=TLSRPTv1; rua=mailto:a@example.com\u0000", "v=TLSRPTv1; x", "v=TLSRPTv1; _x=1",
    "v=TLSRPTv1; x=a=b; rua=mailto:a@example.com"
  })
  void invalidRecords(String record) {
    assertFalse(TlsRptRecord.parse(record).isValid(), record);
  }

  @Test
  void whitespaceBeforeSemicolonIsAWarningAlone() {
    ParseResult<TlsRptRecord> p = TlsRptRecord.parse("v=TLSRPTv1 ; rua=mailto:a@example.com ");
    assertTrue(p.isValid());
    assertEquals(List.of(Kind.WHITESPACE, Kind.TRAILING_WHITESPACE),
        p.warnings().stream().map(Problem::kind).toList());
  }

  @Test
  void multiRecordRule() {
    ParseResult<TlsRptRecord> p = TlsRptRecord.parse(List.of("v=spf1 -all",
        "v=TLSRPTv1 ; rua=mailto:x@example.com", "v=TLSRPTv1;rua=mailto:a@example.com"));
    assertEquals(List.of(URI.create("mailto:a@example.com")), p.orElseThrow().rua());
    assertEquals(2, p.warnings().size());
    assertTrue(p.warnings().get(1).message().contains("whitespace before ';'"));

    assertEquals(Kind.MULTIPLE_RECORDS, errors("v=TLSRPTv1;rua=mailto:a@example.com",
        "v=TLSRPTv1;rua=mailto:b@example.com").get(0).kind());
    assertEquals(Kind.NO_RECORD, errors("v=spf1 -all", "hello").get(0).kind());
    assertEquals(Kind.NO_RECORD, errors().get(0).kind());
  }

  @Test
  void tooLargeIsRejectedBeforeParsing() {
    String big = "v=TLSRPTv1; rua=https://r.example/" + "a".repeat(TlsRptRecord.MAX_RECORD_LENGTH);
    assertEquals(Kind.TOO_LARGE, errors(big).get(0).kind());
  }

  @Test
  void mailtoAddresses() {
    assertEquals(List.of("a@example.com", "b@example.com"),
        TlsRptRecord.mailtoAddresses(URI.create("mailto:a@example.com%2Cb@example.com?subject=x")));
    assertEquals(List.of(), TlsRptRecord.mailtoAddresses(URI.create("mailto:nobody")));
  }

  @Test
  void constructorChecks() {
    assertThrows(IllegalArgumentException.class, () -> TlsRptRecord.of());
    assertThrows(IllegalArgumentException.class, () -> TlsRptRecord.of(URI.create("http://x/")));
    assertThrows(IllegalArgumentException.class,
        () -> new TlsRptRecord(List.of(URI.create("https://x/")), Map.of("rua", "1")));
  }

  @Test
  void discovererMapsEveryDnsOutcome() {
    assertInstanceOf(TlsRptLookup.Found.class,
        discover(new DnsResult.Answer<>(List.of("v=TLSRPTv1; rua=mailto:a@example.com"),
            Duration.ofMinutes(5))));
    TlsRptLookup invalid = discover(new DnsResult.Answer<>(List.of("v=TLSRPTv1"), Duration.ZERO));
    assertInstanceOf(TlsRptLookup.NotFound.class, invalid);
    assertTrue(((TlsRptLookup.NotFound) invalid).detail().contains("'rua' is missing"));
    assertInstanceOf(TlsRptLookup.NotFound.class, discover(new DnsResult.NoSuchName<>()));
    assertInstanceOf(TlsRptLookup.NotFound.class, discover(new DnsResult.NoData<>()));
    assertInstanceOf(TlsRptLookup.Failed.class,
        discover(new DnsResult.TemporaryFailure<>(DnsResult.Reason.TIMEOUT, "timeout")));
  }

  private static TlsRptLookup discover(DnsResult<List<String>> answer) {
    List<String> asked = new java.util.ArrayList<>();
    DnsClient dns = new DnsClient() {
      @Override
      public CompletableFuture<DnsResult<List<String>>> txtAsync(String name) {
        asked.add(name);
        return CompletableFuture.completedFuture(answer);
      }

      @Override
      public CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain) {
        throw new UnsupportedOperationException();
      }
    };
    TlsRptLookup lookup = new TlsRptDiscoverer(dns).lookup("Example.COM");
    assertEquals(List.of("_smtp._tls.example.com"), asked);
    assertEquals("example.com", lookup.domain());
    return lookup;
  }
}
