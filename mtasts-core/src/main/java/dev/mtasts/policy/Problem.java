package dev.mtasts.policy;

import java.util.Objects;

/**
 * One thing wrong with, or worth fixing in, a parsed input.
 *
 * <p>Locations are 1-based. For a policy body {@code line} is the line number and {@code column} the
 * byte position within it; for a TXT answer set {@code line} is the number of the record within the
 * set and {@code column} the character position within that record. A value of {@code 0} means the
 * problem concerns the input as a whole (for example a missing field) rather than one place in it.
 *
 * <p>Messages are meant for people. Any piece of the input that a message quotes is escaped
 * (non-printable and non-ASCII characters as {@code \xNN} or {@code \u005CuNNNN}) and shortened, so a
 * message is safe to log.
 *
 * @param kind what is wrong, for programs
 * @param line the line (policy) or record number (TXT answer), or 0 for the whole input
 * @param column the position within the line or record, or 0 when not tied to one
 * @param message what is wrong and, where it helps, how to fix it
 */
public record Problem(Kind kind, int line, int column, String message) {

  /** What a {@link Problem} is about. */
  public enum Kind {
    /** The input is larger than the limit and was not parsed. */
    TOO_LARGE,
    /** The policy body starts with a UTF-8 byte order mark. */
    BYTE_ORDER_MARK,
    /** A control character (NUL, bare CR, DEL, ...) where none is allowed. */
    CONTROL_CHARACTER,
    /** Bytes that are not valid UTF-8, or non-ASCII characters where only US-ASCII is allowed. */
    ENCODING,
    /** Whitespace where the grammar allows none. */
    WHITESPACE,
    /** A line or field that does not follow the {@code name: value} or {@code name=value} syntax. */
    SYNTAX,
    /** A field name that is not valid. */
    FIELD_NAME,
    /** A field name that differs from a defined one only in letter case, so it is not that field. */
    FIELD_NAME_CASE,
    /** A required field is missing. */
    MISSING_FIELD,
    /** A field that may appear once appears again; the later one is ignored. */
    DUPLICATE_FIELD,
    /** An extension field without a value; it is ignored. */
    EMPTY_VALUE,
    /** A whitespace-only line in a policy body; it is ignored. */
    BLANK_LINE,
    /** Whitespace at the end of a line or record; it is ignored. */
    TRAILING_WHITESPACE,
    /** The {@code version} or {@code v} value is not the one required ({@code STSv1}, {@code TLSRPTv1}). */
    VERSION,
    /** The {@code mode} value is not one of enforce, testing and none. */
    MODE,
    /** The {@code max_age} value is not a number of seconds within the allowed range. */
    MAX_AGE,
    /** An {@code mx} value is not a valid host name pattern. */
    MX,
    /** The {@code id} value is not 1 to 32 letters and digits. */
    ID,
    /** A TXT answer set holds no record of the kind asked for ({@code v=STSv1;}, {@code v=TLSRPTv1;}). */
    NO_RECORD,
    /** A TXT answer set holds more than one record of the kind asked for. */
    MULTIPLE_RECORDS,
    /** A record of a multi-record TXT answer set that was discarded because it is not of the kind asked for. */
    RECORD_DISCARDED,
    /** A TLS-RPT {@code rua} URI that is not valid or not supported, or a record left without any. */
    RUA
  }

  /**
   * Creates a problem.
   *
   * @param kind what is wrong, for programs
   * @param line the line (policy) or record number (TXT answer), or 0 for the whole input
   * @param column the position within the line or record, or 0 when not tied to one
   * @param message what is wrong and, where it helps, how to fix it
   * @throws IllegalArgumentException when {@code line} or {@code column} is negative
   */
  public Problem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must not be negative");
    }
  }

  @Override
  public String toString() {
    if (line == 0) {
      return message;
    }
    return column == 0 ? line + ": " + message : line + ":" + column + ": " + message;
  }
}
