package dev.mtasts.internal;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code _smtp._tls} TXT answer parser: the multi-record rule of RFC 8460 section 3, then the
 * record grammar, with the same whitespace decisions as the {@code _mta-sts} parser
 * (docs/decisions.md, decisions 1, 2 and 28).
 */
public final class TlsRptRecordParser {
  private static final String VERSION = "v=TLSRPTv1";

  private final List<Problem> errors = new ArrayList<>(2);
  private final List<Problem> warnings = new ArrayList<>(2);

  private TlsRptRecordParser() {}

  /**
   * Parses the TXT answer set of {@code _smtp._tls.<domain>}.
   *
   * @param answer the records, each already joined from its strings
   * @return the one TLS-RPT record, or the problems found
   */
  public static ParseResult<TlsRptRecord> parse(List<String> answer) {
    return new TlsRptRecordParser().run(answer);
  }

  private ParseResult<TlsRptRecord> run(List<String> answer) {
    int chosen = TxtAnswer.pick(answer, VERSION, "so the domain does not implement TLS-RPT",
        "so senders assume the domain does not implement TLS-RPT until the extra ones"
            + " are removed (RFC 8460 section 3)", "", errors, warnings);
    TlsRptRecord record = chosen < 0 ? null : one(answer.get(chosen), chosen + 1);
    if (record == null) {
      return new ParseResult.Invalid<>(errors, warnings);
    }
    return new ParseResult.Valid<>(record, warnings);
  }

  /** {@code tlsrpt-record}: the version, then the fields; {@code rua} is required. */
  private TlsRptRecord one(String r, int no) {
    TagValueLexer lexer = TagValueLexer.open(r, no, VERSION, TlsRptRecord.MAX_RECORD_LENGTH,
        " (percent-encode it in a URI)", errors, warnings);
    if (lexer == null) {
      return null;
    }
    List<URI> rua = null;
    Map<String, String> extensions = new LinkedHashMap<>();
    while (lexer.nextField("")) {
      String name = lexer.name();
      if (name == null) {
        return null;
      }
      int column = lexer.fieldColumn();
      if (name.equals("rua")) {
        // tlsrpt-rua: URIs separated by commas, with whitespace allowed around them.
        if (lexer.valueToDelimiter().isEmpty()) {
          lexer.fail(Kind.SYNTAX, lexer.valueStart() + 1,
              "the value of 'rua' is empty; give at least one mailto: or https: URI");
          return null;
        }
        if (rua != null) {
          warn(Kind.DUPLICATE_FIELD, no, column, "a second 'rua' is ignored; the first applies");
        } else {
          rua = uris(r, lexer.valueStart(), lexer.position(), no);
        }
        continue;
      }
      String value = lexer.value(name);
      if (value == null) {
        return null;
      }
      if (name.equals("v")) {
        warn(Kind.DUPLICATE_FIELD, no, column, "a second 'v' field is ignored");
      } else {
        lexer.extension(extensions, name, value, "rua", "v");
      }
    }
    if (lexer.failed()) {
      return null;
    }
    if (rua == null) {
      errors.add(new Problem(Kind.MISSING_FIELD, no, 0, "the required field 'rua' is missing; add"
          + " for example 'rua=mailto:tlsrpt@example.com'"));
      return null;
    }
    if (rua.isEmpty()) {
      errors.add(new Problem(Kind.RUA, no, 0, "no rua URI can be used: reports go only to mailto:"
          + " and https: URIs"));
      return null;
    }
    if (!errors.isEmpty()) {
      return null;
    }
    return new TlsRptRecord(rua, extensions);
  }

  /** Splits the rua value at commas (with optional whitespace around) and keeps the usable URIs. */
  private List<URI> uris(String r, int from, int to, int no) {
    List<URI> out = new ArrayList<>(2);
    int pos = from;
    while (pos <= to) {
      int comma = r.indexOf(',', pos);
      int end = comma < 0 || comma > to ? to : comma;
      int s = pos;
      int e = end;
      while (s < e && TagValueLexer.isWsp(r.charAt(s))) {
        s++;
      }
      while (e > s && TagValueLexer.isWsp(r.charAt(e - 1))) {
        e--;
      }
      String text = r.substring(s, e);
      URI uri = check(text, no, s + 1);
      if (uri != null) {
        if (out.contains(uri)) {
          warn(Kind.RUA, no, s + 1, "the rua URI " + Text.quote(text) + " is listed twice");
        } else {
          out.add(uri);
        }
      }
      pos = end + 1;
    }
    return out;
  }

  private URI check(String text, int no, int column) {
    if (text.isEmpty()) {
      warn(Kind.RUA, no, column, "empty rua URI (two ',' in a row, or a ',' at the end) ignored");
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (TagValueLexer.isWsp(text.charAt(i))) {
        warn(Kind.RUA, no, column, "the rua URI " + Text.quote(text) + " holds whitespace and is"
            + " ignored; separate URIs with ','");
        return null;
      }
    }
    if (text.indexOf('!') >= 0) {
      warn(Kind.RUA, no, column, "the rua URI " + Text.quote(text) + " holds '!', which must be"
          + " percent-encoded (RFC 8460 section 3; TLS-RPT has no DMARC-style size limit); it is"
          + " ignored");
      return null;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      warn(Kind.RUA, no, column, "the rua URI " + Text.quote(text) + " is not a valid URI and is"
          + " ignored");
      return null;
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      warn(Kind.RUA, no, column, "the rua URI " + Text.quote(text) + " has no scheme and is ignored;"
          + " write mailto:ADDRESS or https://HOST/PATH");
      return null;
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    if (!lower.equals("mailto") && !lower.equals("https")) {
      warn(Kind.RUA, no, column, "the rua URI " + Text.quote(text) + " is ignored: only mailto: and"
          + " https: are supported (RFC 8460 section 3)");
      return null;
    }
    if (!scheme.equals(lower)) {
      try {
        uri = new URI(lower + text.substring(scheme.length()));
      } catch (URISyntaxException e) {
        return null;
      }
    }
    if (!TlsRptRecord.isSupported(uri)) {
      warn(Kind.RUA, no, column, "the rua URI " + Text.quote(text) + " is ignored: "
          + (lower.equals("https") ? "an https: URI needs a host" : "a mailto: URI needs an address"));
      return null;
    }
    return uri;
  }

  private void warn(Kind kind, int line, int column, String message) {
    warnings.add(new Problem(kind, line, column, message));
  }
}
