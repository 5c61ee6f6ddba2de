package dev.mtasts.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.policy.Problem.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Properties of {@link Policy#parse(byte[])} and {@link Policy#toText()}. */
class PolicyPropertiesTest {

  /** Pieces of the policy grammar, and bytes that break it, as ISO-8859-1 (one char = one byte). */
  private static final List<String> TOKENS = List.of(
      "version", "mode", "max_age", "mx", "Version", "MODE", "Max_Age", "x-ext", "a.b_c", "-x",
      ":", ": ", ":\t", " ", "\t", "\r", "\n", "\r\n", "\n\n",
      "STSv1", "stsv1", "enforce", "testing", "none", "Enforce",
      "*.", "*", ".", "..", "example", "com", "mx1.example.com", "-", "_", "xn--bcher-kva",
      "0", "86400", "0086400", "31557600", "31557601", "99999999999", "-1", "1.2.3.4",
      "\u0000", "\u001b", "\u007f", "\u0080", "\u00ff", "\u00c3\u00a9", "\u00c3", "\u00e2\u0082",
      "\u00f0\u009f\u0098\u0080", "\u00ef\u00bb\u00bf", "\u00ed\u00a0\u0080");

  /** {@link LineStyle#blankLineBefore()} when there is no blank line. */
  private static final String NO_BLANK = "no blank line";

  /** Warnings a valid rendering may legitimately produce. */
  private static final Set<Kind> TOLERATED = EnumSet.of(Kind.TRAILING_WHITESPACE, Kind.BLANK_LINE,
      Kind.FIELD_NAME_CASE, Kind.EMPTY_VALUE, Kind.DUPLICATE_FIELD, Kind.MX);

  @Test
  void neverThrowsOnArbitraryBytes() {
    Tries.run("neverThrowsOnArbitraryBytes", 300,
        r -> ParseChecks.parsePolicy(Tries.anyBytes(r, 300)));
  }

  @Test
  void neverThrowsOnGrammarLikeBytes() {
    Tries.run("neverThrowsOnGrammarLikeBytes", 500, r -> ParseChecks.parsePolicy(grammarLike(r)));
  }

  @Test
  void neverThrowsOnMutatedValidPolicies() {
    Tries.run("neverThrowsOnMutatedValidPolicies", 300, r -> {
      Policy policy = PolicyGenerators.policy(r);
      byte[] body = policy.toText().getBytes(StandardCharsets.US_ASCII);
      for (Edit edit : edits(r)) {
        body = edit.apply(body);
      }
      ParseChecks.parsePolicy(body);
    });
  }

  @Test
  void toTextParsesBackToAnEqualPolicy() {
    Tries.run("toTextParsesBackToAnEqualPolicy", 300, r -> {
      Policy policy = PolicyGenerators.policy(r);
      String text = policy.toText();
      ParseResult<Policy> result = ParseChecks.parsePolicy(bytes(text));
      assertEquals(policy, result.orElseThrow());
      assertTrue(result.warnings().stream().allMatch(w -> w.kind() == Kind.MX), result::toString);
      assertEquals(text, result.orElseThrow().toText());
    });
  }

  @Test
  void lfLineEndsParseBackToAnEqualPolicy() {
    Tries.run("lfLineEndsParseBackToAnEqualPolicy", 200, r -> {
      Policy policy = PolicyGenerators.policy(r);
      String text = policy.toText().replace("\r\n", "\n");
      ParseResult<Policy> result = ParseChecks.parsePolicy(bytes(text));
      assertEquals(policy, result.orElseThrow());
    });
  }

  @Test
  void trailingWhitespaceIsIgnoredWithAWarning() {
    Tries.run("trailingWhitespaceIsIgnoredWithAWarning", 200,
        r -> trailingWhitespaceIsIgnoredWithAWarning(PolicyGenerators.policy(r),
            Tries.oneOf(r, WHITESPACE)));
  }

  private static void trailingWhitespaceIsIgnoredWithAWarning(Policy policy, String trailing) {
    List<String> lines = policy.toLines();
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append(trailing).append("\r\n");
    }
    ParseResult<Policy> result = ParseChecks.parsePolicy(bytes(text.toString()));
    assertEquals(policy, result.orElseThrow());
    long warned = result.warnings().stream().filter(w -> w.kind() == Kind.TRAILING_WHITESPACE).count();
    assertEquals(lines.size(), warned, result::toString);
  }

  @Test
  void fieldOrderDoesNotMatterExceptAmongMx() {
    Tries.run("fieldOrderDoesNotMatterExceptAmongMx", 200, r -> {
      Policy policy = PolicyGenerators.policy(r);
      List<String> lines = new ArrayList<>(policy.toLines());
      Collections.shuffle(lines, r);
      ParseResult<Policy> result = ParseChecks.parsePolicy(bytes(String.join("\n", lines)));
      assertEquals(withMxInOrderOf(policy, lines), result.orElseThrow());
    });
  }

  /**
   * Any mix of the formatting the grammar (and the project's decisions) allow parses to the same
   * policy: LF or CRLF per line, optional final line end, whitespace after the colon, trailing
   * whitespace, leading zeros in max_age, upper-case letters in mx values, unknown fields (also ones
   * that differ from a known name only in case, and empty ones), blank lines, and any field order.
   */
  @Test
  void anyAllowedFormattingParsesBackToAnEqualPolicy() {
    Tries.run("anyAllowedFormattingParsesBackToAnEqualPolicy", 300, r -> {
      List<LineStyle> styles = new ArrayList<>(20);
      for (int i = 0; i < 20; i++) {
        styles.add(lineStyle(r));
      }
      anyAllowedFormattingParsesBackToAnEqualPolicy(PolicyGenerators.policy(r), extensions(r),
          styles, r.nextBoolean(), r);
    });
  }

  private static void anyAllowedFormattingParsesBackToAnEqualPolicy(Policy policy,
      List<String> extensions, List<LineStyle> styles, boolean finalLineEnd, Random random) {
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"version", Policy.VERSION});
    fields.add(new String[] {"mode", policy.mode().token()});
    for (MxPattern mx : policy.mx()) {
      fields.add(new String[] {"mx", mx.value()});
    }
    fields.add(new String[] {"max_age", Long.toString(policy.maxAge().getSeconds())});
    for (String extension : extensions) {
      int colon = extension.indexOf(':');
      fields.add(new String[] {extension.substring(0, colon), extension.substring(colon + 1)});
    }
    Collections.shuffle(fields, random);

    StringBuilder text = new StringBuilder();
    List<String> mxOrder = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i)[0];
      String value = fields.get(i)[1];
      LineStyle style = styles.get(i);
      if (name.equals("mx")) {
        mxOrder.add("mx: " + value);
        if (style.upperCase()) {
          value = value.toUpperCase(Locale.ROOT);
        }
      } else if (name.equals("max_age") && style.leadingZeros() > 0) {
        value = "0".repeat(Math.max(0, Math.min(style.leadingZeros(), 10 - value.length()))) + value;
      }
      if (i > 0 && !style.blankLineBefore().equals(NO_BLANK)) {
        // Blank lines are tolerated between and after fields, never before the first (docs/decisions.md, decision 4).
        text.append(style.blankLineBefore()).append(style.lineEnd());
      }
      text.append(name).append(':');
      if (!value.isEmpty()) {
        text.append(style.afterColon()).append(value).append(style.trailing());
      }
      if (i < fields.size() - 1 || finalLineEnd) {
        text.append(style.lineEnd());
      }
    }

    ParseResult<Policy> result = ParseChecks.parsePolicy(bytes(text.toString()));
    assertTrue(result.isValid(), () -> ParseChecks.escape(text.toString()) + " -> " + result);
    assertEquals(withMxInOrderOf(policy, mxOrder), result.orElseThrow(),
        () -> ParseChecks.escape(text.toString()));
    assertTrue(result.warnings().stream().allMatch(w -> TOLERATED.contains(w.kind())),
        result::toString);
  }

  /** How one line is written. */
  record LineStyle(String afterColon, String trailing, String lineEnd, boolean upperCase,
      int leadingZeros, String blankLineBefore) {}

  /** One byte-level change to a body. */
  record Edit(int op, int position, byte value) {
    byte[] apply(byte[] body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1);
      int at = body.length == 0 ? 0 : position % (body.length + 1);
      out.write(body, 0, at);
      switch (op) {
        case 0 -> { // insert
          out.write(value);
          out.write(body, at, body.length - at);
        }
        case 1 -> { // delete
          if (at < body.length) {
            out.write(body, at + 1, body.length - at - 1);
          }
        }
        default -> { // replace
          out.write(value);
          if (at < body.length) {
            out.write(body, at + 1, body.length - at - 1);
          }
        }
      }
      return out.toByteArray();
    }
  }

  private static byte[] grammarLike(Random r) {
    int n = r.nextInt(41);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(Tries.oneOf(r, TOKENS));
    }
    return bytesLatin1(sb.toString());
  }

  /** Bytes that matter to the grammar, and any byte. */
  private static final byte[] INTERESTING = {':', ' ', '\t', '\r', '\n', '.', '*', '-', '_', '0', 'A',
      0, 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xff};

  /** One to four edits. */
  private static List<Edit> edits(Random r) {
    int n = 1 + r.nextInt(4);
    List<Edit> edits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte value = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)]
          : (byte) r.nextInt(256);
      edits.add(new Edit(r.nextInt(3), r.nextInt(401), value));
    }
    return edits;
  }

  private static final List<String> WHITESPACE = List.of(" ", "\t", "  ", " \t", "\t\t ");

  private static final List<String> EXTENSIONS = List.of(
      "x-note:hello world", "comment:a: b: c", "foo_bar.baz:\u00e9t\u00e9", "Mode:enforce",
      "MX:evil.example", "VERSION:STSv2", "max_Age:1", "extra:", "0:0");

  /** Up to three extension fields. */
  private static List<String> extensions(Random r) {
    int n = r.nextInt(4);
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(Tries.oneOf(r, EXTENSIONS));
    }
    return list;
  }

  private static LineStyle lineStyle(Random r) {
    return new LineStyle(
        Tries.oneOf(r, List.of("", " ", "\t", "  ", " \t ")),
        Tries.oneOf(r, List.of("", "", "", " ", "\t", " \t")),
        Tries.oneOf(r, List.of("\r\n", "\n")),
        r.nextBoolean(),
        r.nextInt(4),
        Tries.oneOf(r, List.of(NO_BLANK, NO_BLANK, NO_BLANK, NO_BLANK, NO_BLANK, "", " ", "\t")));
  }

  private static Policy withMxInOrderOf(Policy policy, List<String> lines) {
    List<MxPattern> mx = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("mx: ")) {
        mx.add(MxPattern.of(line.substring(4)));
      }
    }
    return new Policy(policy.version(), policy.mode(), policy.maxAge(), mx);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytesLatin1(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
