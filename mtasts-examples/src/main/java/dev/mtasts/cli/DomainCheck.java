package dev.mtasts.cli;

import dev.mtasts.cli.CheckReport.Finding;
import dev.mtasts.cli.CheckReport.MxFacts;
import dev.mtasts.cli.CheckReport.PolicyFacts;
import dev.mtasts.cli.CheckReport.RecordFacts;
import dev.mtasts.cli.CheckReport.Severity;
import dev.mtasts.cli.CheckReport.TlsRptFacts;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.discovery.RecordLookup;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.MxHost;
import dev.mtasts.dns.MxRecords;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The checks of {@code mtasts check}: everything a sending MTA looks up for a domain, and what a
 * domain owner should know about it. The finding codes and their conditions are listed in {@link
 * Code}; the facts are in {@link CheckReport}.
 *
 * <p>The {@code _mta-sts} record goes through {@link PolicyDiscoverer}, exactly as a sender reads it,
 * and the policy is fetched only when that record is valid, as a sender does. The MX and {@code
 * _smtp._tls} lookups run at the same time as the record lookup.
 */
final class DomainCheck {
  /** A {@code max_age} under this is {@link Code#MAX_AGE_SHORT}. */
  static final Duration SHORT_MAX_AGE = Duration.ofDays(1);

  /** The finding codes: stable identifiers for programs; see the README for the conditions. */
  enum Code {
    /** The {@code _mta-sts} record does not exist, or no TXT record there is an STS record. */
    STS_RECORD_MISSING("sts-record-missing"),
    /** The one STS record is not valid. */
    STS_RECORD_INVALID("sts-record-invalid"),
    /** More than one record begins with {@code v=STSv1;}. */
    STS_RECORD_MULTIPLE("sts-record-multiple"),
    /** The record answer has tolerated problems worth fixing. */
    STS_RECORD_WARNING("sts-record-warning"),
    /** A DNS lookup failed (SERVFAIL, timeout, ...): nothing is known about that name. */
    DNS_LOOKUP_FAILED("dns-lookup-failed"),
    /** The policy could not be fetched (sts-policy-fetch-error). */
    POLICY_FETCH_FAILED("policy-fetch-failed"),
    /** The certificate of the policy host is not valid (sts-webpki-invalid). */
    POLICY_HOST_CERTIFICATE_INVALID("policy-host-certificate-invalid"),
    /** The policy body is not valid (sts-policy-invalid). */
    POLICY_INVALID("policy-invalid"),
    /** The policy body has tolerated problems worth fixing. */
    POLICY_WARNING("policy-warning"),
    /** The policy is in mode testing. */
    MODE_TESTING("mode-testing"),
    /** The policy is in mode none. */
    MODE_NONE("mode-none"),
    /** max_age is under one day. */
    MAX_AGE_SHORT("max-age-short"),
    /** The domain does not exist (the MX lookup says NXDOMAIN). */
    DOMAIN_NOT_FOUND("domain-not-found"),
    /** The domain publishes a null MX. */
    MX_NULL("mx-null"),
    /** An MX host that no mx pattern of the policy matches. */
    MX_NOT_COVERED("mx-not-covered"),
    /** An mx pattern of the policy that no MX host matches. */
    POLICY_MX_UNUSED("policy-mx-unused"),
    /** No TLS-RPT record. */
    TLSRPT_RECORD_MISSING("tlsrpt-record-missing"),
    /** The TLS-RPT record is not valid, or there are several. */
    TLSRPT_RECORD_INVALID("tlsrpt-record-invalid"),
    /** The TLS-RPT record has tolerated problems worth fixing. */
    TLSRPT_RECORD_WARNING("tlsrpt-record-warning"),
    /** Mode enforce without a usable TLS-RPT record. */
    MODE_ENFORCE_WITHOUT_TLSRPT("mode-enforce-without-tlsrpt");

    private final String token;

    Code(String token) {
      this.token = token;
    }

    String token() {
      return token;
    }
  }

  private final DnsClient dns;
  private final HttpsPolicyFetcher fetcher;

  /**
   * Creates the checks.
   *
   * @param dns the DNS client for all lookups
   * @param fetcher the policy fetcher
   */
  DomainCheck(DnsClient dns, HttpsPolicyFetcher fetcher) {
    this.dns = dns;
    this.fetcher = fetcher;
  }

