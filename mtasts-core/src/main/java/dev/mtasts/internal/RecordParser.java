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

  /** {@code sts-text-record}: the version, then the fields; {@code id} is required. */
  private StsRecord one(String r, int no) {
    TagValueLexer lexer = TagValueLexer.open(r, no, VERSION, StsRecord.MAX_RECORD_LENGTH, "",
        errors, warnings);
    if (lexer == null) {
      return null;
    }
    String id = null;
    boolean idSeen = false;
    Map<String, String> extensions = new LinkedHashMap<>();
    while (lexer.nextField(" (erratum 6285)")) {
      String name = lexer.name();
      String value = name == null ? null : lexer.value(name);
      if (value == null) {
        return null;
      }
      int column = lexer.fieldColumn();
      if (name.equals("id")) {
        // Only the first id counts, even an invalid one (docs/decisions.md, decision 15).
        if (idSeen) {
          warn(Kind.DUPLICATE_FIELD, no, column, "a second 'id' is ignored; the first applies");
        } else {
          idSeen = true;
          id = id(value, no, lexer.valueStart() + 1);
        }
      } else if (name.equals("v")) {
        warn(Kind.DUPLICATE_FIELD, no, column, "a second 'v' field is ignored");
      } else {
        lexer.extension(extensions, name, value, "id", "v");
      }
    }
    if (lexer.failed()) {
      return null;
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

  /** {@code sts-id}: 1 to 32 letters and digits; {@code null} (with an error) when it is not. */
  private String id(String value, int no, int column) {
    if (RecordSyntax.validId(value)) {
      return value;
    }
    error(Kind.ID, no, column, "the id must be 1 to 32 letters or digits, not " + Text.quote(value));
    return null;
  }

  private void error(Kind kind, int line, int column, String message) {
    errors.add(new Problem(kind, line, column, message));
  }

  private void warn(Kind kind, int line, int column, String message) {
    warnings.add(new Problem(kind, line, column, message));
  }
}
