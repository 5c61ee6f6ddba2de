package dev.mtasts.internal;

import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The policy body parser (RFC 8461 section 3.2 grammar, with the readings of
 * docs/decisions.md, decisions 2 to 5 and 14 to 18). It works on bytes, one line at a time, and allocates little on the valid path.
 */
public final class PolicyParser {
  private static final byte[] VERSION = ascii("version");
  private static final byte[] MODE = ascii("mode");
  private static final byte[] MAX_AGE = ascii("max_age");
  private static final byte[] MX = ascii("mx");
  private static final byte[] STS_V1 = ascii(Policy.VERSION);
  private static final byte[][] MODE_TOKENS = {
    ascii(Mode.ENFORCE.token()), ascii(Mode.TESTING.token()), ascii(Mode.NONE.token())
  };
  private static final Mode[] MODES = {Mode.ENFORCE, Mode.TESTING, Mode.NONE};
  private static final long MAX_AGE_LIMIT = Policy.MAX_AGE_LIMIT.getSeconds();
  private static final int MAX_FIELD_NAME = 32;
  private static final int MAX_AGE_DIGITS = 10;

  private final byte[] b;
  private List<Problem> errors;
  private List<Problem> warnings;

  private int lineStart;
  private int lineNo;
  /** Whether a line that is not blank has been seen; blank lines are tolerated only after one. */
  private boolean started;

  private int versionLine;
  private int modeLine;
  private int maxAgeLine;
  private boolean mxSeen;
  private Mode mode;
  private long maxAge = -1;
  private int[] mxRanges = new int[8];
  private int mxCount;

  private PolicyParser(byte[] b) {
    this.b = b;
  }

  /**
   * Parses a policy body.
   *
   * @param body the body bytes
   * @return the policy, or the problems found
   */
  public static ParseResult<Policy> parse(byte[] body) {
    if (body.length > Policy.MAX_BODY_BYTES) {
      return new ParseResult.Invalid<>(
          List.of(new Problem(Kind.TOO_LARGE, 0, 0, "the policy body is " + body.length
              + " bytes; at most " + Policy.MAX_BODY_BYTES + " are accepted")),
          List.of());
    }
    return new PolicyParser(body).run();
  }

  private ParseResult<Policy> run() {
    int n = b.length;
    int pos = 0;
    lineNo = 1;
    if (n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      error(Kind.BYTE_ORDER_MARK, 1, "the body starts with a UTF-8 byte order mark (BOM);"
          + " save the policy without it");
      pos = 3;
    }
    while (pos < n) {
      // One pass over the line finds its end and what line() needs to know about its content.
      int end = pos;
      int firstControl = -1;
      int colon = -1;
      boolean nonAscii = false;
      for (; end < n; end++) {
        byte c = b[end];
        if (c >= ' ' && c != ':' && c != 0x7f) {
          continue; // printable ASCII: the usual case
        }
        if (c == '\n') {
          break;
        }
        if (c == ':') {
          if (colon < 0) {
            colon = end;
          }
        } else if (c < 0) {
          nonAscii = true;
        } else if (c != '\t' && firstControl < 0) {
          firstControl = end;
        }
      }
      // CR ends a line only as part of CRLF; a CR at the very end of the body is a bare CR.
      int contentEnd = end < n && end > pos && b[end - 1] == '\r' ? end - 1 : end;
      line(pos, contentEnd, firstControl, colon, nonAscii);
      pos = end + 1;
      lineStart = pos;
      lineNo++;
    }
    return finish();
  }

