package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParseResultTest {
  private static final Problem ERROR = new Problem(Problem.Kind.MODE, 2, 7, "the mode is wrong");
  private static final Problem WARNING = new Problem(Problem.Kind.BLANK_LINE, 3, 0, "blank line");

  @Test
  void invalidNeedsAnError() {
    assertThrows(IllegalArgumentException.class,
        () -> new ParseResult.Invalid<String>(List.of(), List.of(WARNING)));
  }

  @Test
  void validNeedsAValue() {
    assertThrows(NullPointerException.class, () -> new ParseResult.Valid<String>(null, List.of()));
  }

  @Test
  void nullListsAndElementsAreRejected() {
    assertThrows(NullPointerException.class, () -> new ParseResult.Valid<>("x", null));
    assertThrows(NullPointerException.class,
        () -> new ParseResult.Invalid<String>(null, List.of()));
    assertThrows(NullPointerException.class,
        () -> new ParseResult.Invalid<String>(List.of(ERROR), null));
    assertThrows(NullPointerException.class,
        () -> new ParseResult.Valid<>("x", Arrays.asList(WARNING, null)));
  }

  @Test
  void listsAreCopied() {
    List<Problem> errors = new ArrayList<>(List.of(ERROR));
    List<Problem> warnings = new ArrayList<>(List.of(WARNING));
    ParseResult<String> invalid = new ParseResult.Invalid<>(errors, warnings);
    ParseResult<String> valid = new ParseResult.Valid<>("x", warnings);
    errors.clear();
    warnings.clear();
    assertEquals(List.of(ERROR), invalid.errors());
    assertEquals(List.of(WARNING), invalid.warnings());
    assertEquals(List.of(WARNING), valid.warnings());
    assertThrows(UnsupportedOperationException.class, () -> invalid.errors().add(ERROR));
    assertThrows(UnsupportedOperationException.class, () -> valid.warnings().add(ERROR));
  }

  @Test
  void validResult() {
    ParseResult<String> r = new ParseResult.Valid<>("x", List.of(WARNING));
    assertTrue(r.isValid());
    assertEquals(Optional.of("x"), r.value());
    assertEquals("x", r.orElseThrow());
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(WARNING), r.warnings());
  }

  @Test
  void invalidResult() {
    ParseResult<String> r = new ParseResult.Invalid<>(List.of(ERROR), List.of());
    assertFalse(r.isValid());
    assertEquals(Optional.empty(), r.value());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::orElseThrow);
    assertTrue(e.getMessage().contains("2:7: the mode is wrong"), e.getMessage());
  }

  @Test
  void resultsAreValues() {
    assertEquals(new ParseResult.Valid<>("x", List.of(WARNING)),
        new ParseResult.Valid<>("x", new ArrayList<>(List.of(WARNING))));
    assertFalse(new ParseResult.Valid<>("x", List.of(WARNING))
        .equals(new ParseResult.Valid<>("x", List.of())));
  }

  @Test
  void parsersReturnOneOfTheTwo() {
    ParseResult<Policy> bad = Policy.parse("mode: enforce\n");
    assertTrue(bad instanceof ParseResult.Invalid<Policy>);
    assertFalse(bad.errors().isEmpty());
    ParseResult<StsRecord> good = StsRecord.parse("v=STSv1; id=1");
    assertTrue(good instanceof ParseResult.Valid<StsRecord>);
    assertEquals(List.of(), good.errors());
  }
}
