package dev.mtasts.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in-process with captured streams. */
final class Cli {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Cli() {}

  /** What one run produced. */
  record Run(int exitCode, String out, String err) {
    /** Standard output split into lines (without line ends). */
    List<String> lines() {
      return out.lines().toList();
    }

    /** Parses each line of standard output as one JSON object. */
    List<JsonNode> json() {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : lines()) {
        try {
          JsonNode node = MAPPER.readTree(line);
          if (!node.isObject()) {
            throw new AssertionError("not a JSON object: " + line);
          }
          nodes.add(node);
        } catch (IOException e) {
          throw new UncheckedIOException("not JSON: " + line, e);
        }
      }
      return nodes;
    }
  }

  static Run run(String... args) {
    return run(new ByteArrayInputStream(new byte[0]), args);
  }

  static Run runWithStdin(byte[] stdin, String... args) {
    return run(new ByteArrayInputStream(stdin), args);
  }

  static Run run(InputStream stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, stdin, out, err);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The names of an object's fields, in order. */
  static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      keys.add(e.getKey());
    }
    return keys;
  }
}