  /**
   * Parses the line {@code [from, to)}, without its line end. The other arguments are the positions
   * (or -1) of its first control character and its first colon, and whether it holds non-ASCII
   * bytes; a control character at {@code to} is the CR of a CRLF line end, so it does not count.
   */
  private void line(int from, int to, int firstControl, int colon, boolean nonAscii) {
    int i = from;
    while (i < to && isWsp(b[i])) {
      i++;
    }
    if (i == to) {
      if (!started) {
        error(Kind.SYNTAX, 1, "the body starts with a blank line; the first line must be a field"
            + " (RFC 8461 section 3.2)");
        return;
      }
      warning(Kind.BLANK_LINE, 0, "blank line ignored; a policy has no blank lines between or after"
          + " its fields (RFC 8461 section 3.2)");
      return;
    }
    started = true;
    if (firstControl >= 0 && firstControl < to) {
      int c = b[firstControl] & 0xff;
      String hint = c == '\r'
          ? " without a following line feed; lines must end in LF or CRLF"
          : " is not allowed in a policy";
      error(Kind.CONTROL_CHARACTER, col(firstControl), Text.describe(c) + hint);
      return;
    }
    if (isWsp(b[from])) {
      error(Kind.WHITESPACE, col(from),
          "the line starts with whitespace; a field name must start the line");
      return;
    }
    if (colon < 0) {
      error(Kind.SYNTAX, 0, "not a 'name: value' field: " + Text.quote(b, from, to));
      return;
    }
    if (!validName(from, colon)) {
      String hint = colon > from && isWsp(b[colon - 1])
          ? "; no whitespace is allowed before ':'"
          : "; names are 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or digit";
      error(Kind.FIELD_NAME, col(from), "invalid field name " + Text.quote(b, from, colon) + hint);
      return;
    }
    int vs = colon + 1;
    while (vs < to && isWsp(b[vs])) {
      vs++;
    }
    int ve = to;
    while (ve > vs && isWsp(b[ve - 1])) {
      ve--;
    }
    if (ve < to && ve > vs) {
      warning(Kind.TRAILING_WHITESPACE, col(ve), "trailing whitespace ignored");
    }
    if (nonAscii && !validUtf8(vs, ve)) {
      error(Kind.ENCODING, col(vs), "the value is not valid UTF-8: " + Text.quote(b, vs, ve));
      return;
    }
    if (equals(from, colon, VERSION)) {
      version(vs, ve);
    } else if (equals(from, colon, MODE)) {
      mode(vs, ve);
    } else if (equals(from, colon, MAX_AGE)) {
      maxAge(vs, ve);
    } else if (equals(from, colon, MX)) {
      mx(vs, ve);
    } else {
      extension(from, colon, vs, ve);
    }
  }

  private void version(int vs, int ve) {
    if (versionLine != 0) {
      duplicate("version", versionLine);
      return;
    }
    versionLine = lineNo;
    if (!equals(vs, ve, STS_V1)) {
      error(Kind.VERSION, col(vs), "the version must be STSv1, not " + Text.quote(b, vs, ve));
    }
  }

  private void mode(int vs, int ve) {
    if (modeLine != 0) {
      duplicate("mode", modeLine);
      return;
    }
    modeLine = lineNo;
    for (int k = 0; k < MODE_TOKENS.length; k++) {
      if (equals(vs, ve, MODE_TOKENS[k])) {
        mode = MODES[k];
        return;
      }
    }
    error(Kind.MODE, col(vs), "the mode must be enforce, testing or none (in lower case), not "
        + Text.quote(b, vs, ve));
  }

  private void maxAge(int vs, int ve) {
    if (maxAgeLine != 0) {
      duplicate("max_age", maxAgeLine);
      return;
    }
    maxAgeLine = lineNo;
    long value = 0;
    for (int j = vs; j < ve; j++) {
      int c = b[j];
      if (c < '0' || c > '9') {
        error(Kind.MAX_AGE, col(vs), "max_age must be a whole number of seconds (digits only), not "
            + Text.quote(b, vs, ve));
        return;
      }
      value = value * 10 + (c - '0');
      if (j - vs >= MAX_AGE_DIGITS) {
        error(Kind.MAX_AGE, col(vs), "max_age has more than " + MAX_AGE_DIGITS + " digits");
        return;
      }
    }
    if (ve == vs) {
      error(Kind.MAX_AGE, col(vs), "max_age has no value");
    } else if (value > MAX_AGE_LIMIT) {
      error(Kind.MAX_AGE, col(vs), "max_age " + value + " is over the limit of " + MAX_AGE_LIMIT
          + " seconds (RFC 8461 section 3.2)");
    } else {
      maxAge = value;
    }
  }

  private void mx(int vs, int ve) {
    mxSeen = true;
    if (MxSyntax.scan(b, vs, ve) == MxSyntax.INVALID) {
      String v = new String(b, vs, ve - vs, StandardCharsets.UTF_8);
      error(Kind.MX, col(vs), "mx " + Text.quote(v) + " is not a valid host name pattern: "
          + MxSyntax.check(v));
      return;
    }
    if (MxSyntax.looksLikeIpAddress(b, vs, ve)) {
      warning(Kind.MX, col(vs), "mx " + Text.quote(b, vs, ve) + " looks like an IP address;"
          + " mx values are host names and are compared with the MX record's name");
    }
    if (2 * mxCount == mxRanges.length) {
      mxRanges = Arrays.copyOf(mxRanges, mxRanges.length * 2);
    }
    mxRanges[2 * mxCount] = vs;
    mxRanges[2 * mxCount + 1] = ve;
    mxCount++;
  }