  /**
   * Checks a domain.
   *
   * @param domain the domain, lower-case A-labels (as {@code HostName} makes it)
   * @return the report
   */
  CheckReport run(String domain) {
    Memo memo = new Memo(dns);
    PolicyDiscoverer discoverer = new PolicyDiscoverer(memo, fetcher);
    String recordName = "_mta-sts." + domain;
    String tlsName = "_smtp._tls." + domain;

    CompletableFuture<RecordLookup> lookup = discoverer.lookupRecordAsync(domain);
    CompletableFuture<DnsResult<MxRecords>> mxLookup = memo.mxAsync(domain);
    CompletableFuture<DnsResult<List<String>>> tlsLookup = memo.txtAsync(tlsName);
    CompletableFuture<@Nullable FetchResult> fetch = lookup.thenCompose(l ->
        l instanceof RecordLookup.Present
            ? discoverer.fetchPolicyAsync(domain)
            : CompletableFuture.completedFuture(null));
    CompletableFuture.allOf(fetch, mxLookup, tlsLookup).join();
    // The discoverer's own query, answered from the memo: the records it judged.
    DnsResult<List<String>> recordAnswer = memo.txtAsync(recordName).join();

    List<Finding> findings = new ArrayList<>();
    RecordFacts record = record(recordName, recordAnswer, lookup.join(), findings);
    FetchResult fetched = fetch.join();
    PolicyFacts policy = fetched == null ? null : policy(domain, fetched, findings);
    Policy applied = policy == null ? null : policy.policy();
    List<MxFacts> mx = mx(domain, mxLookup.join(), applied, findings);
    TlsRptFacts tlsrpt = tlsrpt(tlsName, tlsLookup.join(), findings);
    if (applied != null && applied.mode() == Mode.ENFORCE
        && (tlsrpt == null ? tlsLookup.join().isAbsent() : tlsrpt.record() == null)) {
      findings.add(new Finding(Code.MODE_ENFORCE_WITHOUT_TLSRPT.token(), Severity.WARNING,
          "the policy is in mode enforce but " + tlsName + " holds no valid TLS-RPT record:"
              + " when senders refuse to deliver because of MTA-STS, nobody tells you. Publish"
              + " 'v=TLSRPTv1; rua=mailto:...'"));
    }
    return new CheckReport(domain, findings, record, policy, mx, tlsrpt);
  }

  // ------------------------------------------------------------------ _mta-sts record

  private static @Nullable RecordFacts record(String name, DnsResult<List<String>> answer,
      RecordLookup lookup, List<Finding> findings) {
    if (lookup instanceof RecordLookup.Failed failed) {
      findings.add(new Finding(Code.DNS_LOOKUP_FAILED.token(), Severity.ERROR,
          failed.detail() + "; senders then keep a cached policy, or deliver without MTA-STS"));
    } else if (lookup instanceof RecordLookup.Absent absent) {
      String code = switch (absent.reason()) {
        case NO_SUCH_NAME, NO_TXT_RECORD, NO_STS_RECORD -> Code.STS_RECORD_MISSING.token();
        case MULTIPLE_STS_RECORDS -> Code.STS_RECORD_MULTIPLE.token();
        case INVALID_STS_RECORD -> Code.STS_RECORD_INVALID.token();
      };
      String fix = switch (absent.reason()) {
        case NO_SUCH_NAME, NO_TXT_RECORD, NO_STS_RECORD ->
            "; publish 'v=STSv1; id=...' there to enable MTA-STS";
        case MULTIPLE_STS_RECORDS, INVALID_STS_RECORD -> "";
      };
      findings.add(new Finding(code, Severity.ERROR, absent.detail()
          + "; senders see no MTA-STS policy" + fix));
    }
    if (!(answer instanceof DnsResult.Answer<List<String>> a)) {
      return null;
    }
    ParseResult<StsRecord> parsed = StsRecord.parse(a.value());
    for (Problem p : parsed.warnings()) {
      findings.add(new Finding(Code.STS_RECORD_WARNING.token(), Severity.WARNING,
          name + " " + Human.inAnswer().apply(p) + ": " + p.message()));
    }
    return new RecordFacts(name, a.value(), parsed.value().map(StsRecord::id).orElse(null),
        parsed.errors(), parsed.warnings());
  }

