package dev.mtasts.policy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes {@link StsRecord#parse(List)}: no exception escapes and every result satisfies {@link
 * ParseChecks#parseRecord(List)}. The input is the answer set, one record per line (split at LF,
 * each decoded as UTF-8), so that seeds in {@code StsRecordParseFuzzTestInputs/parse/} are plain
 * text; an empty input is the empty answer.
 */
class StsRecordParseFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({
    "v=STSv1", "v=STSv1;", "; ", " ;", "id=", "ID=", "=", "\\x0A", "\\x09", "v=spf1 -all",
    "20260101T000000"
  })
  void parse(byte[] input) {
    ParseChecks.parseRecord(records(input));
  }

  static List<String> records(byte[] input) {
    if (input.length == 0) {
      return List.of();
    }
    return List.of(new String(input, StandardCharsets.UTF_8).split("\n", -1));
  }
}
