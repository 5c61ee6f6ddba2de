package dev.mtasts.tlsrpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import java.util.List;
import java.util.Locale;

/**
 * The invariants every result of {@link TlsRptRecord#parse(List)} must satisfy, whatever the input:
 * shared by the property tests and the fuzz test.
 */
final class TlsRptRecordChecks {
  private TlsRptRecordChecks() {}

  /** Parses a TXT answer set and checks the invariants of the result; returns the result. */
  static ParseResult<TlsRptRecord> parse(List<String> answer) {
    ParseResult<TlsRptRecord> r = TlsRptRecord.parse(answer);
    String what = "answer " + escape(answer.toString());
    assertEquals(r.errors().isEmpty(), r.isValid(), what);
    assertEquals(r.isValid(), r.value().isPresent(), what);
    for (Problem p : r.errors()) {
      assertTrue(p.message().chars().allMatch(c -> c >= 0x20 && c < 0x7f),
          () -> escape(p.message()) + " for " + what);
    }
    assertEquals(r, TlsRptRecord.parse(answer), () -> "parsing is not deterministic for " + what);
    if (r instanceof ParseResult.Valid<TlsRptRecord> valid) {
      TlsRptRecord record = valid.get();
      assertFalse(record.rua().isEmpty(), what);
      record.rua().forEach(u -> assertTrue(
          List.of("mailto", "https").contains(u.getScheme().toLowerCase(Locale.ROOT)),
          () -> u + " in " + what));
      String text = record.toText();
      if (text.length() <= TlsRptRecord.MAX_RECORD_LENGTH) {
        assertEquals(record, TlsRptRecord.parse(text).orElseThrow(),
            () -> "toText() does not round-trip for " + what);
      }
    }
    return r;
  }

  /** Java-escapes a string for an assertion message. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }
}
