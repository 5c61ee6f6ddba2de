package dev.mtasts.policy;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the conformance cases in {@code src/test/resources/conformance}; the file format is described
 * in the README there.
 */
class ConformanceTest {
  private static final int MIN_CASES = 100;
  private static final Set<String> NOT_CASES = Set.of("README.md", ".gitattributes");
  private static final Pattern NAME = Pattern.compile(
      "(?:8461-\\d+(?:\\.\\d+)*|6125-\\d+(?:\\.\\d+)*|decision-\\d+)-[a-z0-9]+(?:-[a-z0-9]+)*"
          + "\\.(?:policy|record|mx)");
  private static final byte[] SEPARATOR = "---\n".getBytes(StandardCharsets.US_ASCII);

  static Path folder() {
    URL url = ConformanceTest.class.getClassLoader().getResource("conformance");
    if (url == null) {
      throw new IllegalStateException("conformance folder not on the test class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> caseFiles() {
    try (Stream<Path> s = Files.list(folder())) {
      return s.filter(p -> !NOT_CASES.contains(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Path> cases() {
    return caseFiles().stream();
  }

  @Test
  void suiteHasEnoughCases() {
    int n = caseFiles().size();
    assertTrue(n >= MIN_CASES, "only " + n + " conformance cases; expected at least " + MIN_CASES);
  }

  @Test
  void everyFileIsACase() {
    for (Path p : caseFiles()) {
      assertTrue(Files.isRegularFile(p), p + " is not a file");
      assertTrue(NAME.matcher(p.getFileName().toString()).matches(),
          p.getFileName() + ": not <section>-<slug>.(policy|record|mx)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void conforms(Path file) throws IOException {
    String name = file.getFileName().toString();
    assertTrue(NAME.matcher(name).matches(), name + ": bad case file name");
    Case c = Case.read(Files.readAllBytes(file), name);
    if (name.endsWith(".policy")) {
      policyCase(c);
    } else if (name.endsWith(".record")) {
      recordCase(c);
    } else {
      mxCase(c);
    }
    c.assertAllUsed();
  }

  // ------------------------------------------------------------------------------------------ policy

  private static void policyCase(Case c) {
    c.allow("description", "expect", "mode", "max_age", "mx", "permits", "denies", "generate",
        "error-kind", "error-line", "error-column", "error-count",
        "warning-kind", "warning-line", "warning-column", "warning-count");
    c.require("description");
    boolean valid = c.expectValid();
    byte[] body = c.input;
    Optional<String> gen = c.one("generate");
    if (gen.isPresent()) {
      body = generate(c, gen.get());
    }
    ParseResult<Policy> r = Policy.parse(body);
    String text = strictUtf8(body);
    if (text != null) {
      assertEquals(r, Policy.parse(text), c.name + ": parse(String) and parse(byte[]) differ");
    }
    if (valid) {
      assertInstanceOf(ParseResult.Valid.class, r,
          () -> c.name + ": expected valid, got errors " + r.errors());
      Policy p = r.orElseThrow();
      c.one("mode").ifPresent(m -> assertEquals(m, p.mode().token(), c.name + ": mode"));
      c.one("max_age").ifPresent(
          a -> assertEquals(Duration.ofSeconds(Long.parseLong(a)), p.maxAge(), c.name + ": max_age"));
      c.one("mx").ifPresent(m -> assertEquals(words(m),
          p.mx().stream().map(MxPattern::value).toList(), c.name + ": mx"));
      c.one("permits").ifPresent(hs -> words(hs).forEach(
          h -> assertTrue(p.permits(h), c.name + ": should permit " + h)));
      c.one("denies").ifPresent(hs -> words(hs).forEach(
          h -> assertFalse(p.permits(h), c.name + ": should deny " + h)));
      ParseResult<Policy> again = Policy.parse(p.toText());
      assertEquals(Optional.of(p), again.value(), c.name + ": toText() does not parse back");
      Set<Problem.Kind> kinds = r.warnings().stream().map(Problem::kind).collect(toSet());
      assertTrue(again.warnings().stream().allMatch(w -> kinds.contains(w.kind())),
          c.name + ": toText() adds warnings " + again.warnings());
    } else {
      for (String k : List.of("mode", "max_age", "mx", "permits", "denies")) {
        assertTrue(c.all(k).isEmpty(), c.name + ": '" + k + "' makes no sense for an invalid case");
      }
      assertInstanceOf(ParseResult.Invalid.class, r,
          () -> c.name + ": expected invalid, got " + r.value().orElse(null));
    }
    c.checkProblems(r);
  }

  private static byte[] generate(Case c, String how) {
    String[] w = how.split(" ");
    if (w.length != 2 || !w[0].equals("pad-to")) {
      fail(c.name + ": unknown generate instruction '" + how + "'");
    }
    int size = Integer.parseInt(w[1]);
    byte[] head = c.input;
    byte[] prefix = "pad: ".getBytes(StandardCharsets.US_ASCII);
    int fill = size - head.length - prefix.length - 1;
    if (fill < 1 || head.length == 0 || head[head.length - 1] != '\n') {
      fail(c.name + ": cannot pad " + head.length + " bytes to " + size);
    }
    byte[] out = Arrays.copyOf(head, size);
    System.arraycopy(prefix, 0, out, head.length, prefix.length);
    Arrays.fill(out, head.length + prefix.length, size - 1, (byte) 'p');
    out[size - 1] = '\n';
    return out;
  }

  // ------------------------------------------------------------------------------------------ record

  private static void recordCase(Case c) {
    c.allow("description", "expect", "id", "extensions",
        "error-kind", "error-line", "error-column", "error-count",
        "warning-kind", "warning-line", "warning-column", "warning-count");
    c.require("description");
    boolean valid = c.expectValid();
    String text = strictUtf8(c.input);
    if (text == null) {
      fail(c.name + ": the records are not valid UTF-8");
    }
    List<String> answer = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        answer.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      answer.add(text.substring(start));
    }
    ParseResult<StsRecord> r = StsRecord.parse(answer);
    if (answer.size() == 1) {
      assertEquals(r, StsRecord.parse(answer.get(0)), c.name + ": parse(String) and parse(List) differ");
    }
    if (valid) {
      assertInstanceOf(ParseResult.Valid.class, r,
          () -> c.name + ": expected valid, got errors " + r.errors());
      StsRecord rec = r.orElseThrow();
      c.one("id").ifPresent(id -> assertEquals(id, rec.id(), c.name + ": id"));
      c.one("extensions").ifPresent(e -> {
        Map<String, String> want = new LinkedHashMap<>();
        for (String kv : words(e)) {
          int eq = kv.indexOf('=');
          want.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        assertEquals(List.copyOf(want.entrySet()), List.copyOf(rec.extensions().entrySet()),
            c.name + ": extensions (in order)");
      });
      assertEquals(new ParseResult.Valid<>(rec, List.of()), StsRecord.parse(rec.toText()),
          c.name + ": toText() does not parse back to the same record");
    } else {
      assertTrue(c.all("id").isEmpty() && c.all("extensions").isEmpty(),
          c.name + ": id/extensions make no sense for an invalid case");
      assertInstanceOf(ParseResult.Invalid.class, r,
          () -> c.name + ": expected invalid, got " + r.value().orElse(null));
    }
    c.checkProblems(r);
  }

  // ------------------------------------------------------------------------------------------ mx

  private static void mxCase(Case c) {
    c.allow("description", "pattern", "matches", "expect");
    c.require("description");
    String pattern = c.one("pattern").orElseGet(() -> fail(c.name + ": no pattern"));
    String host = strictUtf8(c.input);
    if (host == null) {
      fail(c.name + ": the host is not valid UTF-8");
    }
    if (host.endsWith("\n")) {
      host = host.substring(0, host.length() - 1);
    }
    assertFalse(host.contains("\n"), c.name + ": one host per case");
    Optional<String> expect = c.one("expect");
    if (expect.isPresent()) {
      assertEquals("invalid", expect.get(), c.name + ": expect must be 'invalid' in an .mx case");
      assertTrue(c.all("matches").isEmpty(), c.name + ": 'matches' makes no sense for an invalid pattern");
      assertThrows(IllegalArgumentException.class, () -> MxPattern.of(pattern),
          c.name + ": pattern should be rejected");
      ParseResult<Policy> r = Policy.parse(
          "version: STSv1\nmode: enforce\nmx: " + pattern + "\nmax_age: 86400\n");
      assertInstanceOf(ParseResult.Invalid.class, r, c.name + ": a policy with this mx is valid");
      assertEquals(List.of(Problem.Kind.MX),
          r.errors().stream().map(Problem::kind).toList(), c.name + ": policy errors");
      return;
    }
    String m = c.one("matches").orElseGet(() -> fail(c.name + ": no 'matches'"));
    if (!m.equals("true") && !m.equals("false")) {
      fail(c.name + ": matches must be true or false");
    }
    boolean want = m.equals("true");
    MxPattern p = MxPattern.of(pattern);
    assertEquals(want, p.matches(host), c.name + ": MxPattern.matches");
    Policy policy = Policy.of(Mode.ENFORCE, Duration.ofDays(1), List.of(p));
    assertEquals(want, policy.permits(host), c.name + ": Policy.permits");
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static List<Problem> concat(List<Problem> a, List<Problem> b) {
    List<Problem> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : List.of(s.trim().split(" +"));
  }

  /** Decodes bytes as UTF-8, or returns null when they are not valid UTF-8. */
  static String strictUtf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** A parsed case file: header entries in order, and the raw input. */
  private static final class Case {
    final String name;
    final List<String[]> header = new ArrayList<>();
    final byte[] input;
    private final List<String> used = new ArrayList<>();

    private Case(String name, byte[] input) {
      this.name = name;
      this.input = input;
    }

    static Case read(byte[] file, String name) {
      int sep = -1;
      int lineStart = 0;
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < file.length; i++) {
        if (file[i] != '\n') {
          continue;
        }
        if (i - lineStart + 1 == SEPARATOR.length
            && Arrays.equals(file, lineStart, i + 1, SEPARATOR, 0, SEPARATOR.length)) {
          sep = i + 1;
          break;
        }
        String line = strictUtf8(Arrays.copyOfRange(file, lineStart, i));
        if (line == null) {
          fail(name + ": header line is not UTF-8");
        }
        lines.add(line);
        lineStart = i + 1;
      }
      if (sep < 0) {
        fail(name + ": no '---' separator line");
      }
      Case c = new Case(name, Arrays.copyOfRange(file, sep, file.length));
      for (String line : lines) {
        if (!line.startsWith("# ") || line.indexOf(':') < 0) {
          fail(name + ": header line is not '# key: value': " + line);
        }
        int colon = line.indexOf(':');
        String key = line.substring(2, colon);
        if (!key.matches("[a-z_-]+")) {
          fail(name + ": bad header key '" + key + "'");
        }
        c.header.add(new String[] {key, line.substring(colon + 1).trim()});
      }
      return c;
    }

    void allow(String... keys) {
      List<String> ok = List.of(keys);
      for (String[] kv : header) {
        if (!ok.contains(kv[0])) {
          fail(name + ": unknown header key '" + kv[0] + "'");
        }
      }
    }

    void require(String key) {
      if (all(key).isEmpty()) {
        fail(name + ": missing header '" + key + "'");
      }
    }

    boolean expectValid() {
      String e = one("expect").orElseGet(() -> fail(name + ": missing 'expect'"));
      if (!e.equals("valid") && !e.equals("invalid")) {
        fail(name + ": expect must be valid or invalid, not " + e);
      }
      return e.equals("valid");
    }

    List<String> all(String key) {
      used.add(key);
      return header.stream().filter(kv -> kv[0].equals(key)).map(kv -> kv[1]).toList();
    }

    Optional<String> one(String key) {
      List<String> v = all(key);
      if (v.size() > 1) {
        fail(name + ": header '" + key + "' given more than once");
      }
      return v.stream().findFirst();
    }

    void assertAllUsed() {
      for (String[] kv : header) {
        if (!used.contains(kv[0])) {
          fail(name + ": header '" + kv[0] + "' was not checked");
        }
      }
    }

    void checkProblems(ParseResult<?> r) {
      used.addAll(List.of("error-kind", "error-line", "error-column", "error-count",
          "warning-kind", "warning-line", "warning-column", "warning-count"));
      List<Expected> errors = expected("error");
      List<Expected> warnings = expected("warning");
      if (!r.isValid() && errors.isEmpty()) {
        fail(name + ": an invalid case must name at least one error-kind");
      }
      for (Problem p : concat(r.errors(), r.warnings())) {
        assertTrue(p.message().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f),
            name + ": message is not printable ASCII: " + p.message());
      }
      match("error", errors, count("error-count", errors.size()), r.errors());
      match("warning", warnings, count("warning-count", warnings.size()), r.warnings());
    }

    private int count(String key, int dflt) {
      return header.stream().filter(kv -> kv[0].equals(key)).map(kv -> Integer.parseInt(kv[1]))
          .reduce((a, b) -> fail(name + ": " + key + " given twice")).orElse(dflt);
    }

    private List<Expected> expected(String prefix) {
      List<Expected> out = new ArrayList<>();
      for (String[] kv : header) {
        if (kv[0].equals(prefix + "-kind")) {
          Problem.Kind k;
          try {
            k = Problem.Kind.valueOf(kv[1]);
          } catch (IllegalArgumentException e) {
            return fail(name + ": unknown problem kind " + kv[1]);
          }
          out.add(new Expected(k));
        } else if (kv[0].equals(prefix + "-line") || kv[0].equals(prefix + "-column")) {
          if (out.isEmpty()) {
            fail(name + ": " + kv[0] + " before any " + prefix + "-kind");
          }
          Expected last = out.get(out.size() - 1);
          int v = Integer.parseInt(kv[1]);
          if (kv[0].endsWith("line")) {
            last.line = v;
          } else {
            last.column = v;
          }
        }
      }
      return out;
    }

    private void match(String what, List<Expected> want, int count, List<Problem> actual) {
      List<Problem> left = new ArrayList<>(actual);
      for (Expected e : want) {
        Problem hit = left.stream().filter(e::matches).findFirst().orElse(null);
        if (hit == null) {
          fail(name + ": no " + what + " " + e + " among " + actual);
        }
        left.remove(hit);
      }
      assertEquals(count, actual.size(), name + ": number of " + what + "s in " + actual);
    }
  }

  private static final class Expected {
    final Problem.Kind kind;
    Integer line;
    Integer column;

    Expected(Problem.Kind kind) {
      this.kind = kind;
    }

    boolean matches(Problem p) {
      return p.kind() == kind && (line == null || p.line() == line)
          && (column == null || p.column() == column);
    }

    @Override
    public String toString() {
      return kind + (line == null ? "" : " line " + line) + (column == null ? "" : " column " + column);
    }
  }
}
