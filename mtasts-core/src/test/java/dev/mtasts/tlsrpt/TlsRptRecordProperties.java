package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mtasts.policy.ParseResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class TlsRptRecordProperties {

  @Property(tries = 500)
  void parsingNeverThrows(@ForAll @Size(max = 3) List<@StringLength(max = 200) String> answer) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(answer);
    assertEquals(r.isValid(), r.errors().isEmpty());
  }

  @Property(tries = 500)
  void parsingNeverThrowsOnRecordLikeText(@ForAll("recordLike") String record) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(record);
    r.value().ifPresent(v -> assertFalse(v.rua().isEmpty()));
  }

  @Property(tries = 300)
  void toTextReadsBackToAnEqualRecord(@ForAll("uris") List<URI> rua) {
    TlsRptRecord record = new TlsRptRecord(rua, java.util.Map.of());
    assertEquals(record, TlsRptRecord.parse(record.toText()).orElseThrow());
  }

  @Provide
  Arbitrary<String> recordLike() {
    Arbitrary<String> piece = Arbitraries.of("v=TLSRPTv1", ";", " ", "\t", ",", "rua=",
        "mailto:a@example.com", "https://r.example/x", "http://x/", "!", "=", "x", "RUA=", "%2C");
    return piece.list().ofMaxSize(12).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<List<URI>> uris() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(8);
    Arbitrary<URI> mailto = label.map(l -> URI.create("mailto:" + l + "@" + l + ".example"));
    Arbitrary<URI> https = label.map(l -> URI.create("https://" + l + ".example/" + l + "?a=1"));
    return Arbitraries.oneOf(mailto, https).list().ofMinSize(1).ofMaxSize(4).uniqueElements()
        .map(ArrayList::new);
  }
}
