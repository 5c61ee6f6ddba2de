package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "0        | expires at once",
    "1        | 1 second",
    "59       | 59 seconds",
    "60       | 1 minute",
    "3600     | 1 hour",
    "86400    | 1 day",
    "90061    | 1 day, 1 hour, 1 minute, 1 second",
    "604800   | 1 week",
    "1209600  | 2 weeks",
    "31557600 | 365 days, 6 hours",
  })
  void durations(long seconds, String text) {
    assertEquals(text, Human.duration(seconds));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "plain.policy           | plain.policy",
    "x\u001b[2J\u0007y       | x\\x1b[2J\\x07y",
    "a\u0085b               | a\\x85b",
    "a\u202eb               | a\\u202Eb",
    "a\u200bb               | a\\u200Bb",
    "a\u2028b               | a\\u2028b",
    "bücher                 | bücher",
    "\uD83D\uDE00           | \uD83D\uDE00",
    "\uD800x                | \\uD800x",
    "\uDB80\uDC00           | \\U000F0000",
  })
  void terminalSafety(String input, String expected) {
    assertEquals(expected, Terminal.safe(input));
  }
}
