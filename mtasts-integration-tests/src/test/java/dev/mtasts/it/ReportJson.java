package dev.mtasts.it;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON of a TLS-RPT report as it went out, field by field, independently of the report
 * classes: each entry of {@code policies} as its {@code policy} fields and its {@code
 * failure-details}.
 */
final class ReportJson {
  private static final JsonFactory JSON = new JsonFactory();

  /** One entry of {@code policies}: the scalar and array fields of {@code policy}, and the details. */
  record PolicyEntry(Map<String, Object> policy, List<Map<String, String>> failureDetails) {}

  private ReportJson() {}

  static List<PolicyEntry> policies(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      List<PolicyEntry> entries = new ArrayList<>();
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("policies")) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            entries.add(policyEntry(p));
          }
        } else {
          p.skipChildren();
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PolicyEntry policyEntry(JsonParser p) throws IOException {
    Map<String, Object> policy = new LinkedHashMap<>();
    List<Map<String, String>> details = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("policy")) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          if (p.nextToken() == JsonToken.START_ARRAY) {
            List<String> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              values.add(p.getText());
            }
            policy.put(field, values);
          } else {
            policy.put(field, p.getText());
          }
        }
      } else if (name.equals("failure-details")) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          Map<String, String> detail = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            detail.put(field, p.getText());
          }
          details.add(detail);
        }
      } else {
        p.skipChildren();
      }
    }
    return new PolicyEntry(policy, details);
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new IllegalArgumentException("expected " + expected + ", found " + actual);
    }
  }
}
