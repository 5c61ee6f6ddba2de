package dev.mtasts.internal;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import dev.mtasts.policy.StsRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code _mta-sts} TXT answer parser: the multi-record rule of RFC 8461 section 3.1, then the
 * record grammar, with the readings of docs/decisions.md (decisions 1, 2, 14 to 17).
 */
public final class RecordParser {
  private static final String VERSION = "v=STSv1";

  private final List<Problem> errors = new ArrayList<>(2);
  private final List<Problem> warnings = new ArrayList<>(2);

  private RecordParser() {}

  /**
   * Parses the TXT answer set of {@code _mta-sts.<domain>}.
   *
   * @param answer the records, each already joined from its strings
   * @return the one STS record, or the problems found
   */
  public static ParseResult<StsRecord> parse(List<String> answer) {
    return new RecordParser().run(answer);
  }

  private ParseResult<StsRecord> run(List<String> answer) {
    int chosen = TxtAnswer.pick(answer, VERSION, "so the domain has no MTA-STS policy",
        "so the domain has no usable policy until the extra ones are removed",
        " (RFC 8461 erratum 6285)", errors, warnings);
    StsRecord record = chosen < 0 ? null : one(answer.get(chosen), chosen + 1);
    if (record == null) {
      return new ParseResult.Invalid<>(errors, warnings);
    }
    return new ParseResult.Valid<>(record, warnings);
  }

  private StsRecord one(String r, int no) {
    int n = r.length();
    if (n > StsRecord.MAX_RECORD_LENGTH) {
      error(Kind.TOO_LARGE, no, 0, "the record is " + n + " characters long; at most "
          + StsRecord.MAX_RECORD_LENGTH + " are accepted");
      return null;
    }
    for (int i = 0; i < n; i++) {
      char c = r.charAt(i);
      if (c >= 0x80) {
        error(Kind.ENCODING, no, i + 1, Text.describe(c) + " is not allowed: TXT records are US-ASCII");
        return null;
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        error(Kind.CONTROL_CHARACTER, no, i + 1, Text.describe(c) + " is not allowed in a record");
        return null;
      }
    }
    if (!r.startsWith(VERSION)
        || (n > VERSION.length() && !isWsp(r.charAt(VERSION.length()))
            && r.charAt(VERSION.length()) != ';')) {
      String found = r.startsWith("v=") ? ", not " + Text.quote(token(r, 0)) : "";
      error(Kind.VERSION, no, 1, "the record must begin with 'v=STSv1'" + found);
      return null;
    }
    String id = null;
    boolean idSeen = false;
    Map<String, String> extensions = new LinkedHashMap<>();
    int pos = VERSION.length();
    while (true) {
      int ws = pos;
      while (pos < n && isWsp(r.charAt(pos))) {
        pos++;
      }
      if (pos == n) {
        if (pos > ws) {
          warn(Kind.TRAILING_WHITESPACE, no, ws + 1,
              "trailing whitespace ignored; the grammar allows it only after a final ';'");
        }
        break;
      }
      if (r.charAt(pos) != ';') {
        error(Kind.SYNTAX, no, pos + 1, "expected ';' between fields, found "
            + Text.describe(r.charAt(pos)));
        return null;
      }
      if (pos > ws && ws == VERSION.length()) {
        warn(Kind.WHITESPACE, no, ws + 1, "whitespace before ';': valid alone, but when the answer"
            + " holds several records only those that begin with 'v=STSv1;' count (erratum 6285);"
            + " write 'v=STSv1;'");
      }
      pos++;
      while (pos < n && isWsp(r.charAt(pos))) {
        pos++;
      }
      if (pos == n) {
        break;
      }
      if (r.charAt(pos) == ';') {
        error(Kind.SYNTAX, no, pos + 1, "empty field (two ';' in a row)");
        return null;
      }
      int start = pos;
      String field = token(r, pos);
      pos += field.length();
      int eq = field.indexOf('=');
      if (eq < 0) {
        error(Kind.SYNTAX, no, start + 1, "field " + Text.quote(field) + " is not 'name=value'");
        return null;
      }
      String name = field.substring(0, eq);
      String value = field.substring(eq + 1);
      if (!RecordSyntax.validName(name)) {
        error(Kind.FIELD_NAME, no, start + 1, "invalid field name " + Text.quote(name)
            + "; names are 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or digit");
        return null;
      }
      if (!RecordSyntax.validValue(value)) {
        error(Kind.SYNTAX, no, start + eq + 2, "the value of " + Text.quote(name)
            + (value.isEmpty() ? " is empty" : " holds '=', which values may not contain"));
        return null;
      }
      if (name.equals("id")) {
        if (idSeen) {
          warn(Kind.DUPLICATE_FIELD, no, start + 1, "a second 'id' is ignored; the first applies");
        } else if (RecordSyntax.validId(value)) {
          idSeen = true;
          id = value;
        } else {
          idSeen = true;
          error(Kind.ID, no, start + eq + 2, "the id must be 1 to 32 letters or digits, not "
              + Text.quote(value));
        }
      } else if (name.equals("v")) {
        warn(Kind.DUPLICATE_FIELD, no, start + 1, "a second 'v' field is ignored");
      } else {
        if (name.equalsIgnoreCase("id") || name.equalsIgnoreCase("v")) {
          warn(Kind.FIELD_NAME_CASE, no, start + 1, "field " + Text.quote(name) + " is not '"
              + name.toLowerCase(java.util.Locale.ROOT)
              + "' (field names are case-sensitive); it is ignored as an unknown field");
        }
        if (extensions.putIfAbsent(name, value) != null) {
          warn(Kind.DUPLICATE_FIELD, no, start + 1, "a second " + Text.quote(name)
              + " is ignored; the first applies");
        }
      }
    }
    if (!idSeen) {
      error(Kind.MISSING_FIELD, no, 0,
          "the required field 'id' is missing; add for example 'id=20260101T000000'");
    }
    if (!errors.isEmpty() || id == null) {
      return null;
    }
    return new StsRecord(id, extensions);
  }

  private static String token(String r, int from) {
    int end = from;
    while (end < r.length() && r.charAt(end) != ';' && !isWsp(r.charAt(end))) {
      end++;
    }
    return r.substring(from, end);
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  private void error(Kind kind, int line, int column, String message) {
    errors.add(new Problem(kind, line, column, message));
  }

  private void warn(Kind kind, int line, int column, String message) {
    warnings.add(new Problem(kind, line, column, message));
  }
}
