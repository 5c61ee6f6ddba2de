package dev.mtasts.internal;

import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import java.util.List;
import java.util.Map;

/**
 * The lexer of the TXT records that RFC 8461 section 3.1 ({@code _mta-sts}) and RFC 8460 section 3
 * ({@code _smtp._tls}) write with the same grammar:
 *
 * <pre>
 * record      = version 1*(field-delim field) [field-delim]
 * field-delim = *WSP ";" *WSP
 * field       = name "=" value
 * name        = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * value       = 1*(%x21-3A / %x3C / %x3E-7E)
 * </pre>
 *
 * <p>It walks one record, one field at a time; the parsers say what each field means. Each method is
 * one rule of the grammar. Problems go into the parser's lists; after the first error the record is
 * given up ({@link #failed()}), except for errors the parser adds itself. Whitespace is read as
 * docs/decisions.md, decisions 1 and 2 say.
 */
final class TagValueLexer {
  private final String r;
  private final int no;
  private final String version;
  private final List<Problem> errors;
  private final List<Problem> warnings;
  private int pos;
  private int fieldStart;
  private int valueStart;
  private boolean failed;

  private TagValueLexer(String record, int no, String version, List<Problem> errors,
      List<Problem> warnings) {
    this.r = record;
    this.no = no;
    this.version = version;
    this.errors = errors;
    this.warnings = warnings;
  }

  /**
   * Checks a record as a whole and reads its version field: at most {@code maxLength} characters,
   * US-ASCII (TXT records "MUST be US-ASCII") without control characters other than tab, and the
   * version first.
   *
   * @param record the record, joined from its strings
   * @param no its number in the answer, for problems
   * @param version the version field, e.g. {@code v=STSv1}
   * @param maxLength the longest record accepted (docs/decisions.md, decision 14)
   * @param nonAsciiHint added to the error for a non-ASCII character
   * @param errors where errors go
   * @param warnings where warnings go
   * @return the lexer, placed after the version, or {@code null} after an error
   */
  static TagValueLexer open(String record, int no, String version, int maxLength,
      String nonAsciiHint, List<Problem> errors, List<Problem> warnings) {
    TagValueLexer lexer = new TagValueLexer(record, no, version, errors, warnings);
    return lexer.characters(maxLength, nonAsciiHint) && lexer.version() ? lexer : null;
  }

  private boolean characters(int maxLength, String nonAsciiHint) {
    int n = r.length();
    if (n > maxLength) {
      return error(Kind.TOO_LARGE, 0, "the record is " + n + " characters long; at most "
          + maxLength + " are accepted");
    }
    for (int i = 0; i < n; i++) {
      char c = r.charAt(i);
      if (c >= 0x80) {
        return error(Kind.ENCODING, i + 1, Text.describe(c)
            + " is not allowed: TXT records are US-ASCII" + nonAsciiHint);
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return error(Kind.CONTROL_CHARACTER, i + 1, Text.describe(c)
            + " is not allowed in a record");
      }
    }
    return true;
  }

  /** {@code version}: the literal version, followed by whitespace, ';' or the end. */
  private boolean version() {
    int v = version.length();
    if (!r.startsWith(version)
        || (r.length() > v && !isWsp(r.charAt(v)) && r.charAt(v) != ';')) {
      String found = r.startsWith("v=") ? ", not " + Text.quote(token(0)) : "";
      return error(Kind.VERSION, 1, "the record must begin with '" + version + "'" + found);
    }
    pos = v;
    return true;
  }

  /**
   * {@code field-delim}: moves past the delimiter to the next field. Whitespace before the first
   * ';' gets a warning (docs/decisions.md, decision 1), trailing whitespace without a final ';' too (docs/decisions.md, decision 2).
   *
   * @param whitespaceNote added to the warning about whitespace before the first ';'
   * @return {@code true} when a field starts here; {@code false} at the end of the record or after an
   *     error ({@link #failed()})
   */
  boolean nextField(String whitespaceNote) {
    int n = r.length();
    int ws = pos;
    pos = skipWsp(pos);
    if (pos == n) {
      if (pos > ws) {
        warn(Kind.TRAILING_WHITESPACE, ws + 1,
            "trailing whitespace ignored; the grammar allows it only after a final ';'");
      }
      return false;
    }
    if (r.charAt(pos) != ';') {
      return error(Kind.SYNTAX, pos + 1, "expected ';' between fields, found "
          + Text.describe(r.charAt(pos)));
    }
    if (pos > ws && ws == version.length()) {
      warn(Kind.WHITESPACE, ws + 1, "whitespace before ';': valid alone, but when the answer holds"
          + " several records only those that begin with '" + version + ";' count"
          + whitespaceNote + "; write '" + version + ";'");
    }
    pos = skipWsp(pos + 1);
    if (pos == n) {
      return false;
    }
    if (r.charAt(pos) == ';') {
      return error(Kind.SYNTAX, pos + 1, "empty field (two ';' in a row)");
    }
    fieldStart = pos;
    return true;
  }