  // ------------------------------------------------------------------ policy

  private PolicyFacts policy(String domain, FetchResult result, List<Finding> findings) {
    URI url = fetcher.policyUri(domain);
    if (result instanceof FetchResult.Failed failed) {
      Code code = switch (failed.resultType()) {
        case STS_WEBPKI_INVALID -> Code.POLICY_HOST_CERTIFICATE_INVALID;
        case STS_POLICY_INVALID -> Code.POLICY_INVALID;
        default -> Code.POLICY_FETCH_FAILED;
      };
      findings.add(new Finding(code.token(), Severity.ERROR, failed.detail() + " ("
          + failed.resultType().token() + "); senders deliver without MTA-STS unless they have"
          + " the policy cached"));
      return new PolicyFacts(url, null, failed.resultType(), failed.problems(), List.of());
    }
    FetchResult.Fetched fetched = (FetchResult.Fetched) result;
    Policy policy = fetched.policy();
    for (Problem p : fetched.warnings()) {
      findings.add(new Finding(Code.POLICY_WARNING.token(), Severity.WARNING,
          "policy " + (p.line() == 0 ? "" : "line " + p.line() + ": ") + p.message()));
    }
    if (policy.mode() == Mode.TESTING) {
      findings.add(new Finding(Code.MODE_TESTING.token(), Severity.INFO, "the policy is in mode"
          + " testing: senders deliver even when checks fail and report the failures with"
          + " TLS-RPT; switch to mode enforce once the reports are clean"));
    } else if (policy.mode() == Mode.NONE) {
      findings.add(new Finding(Code.MODE_NONE.token(), Severity.INFO, "the policy is in mode"
          + " none: the domain has withdrawn MTA-STS and senders apply no policy"));
    }
    if (policy.mode() != Mode.NONE && policy.maxAge().compareTo(SHORT_MAX_AGE) < 0) {
      long seconds = policy.maxAge().getSeconds();
      findings.add(new Finding(Code.MAX_AGE_SHORT.token(), Severity.WARNING, "max_age is "
          + Human.plural(seconds, "second") + ", under one day: senders forget the policy"
          + " quickly, so an attacker who blocks its discovery has an easy time; use at least"
          + " 86400, better 604800 (a week) or more"));
    }
    return new PolicyFacts(url, policy, null, List.of(), fetched.warnings());
  }

  // ------------------------------------------------------------------ MX

  private static List<MxFacts> mx(String domain, DnsResult<MxRecords> result,
      @Nullable Policy policy, List<Finding> findings) {
    List<MxHost> hosts;
    if (result instanceof DnsResult.Answer<MxRecords> a) {
      MxRecords records = a.value();
      if (records instanceof MxRecords.Explicit explicit) {
        hosts = explicit.hosts();
      } else if (records instanceof MxRecords.Implicit implicit) {
        hosts = List.of(new MxHost(0, implicit.domain()));
      } else {
        findings.add(new Finding(Code.MX_NULL.token(), Severity.INFO, domain + " publishes a"
            + " null MX (RFC 7505): it accepts no mail, so MTA-STS has nothing to protect"));
        return List.of();
      }
    } else if (result instanceof DnsResult.NoData) {
      hosts = List.of(new MxHost(0, domain));
    } else if (result instanceof DnsResult.NoSuchName) {
      findings.add(new Finding(Code.DOMAIN_NOT_FOUND.token(), Severity.ERROR, domain
          + " does not exist (NXDOMAIN for its MX lookup): no mail can be delivered to it"));
      return List.of();
    } else {
      DnsResult.TemporaryFailure<MxRecords> failure = (DnsResult.TemporaryFailure<MxRecords>) result;
      findings.add(new Finding(Code.DNS_LOOKUP_FAILED.token(), Severity.ERROR,
          failure.detail() + "; senders retry later"));
      return List.of();
    }
    boolean applies = policy != null && policy.mode() != Mode.NONE;
    List<MxFacts> facts = new ArrayList<>(hosts.size());
    for (MxHost h : hosts) {
      Boolean covered = applies ? policy.permits(h.host()) : null;
      facts.add(new MxFacts(h.host(), h.preference(), covered));
      if (Boolean.FALSE.equals(covered)) {
        boolean enforce = policy.mode() == Mode.ENFORCE;
        findings.add(new Finding(Code.MX_NOT_COVERED.token(),
            enforce ? Severity.ERROR : Severity.WARNING,
            "MX " + h.host() + " (preference " + h.preference() + ") matches no mx pattern of"
                + " the policy: " + (enforce
                    ? "senders refuse to deliver to it"
                    : "senders report every delivery to it, and will refuse it under mode"
                        + " enforce")
                + "; add 'mx: " + h.host() + "' (or a wildcard that covers it) to the policy"));
      }
    }
    if (applies) {
      for (MxPattern pattern : policy.mx()) {
        if (hosts.stream().noneMatch(h -> pattern.matches(h.host()))) {
          findings.add(new Finding(Code.POLICY_MX_UNUSED.token(), Severity.WARNING, "mx pattern "
              + pattern.value() + " of the policy matches none of the MX hosts of " + domain
              + "; remove it unless a new MX is on its way"));
        }
      }
    }
    return facts;
  }

