package dev.mtasts.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A TLS-RPT report as an email (RFC 8460 section 5.3), complete but not DKIM-signed: a {@code
 * multipart/report; report-type="tlsrpt"} message with a text part and the gzip report as a base64
 * {@code application/tlsrpt+gzip} attachment, the {@code TLS-Report-Domain} and {@code
 * TLS-Report-Submitter} header fields and the RFC's Subject format.
 *
 * <p>What the MTA must do with it (RFC 8460 sections 3 and 5.3.1):
 *
 * <ul>
 *   <li>sign it with DKIM for the submitter domain, without the {@code l=} tag, covering the {@code
 *       TLS-Report-Domain} and {@code TLS-Report-Submitter} fields ({@link #deliverDespiteTlsFailures()}
 *       and {@link #excludeFromReports()} say the rest);
 *   <li>deliver it despite MTA-STS and DANE failures;
 *   <li>leave its sessions out of the next report: pass {@link
 *       dev.mtasts.decision.SessionDetails#asTlsReportDelivery()} for them, which also keeps the
 *       decision API from refusing them.
 * </ul>
 *
 * @param from the envelope sender and {@code From} address
 * @param recipients the envelope recipients (the addresses of the {@code mailto:} URI)
 * @param policyDomain the policy domain reported on
 * @param submitter the reporting domain
 * @param reportId the report id
 * @param message the message, CRLF line ends, US-ASCII; not copied, do not change it
 */
public record TlsRptEmail(String from, List<String> recipients, String policyDomain,
    String submitter, String reportId, byte[] message) {

  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME
      .withZone(ZoneOffset.UTC);

  /**
   * Creates an email; the list is copied.
   *
   * @param from the envelope sender and {@code From} address
   * @param recipients the envelope recipients (the addresses of the {@code mailto:} URI)
   * @param policyDomain the policy domain reported on
   * @param submitter the reporting domain
   * @param reportId the report id
   * @param message the message, CRLF line ends, US-ASCII; not copied, do not change it
   */
  public TlsRptEmail {
    Objects.requireNonNull(from, "from");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(policyDomain, "policyDomain");
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Tells the MTA that this message must be delivered even when MTA-STS or DANE validation of the
   * recipient's MX fails (RFC 8460 section 5.3.1: "Sending MTAs MUST NOT honor MTA-STS or DANE TLSA
   * failures").
   *
   * @return always {@code true}
   */
  public boolean deliverDespiteTlsFailures() {
    return true;
  }

  /**
   * Tells the MTA that the sessions delivering this message are not counted in the next report (RFC
   * 8460 section 3): pass {@link dev.mtasts.decision.SessionDetails#asTlsReportDelivery()}.
   *
   * @return always {@code true}
   */
  public boolean excludeFromReports() {
    return true;
  }

  /**
   * Builds the email of a pending report.
   *
   * @param report the pending report (its destination is a {@code mailto:} URI)
   * @param from the sender address
   * @param date the message date
   * @return the email
   * @throws IllegalArgumentException when the destination has no address
   */
  public static TlsRptEmail of(PendingReport report, String from, Instant date) {
    List<String> to = TlsRptRecord.mailtoAddresses(report.destination());
    if (to.isEmpty()) {
      throw new IllegalArgumentException("the mailto: URI has no address");
    }
    String id = report.reportId().indexOf('@') > 0 ? report.reportId()
        : report.reportId() + "@" + report.submitter();
    String boundary = "----=_tlsrpt_" + alnum(report.reportId());
    StringBuilder m = new StringBuilder(report.gzip().length * 4 / 3 + 2048);
    header(m, "From", from);
    header(m, "To", String.join(", ", to));
    header(m, "Date", DATE.format(date));
    String subject = "Report Domain: " + report.policyDomain() + " Submitter: "
        + report.submitter() + " Report-ID: <" + id + ">";
    if (subject.length() + 9 > 78) {
      subject = "Report Domain: " + report.policyDomain() + "\r\n Submitter: "
          + report.submitter() + "\r\n Report-ID: <" + id + ">";
    }
    header(m, "Subject", subject);
    header(m, "Message-ID", "<" + id + ">");
    header(m, "TLS-Report-Domain", report.policyDomain());
    header(m, "TLS-Report-Submitter", report.submitter());
    header(m, "MIME-Version", "1.0");
    header(m, "Content-Type", "multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\""
        + boundary + "\"");
    m.append("\r\n");
    m.append("This is a multipart message in MIME format.\r\n\r\n");
    m.append("--").append(boundary).append("\r\n");
    header(m, "Content-Type", "text/plain; charset=\"us-ascii\"");
    header(m, "Content-Transfer-Encoding", "7bit");
    m.append("\r\n");
    m.append("This is an aggregate TLS report from ").append(report.submitter())
        .append("\r\nabout mail sent to ").append(report.policyDomain()).append(" on ")
        .append(report.day()).append(" (UTC).\r\n\r\n");
    m.append("--").append(boundary).append("\r\n");
    header(m, "Content-Type", TlsRptReportWriter.GZIP_MEDIA_TYPE);
    header(m, "Content-Transfer-Encoding", "base64");
    header(m, "Content-Disposition", "attachment;\r\n\tfilename=\"" + report.fileName() + "\"");
    m.append("\r\n");
    String b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(report.gzip());
    m.append(b64).append("\r\n");
    m.append("--").append(boundary).append("--\r\n");
    return new TlsRptEmail(from, to, report.policyDomain(), report.submitter(), report.reportId(),
        m.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void header(StringBuilder m, String name, String value) {
    m.append(name).append(": ").append(value).append("\r\n");
  }

  private static String alnum(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
