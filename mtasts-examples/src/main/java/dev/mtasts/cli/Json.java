package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.mtasts.policy.Problem;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the one-line JSON objects of {@code --json} output with jackson-core's streaming generator.
 *
 * <p>The output is pure printable ASCII: every non-ASCII character and every control character,
 * including DEL, is written as a {@code \}{@code uNNNN} escape. A JSON parser reads back exactly the
 * original text, and printing the output on a terminal cannot inject control sequences.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .characterEscapes(new AsciiOnly())
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build();

  /** Writes the fields of one object; the object's braces are written around it. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private Json() {}

  /**
   * Renders one JSON object on a single line, without a line end.
   *
   * @param body writes the fields
   * @return the object text
   */
  static String object(Body body) {
    StringWriter sw = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string", e);
    }
    return sw.toString();
  }

  /**
   * Writes a list of strings as {@code "name":[...]}.
   *
   * @param g the generator
   * @param name the field name
   * @param values the strings
   * @throws IOException never for a string target
   */
  static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /**
   * Writes a list of policy problems as {@code [{"line":N,"message":...}]}.
   *
   * @param g the generator
   * @param name the field name
   * @param problems the problems
   * @throws IOException never for a string target
   */
  static void policyProblems(JsonGenerator g, String name, List<Problem> problems)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (Problem p : problems) {
      g.writeStartObject();
      g.writeNumberField("line", p.line());
      g.writeStringField("message", p.message());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Writes a list of TXT answer problems as {@code [{"record":N,"position":N,"message":...}]}.
   *
   * @param g the generator
   * @param name the field name
   * @param problems the problems
   * @throws IOException never for a string target
   */
  static void recordProblems(JsonGenerator g, String name, List<Problem> problems)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (Problem p : problems) {
      g.writeStartObject();
      g.writeNumberField("record", p.line());
      g.writeNumberField("position", p.column());
      g.writeStringField("message", p.message());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** JSON's standard escapes plus DEL; non-ASCII is escaped by {@code ESCAPE_NON_ASCII}. */
  private static final class AsciiOnly extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    AsciiOnly() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }
}
