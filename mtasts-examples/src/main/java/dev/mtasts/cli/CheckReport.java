package dev.mtasts.cli;

import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import dev.mtasts.tlsrpt.TlsRptRecord;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code mtasts check} found out about a domain: the findings and the facts they rest on.
 *
 * @param domain the domain checked, lower-case A-labels
 * @param findings the findings, in the order the checks ran
 * @param record the {@code _mta-sts} TXT answer; null when the name has no TXT records or the lookup
 *     failed
 * @param policy the policy fetch; null when it was not attempted (no valid record)
 * @param mx the MX hosts by preference; empty for a null MX, a domain that does not exist, or a
 *     failed lookup
 * @param tlsrpt the {@code _smtp._tls} TXT answer; null when the name has no TXT records or the
 *     lookup failed
 * @param failed the DNS lookups that failed (SERVFAIL, timeout, ...): nothing is known there
 */
record CheckReport(String domain, List<Finding> findings, @Nullable RecordFacts record,
    @Nullable PolicyFacts policy, List<MxFacts> mx, @Nullable TlsRptFacts tlsrpt,
    Set<Lookup> failed) {

  CheckReport {
    findings = List.copyOf(findings);
    mx = List.copyOf(mx);
    failed = failed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(failed));
  }

  /** The DNS lookups of a check. */
  enum Lookup {
    /** The {@code _mta-sts} TXT lookup. */
    RECORD,
    /** The MX lookup. */
    MX,
    /** The {@code _smtp._tls} TXT lookup. */
    TLSRPT
  }

  /** How serious a finding is. */
  enum Severity {
    /** Something is broken: senders will not apply the policy, or mail would fail. */
    ERROR,
    /** Something works but should be fixed. */
    WARNING,
    /** Worth knowing; nothing to fix. */
    INFO;

    String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One finding.
   *
   * @param code a stable identifier, for example {@code mx-not-covered}
   * @param severity how serious it is
   * @param message what was found and what to do, for people
   */
  record Finding(String code, Severity severity, String message) {
    Finding {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The {@code _mta-sts} TXT answer.
   *
   * @param name the name looked up
   * @param txt the records, each joined from its strings
   * @param id the policy id, when exactly one valid STS record was found
   * @param errors the record parser's errors
   * @param warnings the record parser's warnings
   */
  record RecordFacts(String name, List<String> txt, @Nullable String id, List<Problem> errors,
      List<Problem> warnings) {
    RecordFacts {
      txt = List.copyOf(txt);
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The policy fetch.
   *
   * @param url where the policy was fetched from
   * @param policy the policy, when a valid one was fetched
   * @param resultType the RFC 8460 result type, when none was
   * @param errors the policy parser's errors (for an invalid body)
   * @param warnings the policy parser's warnings (for a valid body)
   */
  record PolicyFacts(URI url, @Nullable Policy policy, @Nullable ResultType resultType,
      List<Problem> errors, List<Problem> warnings) {
    PolicyFacts {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * One MX host.
   *
   * @param host the host name
   * @param preference its preference
   * @param covered whether the policy's mx patterns match it; null without a policy in mode enforce
   *     or testing
   * @param smtp what a sender sees when it connects; null when the host was not probed
   */
  record MxFacts(String host, int preference, @Nullable Boolean covered,
      @Nullable SmtpFacts smtp) {}

  /**
   * What a sender sees when it connects to an MX host (RFC 8461 section 4: STARTTLS, TLS 1.2 or
   * newer, a certificate that chains to a trusted root and names the host).
   *
   * @param address the address connected to (the first one tried when none answered); null when
   *     the host has no address
   * @param tlsVersion the TLS version negotiated, null without a TLS session
   * @param certificate what the server's certificate holds; null without a TLS session
   * @param error what went wrong, for people; null when everything passed
   * @param outcome how the probe ended, for the findings
   * @param failure the library's certificate verdict, when the certificate failed
   */
  record SmtpFacts(@Nullable String address, @Nullable String tlsVersion,
      @Nullable CertificateFacts certificate, @Nullable String error, Outcome outcome,
      @Nullable Failure failure) {

    /**
     * Whether the server offered STARTTLS and accepted the command.
     *
     * @return true when a TLS handshake was tried
     */
    boolean starttls() {
      return switch (outcome) {
        case PASSED, OLD_TLS, HANDSHAKE_FAILED, CERTIFICATE_INVALID -> true;
        case UNREACHABLE, TIMED_OUT, NO_STARTTLS -> false;
      };
    }

    /**
     * What a sender applying a policy in mode enforce records for this host (RFC 8460 section
     * 4.3).
     *
     * @return the result type; null when the session passes or no session was possible
     */
    @Nullable ResultType resultType() {
      return switch (outcome) {
        case NO_STARTTLS -> ResultType.STARTTLS_NOT_SUPPORTED;
        case OLD_TLS, HANDSHAKE_FAILED -> ResultType.VALIDATION_FAILURE;
        case CERTIFICATE_INVALID -> failure == null ? null : failure.resultType();
        case PASSED, UNREACHABLE, TIMED_OUT -> null;
      };
    }

    /** How a probe ended. */
    enum Outcome {
      /** STARTTLS, TLS 1.2 or newer and a certificate that passes. */
      PASSED,
      /** No SMTP session: no address, no connection, no greeting, EHLO refused. */
      UNREACHABLE,
      /** No SMTP session within the time limit, or no connection in time. */
      TIMED_OUT,
      /** The server does not offer STARTTLS (or refuses the command). */
      NO_STARTTLS,
      /** The server offers no TLS version of 1.2 or newer. */
      OLD_TLS,
      /** The TLS handshake failed for another reason. */
      HANDSHAKE_FAILED,
      /** The certificate fails a sender's check. */
      CERTIFICATE_INVALID
    }

    static SmtpFacts unreachable(@Nullable String address, String error, boolean timedOut) {
      return new SmtpFacts(address, null, null, error,
          timedOut ? Outcome.TIMED_OUT : Outcome.UNREACHABLE, null);
    }
  }

  /**
   * The {@code _smtp._tls} TXT answer.
   *
   * @param name the name looked up
   * @param txt the records, each joined from its strings
   * @param record the TLS-RPT record, when exactly one valid one was found
   * @param errors the record parser's errors
   * @param warnings the record parser's warnings
   */
  record TlsRptFacts(String name, List<String> txt, @Nullable TlsRptRecord record,
      List<Problem> errors, List<Problem> warnings) {
    TlsRptFacts {
      txt = List.copyOf(txt);
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Tells whether any finding is an error.
   *
   * @return {@code true} when at least one finding has severity {@link Severity#ERROR}
   */
  boolean hasErrors() {
    return count(Severity.ERROR) > 0;
  }

  /**
   * Counts the findings of one severity.
   *
   * @param severity the severity
   * @return how many findings have it
   */
  long count(Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).count();
  }
}
