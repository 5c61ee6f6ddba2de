package dev.mtasts.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.mtasts.tlsrpt.AppliedPolicy;
import dev.mtasts.tlsrpt.DailyCounts;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PendingReport;
import dev.mtasts.tlsrpt.PolicyResult;
import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.SessionFailure;
import dev.mtasts.tlsrpt.TlsRptReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of TLS-RPT: reports as RFC 8460 section 4.4 defines them (written with jackson-core's
 * streaming generator), and the collector's persisted counts and pending reports, which reuse the
 * report's {@code policies} entries.
 */
public final class TlsRptJson {
  /** The largest integer I-JSON carries exactly (RFC 7493 section 2.2). */
  public static final long MAX_INTEGER = (1L << 53) - 1;

  private static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private static final int FORMAT = 1;

  private TlsRptJson() {}

  /** Writes a JSON value. */
  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes a report.
   *
   * @param r the report
   * @return UTF-8 JSON
   */
  public static byte[] writeReport(TlsRptReport r) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("organization-name", clean(r.organizationName()));
      g.writeObjectFieldStart("date-range");
      g.writeStringField("start-datetime", DATE_TIME.format(r.startDatetime()));
      g.writeStringField("end-datetime", DATE_TIME.format(r.endDatetime()));
      g.writeEndObject();
      g.writeStringField("contact-info", clean(r.contactInfo()));
      g.writeStringField("report-id", clean(r.reportId()));
      g.writeArrayFieldStart("policies");
      for (PolicyResult p : r.policies()) {
        g.writeStartObject();
        writePolicyFields(g, p);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void writePolicyFields(JsonGenerator g, PolicyResult p) throws IOException {
    AppliedPolicy a = p.policy();
    g.writeObjectFieldStart("policy");
    g.writeStringField("policy-type", a.policyType().token());
    g.writeArrayFieldStart("policy-string");
    for (String s : a.policyString()) {
      g.writeString(clean(s));
    }
    g.writeEndArray();
    g.writeStringField("policy-domain", a.policyDomain());
    g.writeArrayFieldStart("mx-host");
    for (String s : a.mxHost()) {
      g.writeString(clean(s));
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeObjectFieldStart("summary");
    g.writeNumberField("total-successful-session-count", cap(p.totalSuccessfulSessionCount()));
    g.writeNumberField("total-failure-session-count", cap(p.totalFailureSessionCount()));
    g.writeEndObject();
    g.writeArrayFieldStart("failure-details");
    for (FailureDetail d : p.failureDetails()) {
      SessionFailure f = d.failure();
      g.writeStartObject();
      g.writeStringField("result-type", f.resultType().token());
      if (f.sendingMtaIp().isPresent()) {
        g.writeStringField("sending-mta-ip", clean(f.sendingMtaIp().get()));
      }
      g.writeStringField("receiving-mx-hostname", clean(f.receivingMxHostname()));
      if (f.receivingMxHelo().isPresent()) {
        g.writeStringField("receiving-mx-helo", clean(f.receivingMxHelo().get()));
      }
      if (f.receivingIp().isPresent()) {
        g.writeStringField("receiving-ip", clean(f.receivingIp().get()));
      }
      g.writeNumberField("failed-session-count", cap(d.failedSessionCount()));
      if (d.additionalInformation().isPresent()) {
        g.writeStringField("additional-information",
            clean(d.additionalInformation().get().toASCIIString()));
      }
      if (f.failureReasonCode().isPresent()) {
        g.writeStringField("failure-reason-code", clean(f.failureReasonCode().get()));
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Writes the collector's counts.
   *
   * @param counts the counts
   * @return UTF-8 JSON
   */
  public static byte[] writeCounts(List<DailyCounts> counts) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("format", FORMAT);
      g.writeArrayFieldStart("counts");
      for (DailyCounts c : counts) {
        g.writeStartObject();
        g.writeStringField("day", c.day().toString());
        writePolicyFields(g, c.result());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * Writes pending reports.
   *
   * @param pending the reports
   * @return UTF-8 JSON
   */
  public static byte[] writePending(List<PendingReport> pending) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("format", FORMAT);
      g.writeArrayFieldStart("pending");
      for (PendingReport p : pending) {
        g.writeStartObject();
        g.writeStringField("report-id", p.reportId());
        g.writeStringField("policy-domain", p.policyDomain());
        g.writeStringField("submitter", p.submitter());
        g.writeStringField("day", p.day().toString());
        g.writeStringField("file-name", p.fileName());
        g.writeStringField("destination", p.destination().toASCIIString());
        g.writeStringField("created", p.created().toString());
        g.writeStringField("next-attempt", p.nextAttempt().toString());
        g.writeNumberField("attempts", p.attempts());
        g.writeStringField("gzip", Base64.getEncoder().encodeToString(p.gzip()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * Reads a report.
   *
   * @param json UTF-8 JSON
   * @return the report
   * @throws IllegalArgumentException when the JSON is not a report
   */
  public static TlsRptReport readReport(byte[] json) {
    try {
      Map<String, Object> o = object(read(json), "report");
      Map<String, Object> range = object(o.get("date-range"), "date-range");
      List<PolicyResult> policies = new ArrayList<>();
      for (Object p : array(o.get("policies"), "policies")) {
        policies.add(readPolicyResult(object(p, "policies entry")));
      }
      return new TlsRptReport(string(o, "organization-name"),
          OffsetDateTime.parse(string(range, "start-datetime")).toInstant(),
          OffsetDateTime.parse(string(range, "end-datetime")).toInstant(),
          string(o, "contact-info"), string(o, "report-id"), policies);
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae
          : new IllegalArgumentException("not a TLS-RPT report: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the collector's counts.
   *
   * @param json UTF-8 JSON
   * @return the counts
   * @throws IllegalArgumentException when the JSON is not what {@link #writeCounts(List)} writes
   */
  public static List<DailyCounts> readCounts(byte[] json) {
    try {
      Map<String, Object> o = object(read(json), "counts file");
      checkFormat(o);
      List<DailyCounts> out = new ArrayList<>();
      for (Object c : array(o.get("counts"), "counts")) {
        Map<String, Object> m = object(c, "counts entry");
        out.add(new DailyCounts(LocalDate.parse(string(m, "day")), readPolicyResult(m)));
      }
      return out;
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae
          : new IllegalArgumentException("not a counts file: " + e.getMessage(), e);
    }
  }

  /**
   * Reads pending reports.
   *
   * @param json UTF-8 JSON
   * @return the reports
   * @throws IllegalArgumentException when the JSON is not what {@link #writePending(List)} writes
   */
  public static List<PendingReport> readPending(byte[] json) {
    try {
      Map<String, Object> o = object(read(json), "pending file");
      checkFormat(o);
      List<PendingReport> out = new ArrayList<>();
      for (Object c : array(o.get("pending"), "pending")) {
        Map<String, Object> m = object(c, "pending entry");
        out.add(new PendingReport(string(m, "report-id"), string(m, "policy-domain"),
            string(m, "submitter"), LocalDate.parse(string(m, "day")), string(m, "file-name"),
            Base64.getDecoder().decode(string(m, "gzip")), new URI(string(m, "destination")),
            Instant.parse(string(m, "created")), Instant.parse(string(m, "next-attempt")),
            (int) number(m, "attempts")));
      }
      return out;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("bad destination in pending file", e);
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae
          : new IllegalArgumentException("not a pending file: " + e.getMessage(), e);
    }
  }

  private static void checkFormat(Map<String, Object> o) {
    if (number(o, "format") != FORMAT) {
      throw new IllegalArgumentException("unknown format " + o.get("format"));
    }
  }

  private static PolicyResult readPolicyResult(Map<String, Object> m) {
    Map<String, Object> p = object(m.get("policy"), "policy");
    PolicyType type = PolicyType.fromToken(string(p, "policy-type"))
        .orElseThrow(() -> new IllegalArgumentException("unknown policy-type"));
    AppliedPolicy applied = new AppliedPolicy(type, strings(p.get("policy-string")),
        string(p, "policy-domain"), strings(p.get("mx-host")));
    Map<String, Object> summary = object(m.get("summary"), "summary");
    List<FailureDetail> details = new ArrayList<>();
    Object fd = m.get("failure-details");
    for (Object d : fd == null ? List.of() : array(fd, "failure-details")) {
      Map<String, Object> f = object(d, "failure-details entry");
      Optional<ResultType> resultType = ResultType.fromToken(string(f, "result-type"));
      if (resultType.isEmpty()) {
        continue;
      }
      SessionFailure failure = new SessionFailure(resultType.get(),
          optional(f, "failure-reason-code"), string(f, "receiving-mx-hostname"),
          optional(f, "sending-mta-ip"), optional(f, "receiving-ip"),
          optional(f, "receiving-mx-helo"));
      details.add(new FailureDetail(failure, number(f, "failed-session-count"),
          optional(f, "additional-information").map(URI::create)));
    }
    return new PolicyResult(applied, number(summary, "total-successful-session-count"),
        number(summary, "total-failure-session-count"), details);
  }

  private static Object read(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      p.nextToken();
      Object value = value(p, 0);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing data after the JSON value");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
  }

  private static Object value(JsonParser p, int depth) throws IOException {
    if (depth > 16) {
      throw new IllegalArgumentException("JSON nested too deeply");
    }
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IllegalArgumentException("no JSON value");
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p, depth + 1));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p, depth + 1));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return t == JsonToken.VALUE_TRUE;
      }
      default -> {
        return null;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(what + " is not a JSON object");
  }

  private static List<?> array(Object o, String what) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(what + " is not a JSON array");
  }

  private static String string(Map<String, Object> m, String name) {
    if (m.get(name) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("'" + name + "' is missing or not a string");
  }

  private static Optional<String> optional(Map<String, Object> m, String name) {
    return m.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  private static long number(Map<String, Object> m, String name) {
    if (m.get(name) instanceof Long l && l >= 0) {
      return l;
    }
    throw new IllegalArgumentException("'" + name + "' is missing or not a non-negative integer");
  }

  /** A string array, or a bare string read as one element (RFC 8460 erratum 6241). */
  private static List<String> strings(Object o) {
    if (o == null) {
      return List.of();
    }
    if (o instanceof String s) {
      return List.of(s);
    }
    List<String> out = new ArrayList<>();
    for (Object e : array(o, "string array")) {
      if (e instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  private static long cap(long n) {
    return Math.min(n, MAX_INTEGER);
  }

  /**
   * Makes text fit for I-JSON (RFC 7493 section 2.1): lone surrogates and noncharacters become
   * U+FFFD.
   *
   * @param s the text
   * @return the text, the same instance when nothing had to change
   */
  public static String clean(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c) || (c >= 0xFDD0 && c <= 0xFDEF) || c >= 0xFFFE) {
        return cleanSlow(s);
      }
    }
    return s;
  }

  private static String cleanSlow(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      boolean bad = (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xFDD0 && cp <= 0xFDEF)
          || (cp & 0xFFFE) == 0xFFFE;
      if (bad) {
        sb.append('\uFFFD');
      } else {
        sb.appendCodePoint(cp);
      }
      i += len;
    }
    return sb.toString();
  }
}