  // ------------------------------------------------------------------ TLS-RPT

  private static @Nullable TlsRptFacts tlsrpt(String name, DnsResult<List<String>> result,
      List<Finding> findings) {
    if (result instanceof DnsResult.TemporaryFailure<List<String>> failure) {
      findings.add(new Finding(Code.DNS_LOOKUP_FAILED.token(), Severity.ERROR,
          failure.detail() + "; senders then send no TLS-RPT reports"));
      return null;
    }
    String publish = "; publish 'v=TLSRPTv1; rua=mailto:...' to get daily reports of TLS"
        + " failures from senders";
    if (!(result instanceof DnsResult.Answer<List<String>> a)) {
      findings.add(new Finding(Code.TLSRPT_RECORD_MISSING.token(), Severity.WARNING, name
          + (result instanceof DnsResult.NoSuchName ? " does not exist (NXDOMAIN)"
              : " has no TXT records") + publish));
      return null;
    }
    ParseResult<TlsRptRecord> parsed = TlsRptRecord.parse(a.value());
    if (!parsed.isValid()) {
      Problem first = parsed.errors().get(0);
      boolean missing = first.kind() == Problem.Kind.NO_RECORD
          || (a.value().size() == 1 && !isTlsRptRecord(a.value().get(0)));
      if (missing) {
        findings.add(new Finding(Code.TLSRPT_RECORD_MISSING.token(), Severity.WARNING, name
            + " holds no TLS-RPT record (" + first.message() + ")" + publish));
      } else {
        findings.add(new Finding(Code.TLSRPT_RECORD_INVALID.token(), Severity.ERROR, name
            + " " + Human.inAnswer().apply(first) + ": " + first.message()
            + "; senders send no TLS-RPT reports until it is fixed"));
      }
    }
    for (Problem p : parsed.warnings()) {
      findings.add(new Finding(Code.TLSRPT_RECORD_WARNING.token(), Severity.WARNING,
          name + " " + Human.inAnswer().apply(p) + ": " + p.message()));
    }
    return new TlsRptFacts(name, a.value(), parsed.value().orElse(null), parsed.errors(),
        parsed.warnings());
  }

  /** A lone record that does not begin with {@code v=TLSRPTv1} is no TLS-RPT record at all. */
  private static boolean isTlsRptRecord(String record) {
    String version = "v=TLSRPTv1";
    if (!record.startsWith(version)) {
      return false;
    }
    return record.length() == version.length()
        || " \t;".indexOf(record.charAt(version.length())) >= 0;
  }

  /**
   * A {@link DnsClient} that asks each question once: a repeated lookup gets the same future, so the
   * report shows exactly the answer the discoverer judged.
   */
  private static final class Memo implements DnsClient {
    private final DnsClient dns;
    private final Map<String, CompletableFuture<DnsResult<List<String>>>> txt =
        new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DnsResult<MxRecords>>> mx =
        new ConcurrentHashMap<>();

    Memo(DnsClient dns) {
      this.dns = dns;
    }

    @Override
    public CompletableFuture<DnsResult<List<String>>> txtAsync(String name) {
      return txt.computeIfAbsent(name, dns::txtAsync);
    }

    @Override
    public CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain) {
      return mx.computeIfAbsent(domain, dns::mxAsync);
    }
  }
}
