package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Tries;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsRptRecord#parse(List)} on arbitrary text and on answers assembled from pieces of the
 * grammar and noise, and the round trip of {@link TlsRptRecord#toText()}.
 */
class TlsRptRecordPropertiesTest {
  private static final List<String> ANSWER_PIECES = List.of("v=TLSRPTv1", "v=TLSRPTv1;", ";", " ",
      "\t", "rua=", "mailto:a@example.com", "https://r.example/x", "http://r.example/", ",", " , ",
      "x=1", "RUA=", "!", "=", "%zz", "\u00e9", "\u0000", "v=spf1 -all", "mailto:", "?to=b");
  private static final List<String> RECORD_PIECES = List.of("v=TLSRPTv1", ";", " ", "\t", ",",
      "rua=", "mailto:a@example.com", "https://r.example/x", "http://x/", "!", "=", "x", "RUA=",
      "%2C");

  @Test
  void parsingNeverThrows() {
    Tries.run("parsingNeverThrows", 500, r -> {
      int n = r.nextInt(4);
      List<String> answer = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        answer.add(Tries.anyString(r, 200));
      }
      TlsRptRecordChecks.parse(answer);
    });
  }

  @Test
  void parsingNeverThrowsOnRecordLikeText() {
    Tries.run("parsingNeverThrowsOnRecordLikeText", 500,
        r -> TlsRptRecordChecks.parse(List.of(joined(r, RECORD_PIECES, 12))));
  }

  @Test
  void parsingIsTotalAndAValidRecordSurvivesARoundTrip() {
    Tries.run("parsingIsTotalAndAValidRecordSurvivesARoundTrip", 400, r -> {
      int n = r.nextInt(4);
      List<String> answer = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        answer.add(joined(r, ANSWER_PIECES, 12));
      }
      TlsRptRecordChecks.parse(answer);
    });
  }

  @Test
  void toTextReadsBackToAnEqualRecord() {
    Tries.run("toTextReadsBackToAnEqualRecord", 300, r -> {
      TlsRptRecord record = new TlsRptRecord(uris(r), Map.of());
      ParseResult<TlsRptRecord> parsed = TlsRptRecordChecks.parse(List.of(record.toText()));
      assertEquals(record, parsed.orElseThrow());
    });
  }

  private static String joined(Random r, List<String> pieces, int max) {
    int n = r.nextInt(max + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(Tries.oneOf(r, pieces));
    }
    return sb.toString();
  }

  /** One to four distinct mailto and https URIs. */
  private static List<URI> uris(Random r) {
    int n = 1 + r.nextInt(4);
    Set<URI> uris = new LinkedHashSet<>();
    while (uris.size() < n) {
      int length = 1 + r.nextInt(8);
      StringBuilder label = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        label.append((char) ('a' + r.nextInt(26)));
      }
      uris.add(r.nextBoolean()
          ? URI.create("mailto:" + label + "@" + label + ".example")
          : URI.create("https://" + label + ".example/" + label + "?a=1"));
    }
    return new ArrayList<>(uris);
  }
}
