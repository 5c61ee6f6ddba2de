package dev.mtasts.cli;

import dev.mtasts.cli.CheckReport.Finding;
import dev.mtasts.cli.CheckReport.Lookup;
import dev.mtasts.cli.CheckReport.MxFacts;
import dev.mtasts.cli.CheckReport.PolicyFacts;
import dev.mtasts.cli.CheckReport.RecordFacts;
import dev.mtasts.cli.CheckReport.Severity;
import dev.mtasts.cli.CheckReport.SmtpFacts;
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
import dev.mtasts.result.Failure;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The checks of {@code mtasts check}: everything a sending MTA looks up for a domain, and what a
 * domain owner should know about it. The finding codes and their conditions are listed in {@link
 * Code}; the facts are in {@link CheckReport}.
 *
 * <p>The {@code _mta-sts} record goes through {@link PolicyDiscoverer}, exactly as a sender reads it,
 * and the policy is fetched only when that record is valid, as a sender does. The MX and {@code
 * _smtp._tls} lookups run at the same time as the record lookup. Once the MX hosts are known, each
 * is probed over SMTP ({@link SmtpProbe}, a few at once) while the policy is fetched.
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
    /** An MX host does not offer STARTTLS (starttls-not-supported). */
    MX_STARTTLS_MISSING("mx-starttls-missing"),
    /** An MX host's certificate fails a sender's check. */
    MX_CERTIFICATE_INVALID("mx-certificate-invalid"),
    /** An MX host offers no TLS version of 1.2 or newer. */
    MX_TLS_VERSION_OLD("mx-tls-version-old"),
    /** No SMTP session with an MX host from here. */
    MX_UNREACHABLE("mx-unreachable"),
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

  /** How many MX hosts are probed at once. */
  static final int PROBES_AT_ONCE = 4;

  /**
   * How the checks run.
   *
   * @param timeout the time limit of each lookup, of the policy fetch and of each SMTP probe
   * @param timeoutText the time limit as the user wrote it ({@code --timeout}), for messages
   * @param verifier the library's certificate check, with the trusted roots of the run
   * @param smtp whether to probe the MX hosts over SMTP
   * @param smtpPort the port to probe (25, but for tests)
   * @param helo the EHLO name of the probes
   */
  record Settings(Duration timeout, String timeoutText, CertificateVerifier verifier,
      boolean smtp, int smtpPort, String helo) {}

  private final DnsClient dns;
  private final HttpsPolicyFetcher fetcher;
  private final Settings settings;

  /**
   * Creates the checks.
   *
   * @param dns the DNS client for all lookups
   * @param fetcher the policy fetcher
   * @param settings how the checks run
   */
  DomainCheck(DnsClient dns, HttpsPolicyFetcher fetcher, Settings settings) {
    this.dns = dns;
    this.fetcher = fetcher;
    this.settings = settings;
  }

  /**
   * Checks a domain.
   *
   * @param domain the domain, lower-case A-labels (as {@code HostName} makes it)
   * @return the report
   */
  CheckReport run(String domain) {
    Memo memo = new Memo(dns);
    PolicyDiscoverer discoverer = PolicyDiscoverer.builder(memo, fetcher).build();
    CompletableFuture<RecordLookup> lookup = discoverer.lookupRecordAsync(domain);
    CompletableFuture<DnsResult<MxRecords>> mxLookup = memo.mxAsync(domain);
    CompletableFuture<DnsResult<List<String>>> tlsLookup =
        memo.txtAsync("_smtp._tls." + domain);
    CompletableFuture<@Nullable FetchResult> fetch = lookup.thenCompose(l ->
        l instanceof RecordLookup.Present
            ? discoverer.fetchPolicyAsync(domain)
            : CompletableFuture.completedFuture(null));
    ExecutorService probes = settings.smtp()
        ? Executors.newFixedThreadPool(PROBES_AT_ONCE, daemon("mtasts-check-smtp")) : null;
    ScheduledExecutorService timer = settings.smtp()
        ? Executors.newSingleThreadScheduledExecutor(daemon("mtasts-check-timer")) : null;
    try {
      CompletableFuture<Map<String, SmtpFacts>> smtp = probes == null
          ? CompletableFuture.completedFuture(Map.of())
          : mxLookup.thenCompose(r -> probeAll(hosts(domain, r), new SmtpProbe(
              settings.smtpPort(), settings.helo(), settings.timeout(), settings.timeoutText(),
              settings.verifier(), timer), probes));
      CompletableFuture.allOf(fetch, mxLookup, tlsLookup, smtp).join();
      return report(domain, memo, lookup.join(), fetch.join(), mxLookup.join(), tlsLookup.join(),
          smtp.join());
    } finally {
      if (probes != null) {
        probes.shutdownNow();
        timer.shutdownNow();
      }
    }
  }

  private CheckReport report(String domain, Memo memo, RecordLookup lookup,
      @Nullable FetchResult fetched, DnsResult<MxRecords> mxAnswer,
      DnsResult<List<String>> tlsAnswer, Map<String, SmtpFacts> smtp) {
    String recordName = "_mta-sts." + domain;
    String tlsName = "_smtp._tls." + domain;
    // The discoverer's own query, answered from the memo: the records it judged.
    DnsResult<List<String>> recordAnswer = memo.txtAsync(recordName).join();
    Set<Lookup> failed = EnumSet.noneOf(Lookup.class);
    if (lookup instanceof RecordLookup.Failed) {
      failed.add(Lookup.RECORD);
    }
    if (mxAnswer instanceof DnsResult.TemporaryFailure) {
      failed.add(Lookup.MX);
    }
    if (tlsAnswer instanceof DnsResult.TemporaryFailure) {
      failed.add(Lookup.TLSRPT);
    }

    List<Finding> findings = new ArrayList<>();
    RecordFacts record = record(recordName, recordAnswer, lookup, findings);
    PolicyFacts policy = fetched == null ? null : policy(domain, fetched, findings);
    Policy applied = policy == null ? null : policy.policy();
    List<MxFacts> mx = mx(domain, mxAnswer, applied, smtp, findings);
    smtpFindings(mx, applied != null && applied.mode() == Mode.ENFORCE, findings);
    TlsRptFacts tlsrpt = tlsrpt(tlsName, tlsAnswer, findings);
    if (applied != null && applied.mode() == Mode.ENFORCE
        && (tlsrpt == null ? tlsAnswer.isAbsent() : tlsrpt.record() == null)) {
      findings.add(new Finding(Code.MODE_ENFORCE_WITHOUT_TLSRPT.token(), Severity.WARNING,
          "the policy is in mode enforce but " + tlsName + " holds no valid TLS-RPT record:"
              + " when senders refuse to deliver because of MTA-STS, nobody tells you. Publish"
              + " 'v=TLSRPTv1; rua=mailto:...'"));
    }
    return new CheckReport(domain, findings, record, policy, mx, tlsrpt, failed);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The hosts a sender would connect to: the MX hosts, or the domain itself without MX records;
   * none for a null MX, a domain that does not exist or a failed lookup.
   */
  private static List<MxHost> hosts(String domain, DnsResult<MxRecords> result) {
    if (result instanceof DnsResult.Answer<MxRecords> a) {
      MxRecords records = a.value();
      if (records instanceof MxRecords.Explicit explicit) {
        return explicit.hosts();
      }
      if (records instanceof MxRecords.Implicit implicit) {
        return List.of(new MxHost(0, implicit.domain()));
      }
      return List.of();
    }
    if (result instanceof DnsResult.NoData) {
      return List.of(new MxHost(0, domain));
    }
    return List.of();
  }

  /** Probes the hosts a few at once; each host once, even when it is listed twice. */
  private static CompletableFuture<Map<String, SmtpFacts>> probeAll(List<MxHost> hosts,
      SmtpProbe probe, ExecutorService executor) {
    Map<String, CompletableFuture<SmtpFacts>> started = new LinkedHashMap<>();
    for (MxHost h : hosts) {
      started.computeIfAbsent(h.host(),
          host -> CompletableFuture.supplyAsync(() -> probe.probe(host), executor));
    }
    return CompletableFuture.allOf(started.values().toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          Map<String, SmtpFacts> facts = new LinkedHashMap<>();
          started.forEach((host, f) -> facts.put(host, f.join()));
          return facts;
        });
  }

  // ------------------------------------------------------------------ _mta-sts record

  private @Nullable RecordFacts record(String name, DnsResult<List<String>> answer,
      RecordLookup lookup, List<Finding> findings) {
    if (lookup instanceof RecordLookup.Failed failed) {
      String detail = failed.reason() == DnsResult.Reason.TIMEOUT
          ? name + ": " + noAnswer(name + "/TXT") : failed.detail();
      findings.add(new Finding(Code.DNS_LOOKUP_FAILED.token(), Severity.ERROR,
          detail + "; senders then keep a cached policy, or deliver without MTA-STS"));
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
      String advice = code == Code.POLICY_HOST_CERTIFICATE_INVALID ? policyHostAdvice(url) : "";
      findings.add(new Finding(code.token(), Severity.ERROR, failed.detail() + " ("
          + failed.resultType().token() + "); senders deliver without MTA-STS unless they have"
          + " the policy cached" + advice));
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

  /**
   * Connects to the policy host once more to see its certificate, and says what it holds and what
   * to change. The fetch's verdict stands; this only explains it.
   *
   * @return {@code ". The certificate ..."}, or {@code ""} when the certificate cannot be seen
   */
  private String policyHostAdvice(URI url) {
    String host = url.getHost();
    int port = url.getPort() < 0 ? 443 : url.getPort();
    TlsClient.Peek peek;
    try {
      peek = TlsClient.peek(host, port, settings.timeout());
    } catch (IOException | RuntimeException e) {
      return "";
    }
    if (peek.chain().isEmpty()) {
      return "";
    }
    CertificateFacts cert = CertificateFacts.of(peek.chain().get(0));
    Optional<Failure> check = settings.verifier().verify(host, peek.chain(), peek.protocol());
    if (check.isPresent() && !check.get().failureReasonCode().equals("tls-version")) {
      Failure f = check.get();
      return ". " + upperFirst(CertificateAdvice.explain(host, f, cert));
    }
    return ". The certificate of " + host + " " + cert.summary();
  }

  // ------------------------------------------------------------------ MX

  private List<MxFacts> mx(String domain, DnsResult<MxRecords> result,
      @Nullable Policy policy, Map<String, SmtpFacts> smtp, List<Finding> findings) {
    if (result instanceof DnsResult.Answer<MxRecords> a && a.value() instanceof MxRecords.NullMx) {
      findings.add(new Finding(Code.MX_NULL.token(), Severity.INFO, domain + " publishes a"
          + " null MX (RFC 7505): it accepts no mail, so MTA-STS has nothing to protect"));
      return List.of();
    } else if (result instanceof DnsResult.NoSuchName) {
      findings.add(new Finding(Code.DOMAIN_NOT_FOUND.token(), Severity.ERROR, domain
          + " does not exist (NXDOMAIN for its MX lookup): no mail can be delivered to it"));
      return List.of();
    } else if (result instanceof DnsResult.TemporaryFailure<MxRecords> failure) {
      findings.add(new Finding(Code.DNS_LOOKUP_FAILED.token(), Severity.ERROR,
          dnsDetail(failure, domain + "/MX") + "; senders retry later"));
      return List.of();
    }
    List<MxHost> hosts = hosts(domain, result);
    boolean applies = policy != null && policy.mode() != Mode.NONE;
    boolean enforce = applies && policy.mode() == Mode.ENFORCE;
    boolean noneCovered = applies && hosts.stream().noneMatch(h -> policy.permits(h.host()));
    List<MxFacts> facts = new ArrayList<>(hosts.size());
    boolean first = true;
    for (MxHost h : hosts) {
      Boolean covered = applies ? policy.permits(h.host()) : null;
      facts.add(new MxFacts(h.host(), h.preference(), covered, smtp.get(h.host())));
      if (Boolean.FALSE.equals(covered)) {
        String effect;
        if (enforce && noneCovered && first) {
          effect = "no MX host of " + domain + " matches any mx pattern, so senders that apply"
              + " the policy deliver no mail to " + domain + " at all: they defer every message"
              + " and, when their retry period ends, return it to its sender";
        } else if (enforce) {
          effect = "senders refuse to deliver to it";
        } else {
          effect = "senders report every delivery to it, and will refuse it under mode enforce";
        }
        first = false;
        findings.add(new Finding(Code.MX_NOT_COVERED.token(),
            enforce ? Severity.ERROR : Severity.WARNING,
            "MX " + h.host() + " (preference " + h.preference() + ") matches no mx pattern of"
                + " the policy: " + effect + wildcardHint(h.host(), policy)
                + "; add 'mx: " + h.host() + "' (or a wildcard that covers it) to the policy"));
      }
    }
    if (applies) {
      for (MxPattern pattern : policy.mx()) {
        if (hosts.stream().noneMatch(h -> pattern.matches(h.host()))) {
          findings.add(new Finding(Code.POLICY_MX_UNUSED.token(), Severity.WARNING, "mx pattern "
              + pattern.value() + " of the policy matches none of the MX hosts of " + domain
              + (noneCovered
                  ? "; since no MX host is covered at all, correct the mx patterns or the MX"
                      + " records so that they agree"
                  : "; remove it unless a new MX is on its way")));
        }
      }
    }
    return facts;
  }

  /**
   * When a wildcard pattern of the policy is for a parent domain of the host but too far up, says
   * that {@code *.} stands for exactly one label.
   */
  private static String wildcardHint(String host, Policy policy) {
    for (MxPattern pattern : policy.mx()) {
      String p = pattern.value().toLowerCase(Locale.ROOT);
      if (!pattern.isWildcard() || !host.endsWith(p.substring(1))) {
        continue;
      }
      String labels = host.substring(0, host.length() - p.length() + 1);
      if (labels.indexOf('.') > 0) {
        return " (the pattern " + pattern.value() + " covers exactly one label in place of the"
            + " '*', such as " + labels.substring(labels.lastIndexOf('.') + 1) + p.substring(1)
            + ", not the " + (labels.split("\\.").length) + " labels of " + host + ")";
      }
    }
    return "";
  }

  // ------------------------------------------------------------------ SMTP

  private static void smtpFindings(List<MxFacts> mx, boolean enforce, List<Finding> findings) {
    Severity severity = enforce ? Severity.ERROR : Severity.WARNING;
    String refused = enforce
        ? "senders that apply the policy refuse to deliver to it"
        : "under mode enforce senders would refuse to deliver to it";
    for (MxFacts m : mx) {
      SmtpFacts s = m.smtp();
      if (s == null) {
        continue;
      }
      String who = "MX " + m.host() + (s.address() == null ? "" : " (" + s.address() + ")");
      switch (s.outcome()) {
        case PASSED -> { }
        case UNREACHABLE, TIMED_OUT -> findings.add(new Finding(Code.MX_UNREACHABLE.token(),
            Severity.WARNING, who + ": no SMTP session from here: " + s.error()
                + "; its STARTTLS, TLS version and certificate were not checked"));
        case NO_STARTTLS -> findings.add(new Finding(Code.MX_STARTTLS_MISSING.token(), severity,
            who + ": " + s.error() + ", so a sender cannot use TLS with it: " + refused
                + " (starttls-not-supported). Fix: enable STARTTLS on it, with a certificate"
                + " for " + m.host()));
        case OLD_TLS -> findings.add(new Finding(Code.MX_TLS_VERSION_OLD.token(), severity,
            who + ": it offers no TLS version of 1.2 or newer (" + s.error() + "): " + refused
                + " (validation-failure; RFC 8461 section 4 requires TLS 1.2 or newer). Fix:"
                + " enable TLS 1.2 and 1.3 in its TLS settings"));
        case HANDSHAKE_FAILED -> findings.add(new Finding(Code.MX_TLS_VERSION_OLD.token(),
            severity, who + ": no TLS 1.2 or newer session could be set up (" + s.error()
                + "): " + refused + " (validation-failure). Fix: enable TLS 1.2 and 1.3 with"
                + " current cipher suites in its TLS settings"));
        case CERTIFICATE_INVALID -> {
          Failure f = s.failure();
          String advice = s.certificate() == null ? ""
              : ". " + upperFirst(CertificateAdvice.explain(m.host(), f, s.certificate()));
          findings.add(new Finding(Code.MX_CERTIFICATE_INVALID.token(), severity,
              who + ": its certificate fails a sender's check: " + f.detail() + " ("
                  + f.resultType().token() + "): " + refused + advice));
        }
        default -> throw new IllegalStateException("unknown outcome " + s.outcome());
      }
    }
  }

  private static String upperFirst(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  // ------------------------------------------------------------------ DNS failures

  /** A DNS failure's detail; a timeout is told in terms of the user's {@code --timeout}. */
  private String dnsDetail(DnsResult.TemporaryFailure<?> failure, String what) {
    return failure.reason() == DnsResult.Reason.TIMEOUT ? noAnswer(what) : failure.detail();
  }

  private String noAnswer(String what) {
    return "the DNS servers gave no answer for " + what + " (--timeout "
        + settings.timeoutText() + ")";
  }

  // ------------------------------------------------------------------ TLS-RPT

  private @Nullable TlsRptFacts tlsrpt(String name, DnsResult<List<String>> result,
      List<Finding> findings) {
    if (result instanceof DnsResult.TemporaryFailure<List<String>> failure) {
      findings.add(new Finding(Code.DNS_LOOKUP_FAILED.token(), Severity.ERROR,
          dnsDetail(failure, name + "/TXT") + "; senders then send no TLS-RPT reports"));
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