  /**
   * {@code name "="}: reads the name of the field at hand and the '=' after it.
   *
   * @return the name, or {@code null} after an error
   */
  String name() {
    int eq = pos;
    while (eq < r.length() && r.charAt(eq) != '=' && r.charAt(eq) != ';' && !isWsp(r.charAt(eq))) {
      eq++;
    }
    String name = r.substring(pos, eq);
    if (eq == r.length() || r.charAt(eq) != '=') {
      error(Kind.SYNTAX, fieldStart + 1, "field " + Text.quote(name) + " is not 'name=value'");
      return null;
    }
    if (!RecordSyntax.validName(name)) {
      error(Kind.FIELD_NAME, fieldStart + 1, "invalid field name " + Text.quote(name)
          + "; names are 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or digit");
      return null;
    }
    pos = eq + 1;
    valueStart = pos;
    return name;
  }

  /**
   * {@code value}: reads the value of the field named {@code name}, up to whitespace or ';'.
   *
   * @param name the field's name, for the error
   * @return the value, or {@code null} after an error
   */
  String value(String name) {
    String value = token(pos);
    pos += value.length();
    if (!RecordSyntax.validValue(value)) {
      error(Kind.SYNTAX, valueStart + 1, "the value of " + Text.quote(name)
          + (value.isEmpty() ? " is empty" : " holds '=', which values may not contain"));
      return null;
    }
    return value;
  }

  /**
   * Reads the rest of the field up to ';', without trailing whitespace: a value that is a list
   * (the {@code rua} URIs, with whitespace allowed around commas). The parser checks it, from
   * {@link #valueStart()} to {@link #position()}.
   *
   * @return the value's text, possibly empty
   */
  String valueToDelimiter() {
    int end = r.indexOf(';', valueStart);
    end = end < 0 ? r.length() : end;
    while (end > valueStart && isWsp(r.charAt(end - 1))) {
      end--;
    }
    pos = end;
    return r.substring(valueStart, end);
  }

  /**
   * An extension (an unknown field): ignored, as RFC 8461 section 3.2 and RFC 8460 section 3 ask,
   * but kept in order, the first of each name only, with a warning for a repeat (docs/decisions.md, decision 15) and
   * for a known field's name in another case (docs/decisions.md, decision 16).
   *
   * @param extensions the record's extensions so far
   * @param name the field's name
   * @param value its value
   * @param known the names of the fields the grammar knows, e.g. {@code v} and {@code id}
   */
  void extension(Map<String, String> extensions, String name, String value, String... known) {
    for (String field : known) {
      if (name.equalsIgnoreCase(field)) {
        warn(Kind.FIELD_NAME_CASE, fieldColumn(), "field " + Text.quote(name) + " is not '" + field
            + "' (field names are case-sensitive); it is ignored as an unknown field");
      }
    }
    if (extensions.putIfAbsent(name, value) != null) {
      warn(Kind.DUPLICATE_FIELD, fieldColumn(), "a second " + Text.quote(name)
          + " is ignored; the first applies");
    }
  }

  /** The column (1-based) where the field at hand starts. */
  int fieldColumn() {
    return fieldStart + 1;
  }

  /** The index where the value of the field at hand starts. */
  int valueStart() {
    return valueStart;
  }

  /** The index the lexer has reached. */
  int position() {
    return pos;
  }

  /** Whether the lexer gave up on the record after an error. */
  boolean failed() {
    return failed;
  }

  /** Reports an error about the field at hand that the lexer does not know of; ends the record. */
  boolean fail(Kind kind, int column, String message) {
    return error(kind, column, message);
  }

  private void warn(Kind kind, int column, String message) {
    warnings.add(new Problem(kind, no, column, message));
  }

  private boolean error(Kind kind, int column, String message) {
    errors.add(new Problem(kind, no, column, message));
    failed = true;
    return false;
  }

  private String token(int from) {
    int end = from;
    while (end < r.length() && r.charAt(end) != ';' && !isWsp(r.charAt(end))) {
      end++;
    }
    return r.substring(from, end);
  }

  private int skipWsp(int from) {
    int i = from;
    while (i < r.length() && isWsp(r.charAt(i))) {
      i++;
    }
    return i;
  }

  static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }
}
