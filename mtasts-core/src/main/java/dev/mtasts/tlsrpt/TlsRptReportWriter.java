package dev.mtasts.tlsrpt;

import dev.mtasts.internal.TlsRptJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * Writes TLS-RPT reports: RFC 8460 section 4.4 JSON (I-JSON, UTF-8, with every non-ASCII character
 * escaped), its gzip form and the recommended file name (section 5.1).
 */
public final class TlsRptReportWriter {
  /** The media type of a gzip-compressed report (RFC 8460 section 6.5). */
  public static final String GZIP_MEDIA_TYPE = "application/tlsrpt+gzip";
  /** The media type of an uncompressed report (RFC 8460 section 6.4). */
  public static final String JSON_MEDIA_TYPE = "application/tlsrpt+json";

  private TlsRptReportWriter() {}

  /**
   * Writes the report as JSON, with the fields in the order of RFC 8460 section 4.4.
   *
   * @param report the report
   * @return UTF-8 JSON on one line
   */
  public static byte[] json(TlsRptReport report) {
    return TlsRptJson.writeReport(report);
  }

  /**
   * Writes the report as gzip-compressed JSON.
   *
   * @param report the report
   * @return the gzip bytes
   */
  public static byte[] gzip(TlsRptReport report) {
    byte[] json = json(report);
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Returns the recommended file name of the gzip report (RFC 8460 section 5.1): {@code
   * sender!policy-domain!begin!end!unique.json.gz}, where sender is the domain of the contact
   * address, the timestamps are the seconds since the epoch of the report's period, and unique is the
   * report id with everything but letters and digits left out.
   *
   * @param report the report
   * @return the file name
   */
  public static String fileName(TlsRptReport report) {
    StringBuilder unique = new StringBuilder();
    for (char c : report.reportId().toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        unique.append(c);
      }
    }
    return report.submitter() + "!" + report.policyDomain() + "!"
        + report.startDatetime().getEpochSecond() + "!" + report.endDatetime().getEpochSecond()
        + (unique.length() == 0 ? "" : "!" + unique) + ".json.gz";
  }
}
