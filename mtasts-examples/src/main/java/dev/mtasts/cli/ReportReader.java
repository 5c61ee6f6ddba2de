package dev.mtasts.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.mtasts.policy.HostName;
import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.TlsRptReportWriter;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Reads received TLS-RPT reports (RFC 8460) from the bytes of one file: a {@code .json} report, a
 * {@code .json.gz} report, or an RFC 5322 message with reports attached as {@code
 * application/tlsrpt+gzip} or {@code application/tlsrpt+json} parts (anywhere in its MIME tree, also
 * inside a forwarded {@code message/rfc822}). The kind is told by the content, not by the name.
 *
 * <p>The JSON must be what RFC 8460 section 4.4 defines, as I-JSON (UTF-8, no duplicate member
 * names, integers up to 2^53-1). Accepted because the RFC or its errata allow them: {@code mx-host}
 * and {@code policy-string} as a bare string (erratum 6241 and the section 4 prose), an {@code
 * end-datetime} at midnight after the day (section 4.4's "00:00-24:00"), lower-case {@code t} and
 * {@code z} and fractional seconds in date-times (RFC 3339 section 5.6), no {@code failure-details},
 * {@code policy-string} or {@code mx-host}, failure details without {@code receiving-mx-hostname},
 * addresses, EHLO name, reason code or additional information, result types registered after RFC
 * 8460, and unknown members. Everything else that is wrong is an error naming the member.
 */
final class ReportReader {
  /** The largest decompressed report accepted, in bytes. */
  static final int MAX_JSON_BYTES = 16 * 1024 * 1024;

  /** The deepest MIME nesting followed (multiparts and forwarded messages). */
  private static final int MAX_MIME_DEPTH = 8;

  /** The deepest JSON nesting accepted; a report needs 5. */
  private static final int MAX_JSON_DEPTH = 16;

  private static final long MAX_INTEGER = (1L << 53) - 1;

  private static final JsonFactory JSON = new JsonFactoryBuilder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_JSON_DEPTH)
          .maxStringLength(MAX_JSON_BYTES)
          .build())
      .build();

  private static final Pattern DATE_TIME = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})?");

  /** A result type registered later has the shape of the RFC's: lower case, digits, hyphens. */
  private static final Pattern RESULT_TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /** A header field line: a field name (printable ASCII but colon) and a colon (RFC 5322 3.6.8). */
  private static final Pattern HEADER_LINE = Pattern.compile("[!-9;-~]+[ \t]*:.*");

  /** Why a file holds no report that can be counted; the message is for people. */
  static final class NotAReportException extends Exception {
    private static final long serialVersionUID = 1L;

    NotAReportException(String message) {
      super(message);
    }
  }

  /** An input is larger than its cap; the message is for people. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  /** Only for parsing: no transport or store is ever used. */
  private static final Session SESSION = Session.getInstance(new Properties());

  /** Marks a JSON {@code null}, so that it differs from a missing member. */
  private static final Object NULL = new Object();

  private ReportReader() {}

  /**
   * Reads the reports a file holds.
   *
   * @param bytes the whole file
   * @return its reports, at least one
   * @throws NotAReportException when the file is not a report or holds no valid one
   */
  static List<ReceivedReport> read(byte[] bytes) throws NotAReportException {
    if (isGzip(bytes)) {
      return List.of(json(gunzip(bytes)));
    }
    if (bytes.length >= 2 && (bytes[0] == 0 || bytes[1] == 0 || (bytes[0] & 0xff) >= 0xfe)) {
      throw new NotAReportException("text in UTF-16 or UTF-32: reports are UTF-8 JSON (I-JSON,"
          + " RFC 7493 section 2.1)");
    }
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      throw new NotAReportException("the file starts with a byte order mark, which JSON texts"
          + " must not have (RFC 8259 section 8.1)");
    }
    int first = firstNonSpace(bytes);
    if (first < 0) {
      throw new NotAReportException("the file is empty");
    }
    if (bytes[first] == '{' || bytes[first] == '[') {
      return List.of(json(bytes));
    }
    if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
      throw new NotAReportException("a zip archive: TLS-RPT reports are JSON, or JSON in gzip"
          + " (RFC 8460 section 5.1)");
    }
    String firstLine = firstLine(bytes);
    if (firstLine.startsWith("From ")) {
      throw new NotAReportException("an mbox file: give each message as a file of its own (for"
          + " example a maildir)");
    }
    if (HEADER_LINE.matcher(firstLine).matches()) {
      return message(bytes);
    }
    throw new NotAReportException("not a TLS-RPT report: neither JSON, gzip nor an email"
        + " message");
  }

  /**
   * Reads a stream to its end, but never more than a cap.
   *
   * @param in the stream
   * @param cap the most bytes accepted
   * @param what what is read, for the message
   * @return the bytes
   * @throws TooLargeException when the stream holds more than {@code cap} bytes
   * @throws IOException when reading fails
   */
  static byte[] readCapped(InputStream in, int cap, String what)
      throws IOException, TooLargeException {
    byte[] bytes = in.readNBytes(cap + 1);
    if (bytes.length > cap) {
      throw new TooLargeException(what + " is larger than " + (cap / (1024 * 1024)) + " MiB");
    }
    return bytes;
  }

  // ------------------------------------------------------------------ containers

  private static boolean isGzip(byte[] b) {
    return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
  }

  private static int firstNonSpace(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String firstLine(byte[] b) {
    int end = 0;
    while (end < b.length && end < 1000 && b[end] != '\n' && b[end] != '\r') {
      end++;
    }
    return new String(b, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static byte[] gunzip(byte[] gz) throws NotAReportException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return readCapped(in, MAX_JSON_BYTES, "the decompressed report");
    } catch (TooLargeException e) {
      throw new NotAReportException(e.getMessage());
    } catch (ZipException e) {
      throw new NotAReportException("broken gzip data: " + e.getMessage());
    } catch (IOException e) {
      throw new NotAReportException("broken gzip data: " + (e.getMessage() == null
          ? "it ends too early" : e.getMessage()));
    }
  }

  private static List<ReceivedReport> message(byte[] bytes) throws NotAReportException {
    Session session = SESSION;
    List<String> seen = new ArrayList<>();
    List<ReceivedReport> reports = new ArrayList<>();
    try {
      walk(session, new MimeMessage(session, new ByteArrayInputStream(bytes)), 0, seen, reports);
    } catch (MessagingException | IOException e) {
      throw new NotAReportException("a broken email message: " + e.getMessage());
    }
    if (reports.isEmpty()) {
      throw new NotAReportException("an email message without a TLS-RPT report: no "
          + TlsRptReportWriter.GZIP_MEDIA_TYPE + " or " + TlsRptReportWriter.JSON_MEDIA_TYPE
          + " part (RFC 8460 section 5.3); its parts: " + String.join(", ", seen));
    }
    return reports;
  }

  private static void walk(Session session, Part part, int depth, List<String> seen,
      List<ReceivedReport> reports) throws MessagingException, IOException, NotAReportException {
    if (depth > MAX_MIME_DEPTH) {
      throw new NotAReportException("an email message nested more than " + MAX_MIME_DEPTH
          + " levels deep");
    }
    String type;
    try {
      type = new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
    } catch (ParseException e) {
      throw new NotAReportException("an email message with a broken Content-Type: "
          + part.getContentType());
    }
    seen.add(type);
    if (type.startsWith("multipart/")) {
      MimeMultipart multipart = new StrictMultipart(new MimePartDataSource((MimePart) part));
      for (int i = 0; i < multipart.getCount(); i++) {
        walk(session, multipart.getBodyPart(i), depth + 1, seen, reports);
      }
    } else if (type.equals("message/rfc822")) {
      try (InputStream in = part.getInputStream()) {
        walk(session, new MimeMessage(session, in), depth + 1, seen, reports);
      }
    } else if (type.equals(TlsRptReportWriter.GZIP_MEDIA_TYPE)
        || type.equals(TlsRptReportWriter.JSON_MEDIA_TYPE)) {
      byte[] body;
      try (InputStream in = part.getInputStream()) {
        body = readCapped(in, MAX_JSON_BYTES, "the report attachment");
      } catch (TooLargeException e) {
        throw new NotAReportException(e.getMessage());
      }
      boolean gzip = type.equals(TlsRptReportWriter.GZIP_MEDIA_TYPE);
      if (gzip && !isGzip(body)) {
        throw new NotAReportException("the " + type + " part is not gzip data");
      }
      reports.add(json(gzip ? gunzip(body) : body));
    }
  }

  /**
   * A multipart that must be whole: a boundary parameter, at least one part, and the closing
   * boundary (RFC 2046 section 5.1.1). Jakarta Mail tolerates their absence by default, and reads
   * these switches from system properties, which would change them for the whole JVM.
   */
  private static final class StrictMultipart extends MimeMultipart {
    StrictMultipart(DataSource source) throws MessagingException {
      super(source);
    }

    @Override
    protected void initializeProperties() {
      super.initializeProperties();
      ignoreMissingEndBoundary = false;
      ignoreMissingBoundaryParameter = false;
      allowEmpty = false;
    }
  }

  // ------------------------------------------------------------------ the report JSON

  private static ReceivedReport json(byte[] bytes) throws NotAReportException {
    if (bytes.length >= 2 && (bytes[0] == 0 || bytes[1] == 0 || (bytes[0] & 0xff) >= 0xef)) {
      throw new NotAReportException("the report is not UTF-8 JSON without a byte order mark"
          + " (I-JSON, RFC 7493 section 2.1)");
    }
    Object tree;
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() == null) {
        throw new NotAReportException("the report is empty");
      }
      tree = value(p);
      if (p.nextToken() != null) {
        throw new NotAReportException("not valid JSON: more data after the report object");
      }
    } catch (JsonProcessingException e) {
      throw new NotAReportException("not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      throw new NotAReportException("not valid JSON: " + e.getMessage());
    }
    return report(tree);
  }

  private static Object value(JsonParser p) throws IOException, NotAReportException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getBigIntegerValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDecimalValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return t == JsonToken.VALUE_TRUE;
      }
      case VALUE_NULL -> {
        return NULL;
      }
      default -> throw new NotAReportException("not valid JSON: unexpected " + t);
    }
  }

  private static ReceivedReport report(Object tree) throws NotAReportException {
    Map<String, Object> o = object(tree, "the report");
    String organization = string(o, "organization-name", "");
    String contact = string(o, "contact-info", "");
    String reportId = string(o, "report-id", "");
    Map<String, Object> range = object(required(o, "date-range", ""), "date-range");
    Instant start = dateTime(range, "start-datetime", "date-range.");
    Instant end = dateTime(range, "end-datetime", "date-range.");
    if (end.isBefore(start)) {
      throw new NotAReportException("date-range.end-datetime is before start-datetime");
    }
    List<?> policies = array(required(o, "policies", ""), "policies");
    List<ReceivedReport.Entry> entries = new ArrayList<>(policies.size());
    for (int i = 0; i < policies.size(); i++) {
      entries.add(entry(object(policies.get(i), "policies[" + i + "]"), "policies[" + i + "]."));
    }
    return new ReceivedReport(organization, contact, reportId, start, end, entries);
  }

  private static ReceivedReport.Entry entry(Map<String, Object> m, String at)
      throws NotAReportException {
    Map<String, Object> policy = object(required(m, "policy", at), at + "policy");
    String pat = at + "policy.";
    String typeToken = string(policy, "policy-type", pat);
    PolicyType type = PolicyType.fromToken(typeToken).orElseThrow(() -> new NotAReportException(
        pat + "policy-type '" + Terminal.safe(typeToken) + "' is none of sts, tlsa,"
            + " no-policy-found (RFC 8460 section 4.4)"));
    String domainText = string(policy, "policy-domain", pat);
    String domain = domainText.chars().allMatch(c -> c > ' ' && c < 0x7f)
        ? HostName.parse(domainText).map(HostName::value).orElse(null) : null;
    if (domain == null) {
      throw new NotAReportException(pat + "policy-domain '" + Terminal.safe(domainText)
          + "' is not a domain name in A-labels (RFC 8460 section 4.4)");
    }
    stringOrStrings(policy, "policy-string", pat);
    stringOrStrings(policy, "mx-host", pat);
    Map<String, Object> summary = object(required(m, "summary", at), at + "summary");
    long successful = count(summary, "total-successful-session-count", at + "summary.");
    long failed = count(summary, "total-failure-session-count", at + "summary.");
    List<ReceivedReport.Failure> failures = new ArrayList<>();
    Object details = m.get("failure-details");
    if (details != null) {
      List<?> list = array(details, at + "failure-details");
      for (int i = 0; i < list.size(); i++) {
        String fat = at + "failure-details[" + i + "]";
        failures.add(failure(object(list.get(i), fat), fat + "."));
      }
    }
    return new ReceivedReport.Entry(domain, type, successful, failed, failures);
  }

  private static ReceivedReport.Failure failure(Map<String, Object> f, String at)
      throws NotAReportException {
    String resultType = string(f, "result-type", at);
    if (ResultType.fromToken(resultType).isEmpty() && !RESULT_TYPE.matcher(resultType).matches()) {
      throw new NotAReportException(at + "result-type '" + Terminal.safe(resultType)
          + "' is not a result type (RFC 8460 section 4.3)");
    }
    String mx = null;
    if (f.containsKey("receiving-mx-hostname")) {
      String text = string(f, "receiving-mx-hostname", at);
      mx = text.chars().allMatch(c -> c > ' ' && c < 0x7f)
          ? HostName.parse(text).map(HostName::value).orElse(null) : null;
      if (mx == null) {
        throw new NotAReportException(at + "receiving-mx-hostname '" + Terminal.safe(text)
            + "' is not a host name");
      }
    }
    for (String name : List.of("sending-mta-ip", "receiving-ip", "receiving-mx-helo",
        "additional-information", "failure-reason-code")) {
      if (f.containsKey(name)) {
        string(f, name, at);
      }
    }
    return new ReceivedReport.Failure(resultType, mx, count(f, "failed-session-count", at));
  }

  // ------------------------------------------------------------------ members

  private static Object required(Map<String, Object> m, String name, String at)
      throws NotAReportException {
    Object v = m.get(name);
    if (v == null) {
      throw new NotAReportException(at + name + " is missing (RFC 8460 section 4.4)");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v, String what) throws NotAReportException {
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new NotAReportException(what + " is " + kind(v) + ", not a JSON object");
  }

  private static List<?> array(Object v, String what) throws NotAReportException {
    if (v instanceof List<?> l) {
      return l;
    }
    throw new NotAReportException(what + " is " + kind(v) + ", not an array");
  }

  private static String string(Map<String, Object> m, String name, String at)
      throws NotAReportException {
    Object v = required(m, name, at);
    if (v instanceof String s) {
      return s;
    }
    throw new NotAReportException(at + name + " is " + kind(v) + ", not a string");
  }

  /** An optional array of strings, or a bare string (erratum 6241, section 4 prose). */
  private static void stringOrStrings(Map<String, Object> m, String name, String at)
      throws NotAReportException {
    Object v = m.get(name);
    if (v == null || v instanceof String) {
      return;
    }
    List<?> l = array(v, at + name);
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof String)) {
        throw new NotAReportException(at + name + "[" + i + "] is " + kind(l.get(i))
            + ", not a string");
      }
    }
  }

  private static long count(Map<String, Object> m, String name, String at)
      throws NotAReportException {
    Object v = required(m, name, at);
    if (v instanceof BigInteger n && n.signum() >= 0 && n.bitLength() < 63
        && n.longValue() <= MAX_INTEGER) {
      return n.longValue();
    }
    throw new NotAReportException(at + name + " is " + (v instanceof BigInteger ? "out of range"
        : kind(v)) + ", not an integer from 0 to 2^53-1 (I-JSON)");
  }

  private static Instant dateTime(Map<String, Object> m, String name, String at)
      throws NotAReportException {
    String text = string(m, name, at);
    Matcher match = DATE_TIME.matcher(text);
    if (match.matches() && match.group(2) == null) {
      throw new NotAReportException(at + name + " '" + Terminal.safe(text) + "' has no time"
          + " zone: RFC 3339 section 5.6 requires Z or an offset such as +00:00");
    }
    if (match.matches()) {
      try {
        return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
      } catch (DateTimeException e) {
        // out-of-range field, below
      }
    }
    throw new NotAReportException(at + name + " '" + Terminal.safe(text) + "' is not an RFC 3339"
        + " date-time such as 2026-05-01T00:00:00Z");
  }

  private static String kind(@Nullable Object v) {
    if (v == null) {
      return "missing";
    } else if (v == NULL) {
      return "null";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof BigInteger || v instanceof java.math.BigDecimal) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof List) {
      return "an array";
    }
    return "an object";
  }
}