  private void extension(int from, int colon, int vs, int ve) {
    for (byte[] known : new byte[][] {VERSION, MODE, MAX_AGE, MX}) {
      if (equalsIgnoreCase(from, colon, known)) {
        warning(Kind.FIELD_NAME_CASE, col(from), "field " + Text.quote(b, from, colon)
            + " is not '" + new String(known, StandardCharsets.US_ASCII)
            + "' (field names are case-sensitive); it is ignored as an unknown field");
        break;
      }
    }
    if (ve == vs) {
      warning(Kind.EMPTY_VALUE, col(from), "field " + Text.quote(b, from, colon)
          + " has no value; it is ignored");
      return;
    }
    for (int j = vs; j < ve; j++) {
      if (b[j] == '\t') {
        error(Kind.WHITESPACE, col(j), "a tab inside the value of " + Text.quote(b, from, colon)
            + "; only spaces may separate words of a value");
        return;
      }
    }
  }

  private ParseResult<Policy> finish() {
    if (versionLine == 0) {
      error(Kind.MISSING_FIELD, 0, 0, "the required field 'version' is missing; add 'version: STSv1'");
    }
    if (modeLine == 0) {
      error(Kind.MISSING_FIELD, 0, 0, "the required field 'mode' is missing; add 'mode: enforce',"
          + " 'mode: testing' or 'mode: none'");
    }
    if (maxAgeLine == 0) {
      error(Kind.MISSING_FIELD, 0, 0,
          "the required field 'max_age' is missing; add for example 'max_age: 604800' (one week)");
    }
    if (!mxSeen && mode != null && mode != Mode.NONE) {
      error(Kind.MISSING_FIELD, 0, 0, "no 'mx' field; a policy in mode " + mode
          + " must list each permitted MX host on its own 'mx:' line");
    }
    List<Problem> w = warnings == null ? List.of() : warnings;
    if (errors != null) {
      return new ParseResult.Invalid<>(errors, w);
    }
    return new ParseResult.Valid<>(
        new Policy(Policy.VERSION, mode, Durations.ofSeconds(maxAge), mxList()), w);
  }

  /**
   * Returns the mx patterns packed into one {@link MxList}, which the Policy constructor keeps as it
   * is.
   */
  private List<MxPattern> mxList() {
    return MxList.fromBytes(b, mxRanges, mxCount);
  }


  private void duplicate(String field, int firstLine) {
    warning(Kind.DUPLICATE_FIELD, 0, "a second '" + field + "' field is ignored; the first, on line "
        + firstLine + ", applies");
  }

  private boolean validName(int from, int to) {
    int n = to - from;
    if (n < 1 || n > MAX_FIELD_NAME || !HostNames.isAlnum(b[from])) {
      return false;
    }
    for (int j = from + 1; j < to; j++) {
      int c = b[j];
      if (!HostNames.isAlnum(c) && c != '_' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private boolean validUtf8(int from, int to) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, from, to - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private boolean equals(int from, int to, byte[] expected) {
    if (to - from != expected.length) {
      return false;
    }
    for (int j = 0; j < expected.length; j++) {
      if (b[from + j] != expected[j]) {
        return false;
      }
    }
    return true;
  }

  private boolean equalsIgnoreCase(int from, int to, byte[] lower) {
    if (to - from != lower.length) {
      return false;
    }
    for (int j = 0; j < lower.length; j++) {
      int c = b[from + j];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower[j]) {
        return false;
      }
    }
    return true;
  }

  private int col(int index) {
    return index - lineStart + 1;
  }

  private static boolean isWsp(byte c) {
    return c == ' ' || c == '\t';
  }

  private void error(Kind kind, int column, String message) {
    error(kind, lineNo, column, message);
  }

  private void error(Kind kind, int line, int column, String message) {
    if (errors == null) {
      errors = new ArrayList<>(4);
    }
    errors.add(new Problem(kind, line, column, message));
  }

  private void warning(Kind kind, int column, String message) {
    if (warnings == null) {
      warnings = new ArrayList<>(4);
    }
    warnings.add(new Problem(kind, lineNo, column, message));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
