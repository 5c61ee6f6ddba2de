package dev.mtasts.tlsrpt;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JSON Schema of an RFC 8460 section 4.4 report, in test resources. */
final class ReportSchema {
  private static final Schema SCHEMA = load();

  private ReportSchema() {}

  private static Schema load() {
    try (InputStream in = ReportSchema.class.getResourceAsStream("/tlsrpt/rfc8460-report.schema.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the schema violations of a JSON document; empty when it is valid. */
  static List<String> violations(byte[] json) {
    List<Error> errors = SCHEMA.validate(new String(json, StandardCharsets.UTF_8), InputFormat.JSON);
    return errors.stream().map(Error::toString).toList();
  }

  static byte[] resource(String name) {
    try (InputStream in = ReportSchema.class.getResourceAsStream("/tlsrpt/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
