package dev.mtasts.policy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link Policy#parse(byte[])}: no exception escapes and every result satisfies {@link
 * ParseChecks#parsePolicy(byte[])}. Under {@code mvn test} only the inputs in {@code
 * PolicyParseFuzzTestInputs/parse/} run; the {@code fuzz} profile of the pom fuzzes for real.
 */
class PolicyParseFuzzTest {

  @FuzzTest(maxDuration = "10s")
  // libFuzzer dictionary syntax: the entries are written to a dictionary file as they are, so
  // control and non-ASCII bytes are given as \\xNN escapes.
  @DictionaryEntries({
    "version", "mode", "max_age", "mx", ": ", "\\x0D\\x0A", "\\x0A", "\\x09", "STSv1", "enforce",
    "testing", "none", "*.", ".example.com", "86400", "31557600", "31557601", "\\xC3\\xA9",
    "\\xEF\\xBB\\xBF"
  })
  void parse(byte[] body) {
    ParseChecks.parsePolicy(body);
  }
}
