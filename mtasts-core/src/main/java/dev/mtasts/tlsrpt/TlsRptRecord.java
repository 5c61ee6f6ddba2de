package dev.mtasts.tlsrpt;

import dev.mtasts.internal.RecordSyntax;
import dev.mtasts.internal.Text;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code _smtp._tls.<domain>} TXT record of TLS-RPT (RFC 8460 section 3): {@code v=TLSRPTv1;
 * rua=...}, where reports about TLS failures in mail sent to the domain go.
 *
 * <p>{@link #rua()} holds only the URIs reports can be delivered to: {@code mailto:} with an address
 * and {@code https:} with a host. URIs of other schemes are left out when a record is parsed (with a
 * warning), so a valid record always has somewhere to send reports.
 *
 * @param rua the report URIs, in record order, at least one; each {@code mailto:} or {@code https:}
 * @param extensions unknown fields, in record order (the first of a repeated name), which reporters
 *     ignore
 */
public record TlsRptRecord(List<URI> rua, Map<String, String> extensions) {
  /** The longest record the parser accepts, in characters. */
  public static final int MAX_RECORD_LENGTH = 2048;

  /** What a record of a multi-record answer must begin with to count as a TLS-RPT record. */
  public static final String PREFIX = "v=TLSRPTv1;";

  /**
   * Creates a record; the list and the map are copied, the map keeping its order.
   *
   * @throws IllegalArgumentException when {@code rua} is empty or holds a URI that is not {@code
   *     mailto:} with an address or {@code https:} with a host, or an extension has an invalid name or
   *     value or is named {@code v} or {@code rua}
   */
  public TlsRptRecord {
    rua = List.copyOf(rua);
    if (rua.isEmpty()) {
      throw new IllegalArgumentException("a TLS-RPT record needs at least one rua URI");
    }
    for (URI uri : rua) {
      String reason = unsupported(uri);
      if (reason != null) {
        throw new IllegalArgumentException("unusable rua URI: " + reason);
      }
    }
    Map<String, String> copy = new LinkedHashMap<>();
    extensions.forEach((name, value) -> {
      if (!RecordSyntax.validName(name) || name.equals("v") || name.equals("rua")) {
        throw new IllegalArgumentException("invalid extension name");
      }
      if (!RecordSyntax.validValue(value)) {
        throw new IllegalArgumentException("invalid extension value");
      }
      copy.put(name, value);
    });
    extensions = Collections.unmodifiableMap(copy);
  }

  /**
   * Creates a record with these report URIs and no extensions.
   *
   * @param rua the report URIs
   * @return the record
   * @throws IllegalArgumentException as the constructor does
   */
  public static TlsRptRecord of(URI... rua) {
    return new TlsRptRecord(List.of(rua), Map.of());
  }

  /**
   * Parses the TXT answer set of {@code _smtp._tls.<domain>}, each record already joined from its
   * strings without spaces.
   *
   * <p>The rules, strict where RFC 8460 section 3 is, and the same as for the {@code _mta-sts} record
   * where it is silent:
   *
   * <ul>
   *   <li>When the set holds several records, those that do not begin with the literal {@code
   *       v=TLSRPTv1;} are discarded (a warning each) and exactly one must remain. A single record is
   *       judged by the grammar alone, so {@code v=TLSRPTv1 ; rua=...} is valid.
   *   <li>The record is US-ASCII without control characters (tabs aside), at most {@link
   *       #MAX_RECORD_LENGTH} characters, begins with {@code v=TLSRPTv1} and continues with {@code
   *       ;}-separated {@code name=value} fields; whitespace is allowed around {@code ;} and, in
   *       {@code rua}, around {@code ,}. Field names are case-sensitive.
   *   <li>{@code rua} is required and is a comma-separated list of absolute URIs; a {@code !} must
   *       be percent-encoded. {@code mailto:} URIs need an address and {@code https:} URIs a host;
   *       URIs of any other scheme are skipped with a warning, and at least one usable URI must
   *       remain.
   *   <li>Unknown fields are kept as {@link #extensions()}; a repeated field (including {@code rua})
   *       is ignored after its first occurrence, with a warning.
   * </ul>
   *
   * <p>This method never throws for bad input. It stops at the first error.
   *
   * @param answer the records of one answer
   * @return the record with any warnings, or the problems found: an invalid result means the domain
   *     does not implement TLS-RPT
   */
  public static ParseResult<TlsRptRecord> parse(List<String> answer) {
    return new Parser().run(answer);
  }

  /**
   * Parses a single TXT record, as {@link #parse(List)} does for a one-record answer.
   *
   * @param record the record text
   * @return the record with any warnings, or the problems found
   */
  public static ParseResult<TlsRptRecord> parse(String record) {
    return parse(List.of(record));
  }

  /**
   * Renders the record as TXT text: {@code v=TLSRPTv1; rua=URI,URI} followed by the extensions.
   *
   * @return the record text
   */
  public String toText() {
    StringBuilder sb = new StringBuilder("v=TLSRPTv1; rua=");
    for (int i = 0; i < rua.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(rua.get(i).toASCIIString());
    }
    extensions.forEach((name, value) -> sb.append("; ").append(name).append('=').append(value));
    return sb.toString();
  }

  /** Why a URI cannot take reports, or {@code null} when it can. */
  static @Nullable String unsupported(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if (scheme == null) {
      return "not an absolute URI (no scheme)";
    }
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "mailto": {
        String ssp = uri.getRawSchemeSpecificPart();
        int query = ssp.indexOf('?');
        String address = query < 0 ? ssp : ssp.substring(0, query);
        return address.isEmpty() || !address.contains("@")
            ? "a mailto: URI needs an address such as mailto:tlsrpt@example.com" : null;
      }
      case "https":
        return uri.getHost() == null
            ? "an https: URI needs a host such as https://reports.example.com/tlsrpt" : null;
      default:
        return "the scheme " + Text.quote(scheme)
            + " is not supported; reports go to mailto: and https: URIs";
    }
  }

  /** The answer and record parser; one instance per parse. */
  private static final class Parser {
    private static final String VERSION = "v=TLSRPTv1";

    private final List<Problem> errors = new ArrayList<>(2);
    private final List<Problem> warnings = new ArrayList<>(2);

    ParseResult<TlsRptRecord> run(List<String> answer) {
      Objects.requireNonNull(answer, "answer");
      TlsRptRecord record = null;
      if (answer.isEmpty()) {
        errors.add(new Problem(Problem.Kind.NO_RECORD, 0, 0, "the answer holds no TXT record"));
      } else if (answer.size() == 1) {
        record = one(answer.get(0), 1);
      } else {
        int chosen = choose(answer);
        if (chosen >= 0) {
          record = one(answer.get(chosen), chosen + 1);
        }
      }
      if (record == null) {
        return new ParseResult.Invalid<>(errors, warnings);
      }
      return new ParseResult.Valid<>(record, warnings);
    }

    private int choose(List<String> answer) {
      List<Integer> found = new ArrayList<>(2);
      for (int i = 0; i < answer.size(); i++) {
        if (answer.get(i).startsWith(PREFIX)) {
          found.add(i);
        } else {
          warn(Problem.Kind.RECORD_DISCARDED, i + 1, 0,
              "record discarded: it does not begin with 'v=TLSRPTv1;'");
        }
      }
      if (found.isEmpty()) {
        error(Problem.Kind.NO_RECORD, 0, 0, "none of the " + answer.size()
            + " records begins with 'v=TLSRPTv1;', so the domain does not implement TLS-RPT");
        return -1;
      }
      if (found.size() > 1) {
        error(Problem.Kind.MULTIPLE_RECORDS, 0, 0, found.size() + " records begin with"
            + " 'v=TLSRPTv1;'; exactly one is allowed, so reporters send no reports until the extra"
            + " ones are removed");
        return -1;
      }
      return found.get(0);
    }

    private @Nullable TlsRptRecord one(String r, int no) {
      int n = r.length();
      if (n > MAX_RECORD_LENGTH) {
        error(Problem.Kind.TOO_LARGE, no, 0, "the record is " + n + " characters long; at most "
            + MAX_RECORD_LENGTH + " are accepted");
        return null;
      }
      for (int i = 0; i < n; i++) {
        char c = r.charAt(i);
        if (c >= 0x80) {
          error(Problem.Kind.ENCODING, no, i + 1, describe(c)
              + " is not allowed: the record is US-ASCII (percent-encode it in a URI)");
          return null;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          error(Problem.Kind.CONTROL_CHARACTER, no, i + 1, describe(c) + " is not allowed in a record");
          return null;
        }
      }
      if (!r.startsWith(VERSION)
          || (n > VERSION.length() && !isWsp(r.charAt(VERSION.length()))
              && r.charAt(VERSION.length()) != ';')) {
        error(Problem.Kind.VERSION, no, 1, "the record must begin with 'v=TLSRPTv1'"
            + (r.startsWith("v=") ? ", not " + quote(token(r, 0)) : ""));
        return null;
      }
      List<URI> rua = null;
      Map<String, String> extensions = new LinkedHashMap<>();
      int pos = VERSION.length();
      while (true) {
        int ws = pos;
        pos = skipWsp(r, pos);
        if (pos == n) {
          if (pos > ws) {
            warn(Problem.Kind.TRAILING_WHITESPACE, no, ws + 1,
                "trailing whitespace ignored; the grammar allows it only after a final ';'");
          }
          break;
        }
        if (r.charAt(pos) != ';') {
          error(Problem.Kind.SYNTAX, no, pos + 1, "expected ';' between fields, found "
              + describe(r.charAt(pos)));
          return null;
        }
        if (pos > ws && ws == VERSION.length()) {
          warn(Problem.Kind.WHITESPACE, no, ws + 1, "whitespace before ';': valid alone, but when"
              + " the answer holds several records only those that begin with 'v=TLSRPTv1;' count;"
              + " write 'v=TLSRPTv1;'");
        }
        pos = skipWsp(r, pos + 1);
        if (pos == n) {
          break;
        }
        if (r.charAt(pos) == ';') {
          error(Problem.Kind.SYNTAX, no, pos + 1, "empty field (two ';' in a row)");
          return null;
        }
        int start = pos;
        int eq = start;
        while (eq < n && r.charAt(eq) != '=' && r.charAt(eq) != ';' && !isWsp(r.charAt(eq))) {
          eq++;
        }
        String name = r.substring(start, eq);
        if (eq == n || r.charAt(eq) != '=') {
          error(Problem.Kind.SYNTAX, no, start + 1, "field " + quote(name) + " is not 'name=value'");
          return null;
        }
        if (!RecordSyntax.validName(name)) {
          error(Problem.Kind.FIELD_NAME, no, start + 1, "invalid field name " + quote(name)
              + "; names are 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or"
              + " digit");
          return null;
        }
        if (name.equals("rua")) {
          int end = r.indexOf(';', eq + 1);
          end = end < 0 ? n : end;
          while (end > eq + 1 && isWsp(r.charAt(end - 1))) {
            end--;
          }
          if (rua != null) {
            warn(Problem.Kind.DUPLICATE_FIELD, no, start + 1,
                "a second 'rua' is ignored; the first applies");
          } else {
            rua = uris(r, eq + 1, end, no);
            if (rua == null) {
              return null;
            }
          }
          pos = end;
          continue;
        }
        int end = eq + 1;
        while (end < n && r.charAt(end) != ';' && !isWsp(r.charAt(end))) {
          end++;
        }
        String value = r.substring(eq + 1, end);
        pos = end;
        if (!RecordSyntax.validValue(value)) {
          error(Problem.Kind.SYNTAX, no, eq + 2, "the value of " + quote(name)
              + (value.isEmpty() ? " is empty" : " holds '=', which values may not contain"));
          return null;
        }
        if (name.equals("v")) {
          warn(Problem.Kind.DUPLICATE_FIELD, no, start + 1, "a second 'v' field is ignored");
          continue;
        }
        if (name.equalsIgnoreCase("rua") || name.equalsIgnoreCase("v")) {
          warn(Problem.Kind.FIELD_NAME_CASE, no, start + 1, "field " + quote(name) + " is not '"
              + name.toLowerCase(Locale.ROOT)
              + "' (field names are case-sensitive); it is ignored as an unknown field");
        }
        if (extensions.putIfAbsent(name, value) != null) {
          warn(Problem.Kind.DUPLICATE_FIELD, no, start + 1, "a second " + quote(name)
              + " is ignored; the first applies");
        }
      }
      if (rua == null) {
        error(Problem.Kind.MISSING_FIELD, no, 0, "the required field 'rua' is missing; add for"
            + " example 'rua=mailto:tlsrpt@example.com'");
        return null;
      }
      return new TlsRptRecord(rua, extensions);
    }

    /** Parses the URI list of {@code rua}, {@code r[from, to)}; null after an error. */
    private @Nullable List<URI> uris(String r, int from, int to, int no) {
      if (from == to) {
        error(Problem.Kind.SYNTAX, no, from + 1, "the value of 'rua' is empty; give at least one"
            + " mailto: or https: URI");
        return null;
      }
      List<URI> usable = new ArrayList<>(2);
      int pos = from;
      while (pos <= to) {
        int comma = r.indexOf(',', pos);
        int end = comma < 0 || comma > to ? to : comma;
        int a = skipWsp(r, pos);
        int b = end;
        while (b > a && isWsp(r.charAt(b - 1))) {
          b--;
        }
        if (a == b) {
          error(Problem.Kind.SYNTAX, no, a + 1, "empty URI in 'rua' (a stray ',')");
          return null;
        }
        String text = r.substring(a, b);
        for (int i = a; i < b; i++) {
          char c = r.charAt(i);
          if (isWsp(c)) {
            error(Problem.Kind.URI, no, i + 1, "whitespace inside the URI " + quote(text)
                + "; separate URIs with ','");
            return null;
          }
          if (c == '!') {
            error(Problem.Kind.URI, no, i + 1, "'!' must be percent-encoded (%21) in the URI "
                + quote(text));
            return null;
          }
        }
        URI uri;
        try {
          uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
          error(Problem.Kind.URI, no, a + 1, quote(text) + " is not a valid URI");
          return null;
        }
        String reason = unsupported(uri);
        if (reason == null) {
          usable.add(uri);
        } else if (uri.getScheme() == null
            || uri.getScheme().equalsIgnoreCase("mailto")
            || uri.getScheme().equalsIgnoreCase("https")) {
          error(Problem.Kind.URI, no, a + 1, quote(text) + ": " + reason);
          return null;
        } else {
          warn(Problem.Kind.URI, no, a + 1, quote(text) + " is ignored: " + reason);
        }
        pos = end + 1;
      }
      if (usable.isEmpty()) {
        error(Problem.Kind.URI, no, from + 1, "'rua' holds no mailto: or https: URI, so reports"
            + " cannot be delivered");
        return null;
      }
      return usable;
    }

    private static int skipWsp(String r, int pos) {
      while (pos < r.length() && isWsp(r.charAt(pos))) {
        pos++;
      }
      return pos;
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

    private static String quote(String s) {
      return Text.quote(s);
    }

    private static String describe(char c) {
      return Text.describe(c);
    }

    private void error(Problem.Kind kind, int line, int column, String message) {
      errors.add(new Problem(kind, line, column, message));
    }

    private void warn(Problem.Kind kind, int line, int column, String message) {
      warnings.add(new Problem(kind, line, column, message));
    }
  }
}
