package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link TlsRptRecord#parse(List)} on answers assembled from pieces of the grammar and noise. */
class TlsRptRecordPropertiesTest {

  @Property(tries = 400)
  void parsingIsTotalAndAValidRecordSurvivesARoundTrip(@ForAll("answers") List<String> answer) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(answer);
    assertEquals(r.errors().isEmpty(), r.isValid());
    for (Problem p : r.errors()) {
      assertTrue(p.message().chars().allMatch(c -> c >= 0x20 && c < 0x7f), p.message());
    }
    if (r instanceof ParseResult.Valid<TlsRptRecord> valid) {
      TlsRptRecord record = valid.get();
      assertFalse(record.rua().isEmpty());
      record.rua().forEach(u -> assertTrue(
          List.of("mailto", "https").contains(u.getScheme().toLowerCase(Locale.ROOT)), u::toString));
      assertEquals(record, TlsRptRecord.parse(record.toText()).orElseThrow());
    }
  }

  @Provide
  Arbitrary<List<String>> answers() {
    Arbitrary<String> piece = Arbitraries.of("v=TLSRPTv1", "v=TLSRPTv1;", ";", " ", "\t", "rua=",
        "mailto:a@example.com", "https://r.example/x", "http://r.example/", ",", " , ", "x=1",
        "RUA=", "!", "=", "%zz", "\u00e9", "\u0000", "v=spf1 -all", "mailto:", "?to=b");
    Arbitrary<String> record = piece.list().ofMaxSize(12).map(parts -> String.join("", parts));
    return record.list().ofMaxSize(3);
  }
}
