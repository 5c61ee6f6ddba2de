package dev.mtasts.tlsrpt;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes {@link TlsRptRecord#parse(List)}: no exception escapes and every result satisfies {@link
 * TlsRptRecordChecks#parse(List)}. The input is the answer set, one record per line (split at LF,
 * each decoded as UTF-8), so that seeds in {@code TlsRptRecordParseFuzzTestInputs/parse/} are plain
 * text; an empty input is the empty answer.
 */
class TlsRptRecordParseFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({
    "v=TLSRPTv1", "v=TLSRPTv1;", "; ", "rua=", "RUA=", ",", "mailto:", "https://", "http://",
    "@example.com", "?subject=", "%2C", "%3B", "!", "=", "\\x0A", "\\x09", "v=spf1 -all"
  })
  void parse(byte[] input) {
    TlsRptRecordChecks.parse(records(input));
  }

  static List<String> records(byte[] input) {
    if (input.length == 0) {
      return List.of();
    }
    return List.of(new String(input, StandardCharsets.UTF_8).split("\n", -1));
  }
}
