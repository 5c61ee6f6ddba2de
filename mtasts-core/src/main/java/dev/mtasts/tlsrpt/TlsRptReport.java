package dev.mtasts.tlsrpt;

import dev.mtasts.result.ResultType;
import dev.mtasts.internal.TlsRptJson;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A TLS-RPT aggregate report (RFC 8460 section 4.4), as one reporting organisation sends it to one
 * policy domain for one UTC day. {@link TlsRptReportWriter} turns it into I-JSON and gzip.
 *
 * @param organizationName the name of the organisation responsible for the report
 * @param startDatetime the start of the period: 00:00:00 of the UTC day
 * @param endDatetime the end of the period: 23:59:59 of the UTC day (docs/decisions.md, decision 10)
 * @param contactInfo the reporting organisation's email address (RFC 5322 addr-spec); its domain is
 *     the report's submitter
 * @param reportId the unique identifier of the report
 * @param policies one entry per applied policy, never empty
 */
public record TlsRptReport(String organizationName, Instant startDatetime, Instant endDatetime,
    String contactInfo, String reportId, List<PolicyResult> policies) {

  /**
   * Creates a report; the list is copied.
   *
   * @param organizationName the name of the organisation responsible for the report
   * @param startDatetime the start of the period: 00:00:00 of the UTC day
   * @param endDatetime the end of the period: 23:59:59 of the UTC day (docs/decisions.md, decision 10)
   * @param contactInfo the reporting organisation's email address (RFC 5322 addr-spec); its domain
   *     is the report's submitter
   * @param reportId the unique identifier of the report
   * @param policies one entry per applied policy, never empty
   * @throws IllegalArgumentException when {@code policies} is empty, the contact is not an address
   *     with a domain, or the period ends before it starts
   */
  public TlsRptReport {
    Objects.requireNonNull(organizationName, "organizationName");
    Objects.requireNonNull(startDatetime, "startDatetime");
    Objects.requireNonNull(endDatetime, "endDatetime");
    Objects.requireNonNull(contactInfo, "contactInfo");
    Objects.requireNonNull(reportId, "reportId");
    policies = List.copyOf(policies);
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one policy");
    }
    if (endDatetime.isBefore(startDatetime)) {
      throw new IllegalArgumentException("the period ends before it starts");
    }
    submitterOf(contactInfo);
  }

  /**
   * Creates the report of one UTC day: 00:00:00 to 23:59:59 (docs/decisions.md, decision 10).
   *
   * @param day the UTC day
   * @param organizationName the reporting organisation
   * @param contactInfo its email address
   * @param reportId a unique id
   * @param policies the applied policies and their counts
   * @return the report
   */
  public static TlsRptReport forDay(LocalDate day, String organizationName, String contactInfo,
      String reportId, List<PolicyResult> policies) {
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    return new TlsRptReport(organizationName, start, start.plusSeconds(86_399), contactInfo,
        reportId, policies);
  }

  /**
   * Returns the policy domain the report is about: that of its first policy.
   *
   * @return lower-case A-labels
   */
  public String policyDomain() {
    return policies.get(0).policy().policyDomain();
  }

  /**
   * Returns the submitter: the domain of {@link #contactInfo()}, which the file name and the {@code
   * TLS-Report-Submitter} header carry (RFC 8460 sections 5.1 and 5.3).
   *
   * @return the domain, lower case
   */
  public String submitter() {
    return submitterOf(contactInfo);
  }

  /**
   * Returns this report with an {@code additional-information} URI set on failure details that have
   * none, for reporters that publish explanations per result type.
   *
   * @param info gives the URI for a report id and result type, or empty for none
   * @return the report
   */
  public TlsRptReport withAdditionalInformation(
      BiFunction<String, ResultType, Optional<URI>> info) {
    List<PolicyResult> out = new ArrayList<>(policies.size());
    for (PolicyResult p : policies) {
      List<FailureDetail> details = new ArrayList<>(p.failureDetails().size());
      for (FailureDetail d : p.failureDetails()) {
        details.add(d.additionalInformation().isPresent() ? d
            : new FailureDetail(d.failure(), d.failedSessionCount(),
                info.apply(reportId, d.failure().resultType())));
      }
      out.add(new PolicyResult(p.policy(), p.totalSuccessfulSessionCount(),
          p.totalFailureSessionCount(), details));
    }
    return new TlsRptReport(organizationName, startDatetime, endDatetime, contactInfo, reportId, out);
  }

  /**
   * Reads a report from its JSON, as a receiver would: unknown fields are ignored, an {@code
   * mx-host} given as a bare string (as in RFC 8460 Appendix B before erratum 6241) is read as a
   * one-element array, and unknown result types are left out.
   *
   * @param json the UTF-8 JSON
   * @return the report
   * @throws IllegalArgumentException when the JSON is not a report
   */
  public static TlsRptReport parse(byte[] json) {
    return TlsRptJson.readReport(json);
  }

  static String submitterOf(String contactInfo) {
    int at = contactInfo.lastIndexOf('@');
    if (at <= 0 || at == contactInfo.length() - 1) {
      throw new IllegalArgumentException("contactInfo must be an email address with a domain");
    }
    return contactInfo.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
  }
}
