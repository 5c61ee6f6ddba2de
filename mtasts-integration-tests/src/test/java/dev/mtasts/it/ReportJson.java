package dev.mtasts.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON of a TLS-RPT report as it went out, with Jackson's tree and independently of the
 * report classes: each entry of {@code policies} as its {@code policy} fields and its {@code
 * failure-details}, values as text.
 */
final class ReportJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One entry of {@code policies}: the scalar and array fields of {@code policy}, and the details. */
  record PolicyEntry(Map<String, Object> policy, List<Map<String, String>> failureDetails) {}

  private ReportJson() {}

  static List<PolicyEntry> policies(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<PolicyEntry> entries = new ArrayList<>();
    for (JsonNode entry : root.path("policies")) {
      Map<String, Object> policy = new LinkedHashMap<>();
      entry.path("policy").properties().forEach(f -> policy.put(f.getKey(),
          f.getValue().isArray() ? texts(f.getValue()) : f.getValue().asText()));
      List<Map<String, String>> details = new ArrayList<>();
      for (JsonNode d : entry.path("failure-details")) {
        Map<String, String> detail = new LinkedHashMap<>();
        d.properties().forEach(f -> detail.put(f.getKey(), f.getValue().asText()));
        details.add(detail);
      }
      entries.add(new PolicyEntry(policy, details));
    }
    return entries;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
