package dev.mtasts.internal;

import dev.mtasts.policy.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a TLS-RPT report says about a policy that was fetched but is invalid (RFC 8460 section 4.4:
 * the {@code policy-string} is the policy "declared by the receiving site, including any errors";
 * docs/decisions.md, decision 11): its lines as received, bounded, and the parser's first error as
 * the {@code failure-reason-code}.
 */
public final class ReceivedPolicy {
  /** How many lines of an invalid policy are kept at most; a last line says how many more there were. */
  public static final int MAX_LINES = 32;
  /** How many characters of one line are kept at most; a longer line is cut and ends in "...". */
  public static final int MAX_LINE_CHARS = 256;
  /** The longest failure reason code made from a parser error. */
  public static final int MAX_REASON_CHARS = 256;

  private ReceivedPolicy() {}

  /**
   * Splits a received policy body into its lines for a report: at LF, a CR before it dropped, no
   * line for a final line end, each line decoded as UTF-8 (malformed bytes become U+FFFD) with
   * control characters other than tab replaced by U+FFFD. At most {@link #MAX_LINES} lines of at
   * most {@link #MAX_LINE_CHARS} characters are kept.
   *
   * @param body the body as received
   * @return the lines; empty for an empty body
   */
  public static List<String> lines(byte[] body) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int total = 0;
    int n = body.length;
    while (start < n) {
      int end = start;
      while (end < n && body[end] != '\n') {
        end++;
      }
      total++;
      if (lines.size() < MAX_LINES) {
        int to = end > start && body[end - 1] == '\r' ? end - 1 : end;
        lines.add(line(body, start, to));
      }
      start = end + 1;
    }
    if (total > MAX_LINES) {
      // Over the limit: the last place says how many lines are left out.
      lines.set(MAX_LINES - 1, "... " + (total - MAX_LINES + 1) + " more lines");
    }
    return List.copyOf(lines);
  }

  /**
   * Formats the first error of an invalid policy as a failure reason code: {@code line N: message}
   * (or the message alone for the body as a whole). Messages quote the input escaped and shortened;
   * the result is cut at {@link #MAX_REASON_CHARS} characters.
   *
   * @param problem the parser's first error
   * @return the reason code
   */
  public static String reasonCode(Problem problem) {
    String text = problem.line() == 0 ? problem.message()
        : "line " + problem.line() + ": " + problem.message();
    return text.length() <= MAX_REASON_CHARS ? text
        : text.substring(0, MAX_REASON_CHARS - 3) + "...";
  }

  private static String line(byte[] body, int from, int to) {
    int cut = Math.min(to, from + 4 * MAX_LINE_CHARS);
    String s = new String(body, from, cut - from, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_LINE_CHARS + 3));
    int chars = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (chars == MAX_LINE_CHARS) {
        return sb.append("...").toString();
      }
      boolean control = (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0);
      sb.appendCodePoint(control ? 0xFFFD : cp);
      chars++;
      i += Character.charCount(cp);
    }
    return cut < to ? sb.append("...").toString() : sb.toString();
  }
}
