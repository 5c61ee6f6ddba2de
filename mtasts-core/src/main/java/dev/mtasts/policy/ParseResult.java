package dev.mtasts.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of parsing untrusted input: either a {@link Valid} value or an {@link Invalid} list of
 * errors. Both carry warnings: noise that was tolerated but that the author of the input should fix.
 *
 * @param <T> the type of the parsed value
 */
public sealed interface ParseResult<T> permits ParseResult.Valid, ParseResult.Invalid {

  /**
   * Returns the problems that were tolerated.
   *
   * @return the warnings, in input order; empty when there were none
   */
  List<Problem> warnings();

  /**
   * Returns the problems that make the input invalid.
   *
   * @return the errors, in input order; empty exactly when the result is {@link Valid}
   */
  List<Problem> errors();

  /**
   * Returns the parsed value.
   *
   * @return the value, or empty when the input is invalid
   */
  Optional<T> value();

  /**
   * Tells whether the input was valid.
   *
   * @return {@code true} for a {@link Valid} result
   */
  default boolean isValid() {
    return this instanceof Valid;
  }

  /**
   * Returns the parsed value or throws.
   *
   * @return the value
   * @throws IllegalArgumentException when the input was invalid; the message lists the errors
   */
  default T orElseThrow() {
    if (this instanceof Valid<T> valid) {
      return valid.get();
    }
    throw new IllegalArgumentException("invalid input: " + errors());
  }

  /**
   * A successfully parsed value.
   *
   * @param get the value
   * @param warnings tolerated problems
   * @param <T> the type of the value
   */
  record Valid<T>(T get, List<Problem> warnings) implements ParseResult<T> {
    /**
     * Creates a valid result; the list is copied.
     *
     * @param get the value
     * @param warnings tolerated problems
     */
    public Valid {
      Objects.requireNonNull(get, "get");
      warnings = List.copyOf(warnings);
    }

    @Override
    public List<Problem> errors() {
      return List.of();
    }

    @Override
    public Optional<T> value() {
      return Optional.of(get);
    }
  }

  /**
   * Input that could not be parsed into a value.
   *
   * @param errors why the input is invalid; never empty
   * @param warnings tolerated problems found along the way
   * @param <T> the type the input would have had
   */
  record Invalid<T>(List<Problem> errors, List<Problem> warnings) implements ParseResult<T> {
    /**
     * Creates an invalid result; the lists are copied.
     *
     * @param errors why the input is invalid; never empty
     * @param warnings tolerated problems found along the way
     * @throws IllegalArgumentException when {@code errors} is empty
     */
    public Invalid {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid result needs at least one error");
      }
    }

    @Override
    public Optional<T> value() {
      return Optional.empty();
    }
  }
}
