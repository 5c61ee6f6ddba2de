package dev.mtasts.discovery;

import dev.mtasts.dns.DnsResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.result.ResultType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of discovering the MTA-STS policy of a domain (RFC 8461 section 3).
 *
 * <p>What a sender does with each outcome (RFC 8461 section 5.1): with {@link Found} it applies and
 * caches the policy; with {@link NoPolicy} and {@link PolicyFailure} it applies a fresh cached policy
 * if it has one and otherwise delivers as without MTA-STS; with {@link TemporaryFailure} it keeps any
 * cached policy. {@link PolicyFailure} is reportable through TLS-RPT with its result type.
 */
public sealed interface Discovery
    permits Discovery.Found, Discovery.NoPolicy, Discovery.TemporaryFailure, Discovery.PolicyFailure {

  /**
   * Returns the policy domain this outcome is for.
   *
   * @return the domain, lower-case A-labels
   */
  String domain();

  /**
   * A valid record and a valid policy were found.
   *
   * @param domain the policy domain
   * @param record the {@code _mta-sts} record
   * @param policy the policy
   * @param fetchedAt when the policy was fetched
   * @param warnings tolerated problems of the record and the policy body
   */
  record Found(String domain, StsRecord record, Policy policy, Instant fetchedAt,
      List<Problem> warnings) implements Discovery {
    /**
     * Creates the outcome; the list is copied.
     *
     * @param domain the policy domain
     * @param record the {@code _mta-sts} record
     * @param policy the policy
     * @param fetchedAt when the policy was fetched
     * @param warnings tolerated problems of the record and the policy body
     */
    public Found {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The domain has no available policy: no usable {@code _mta-sts} record.
   *
   * @param domain the policy domain
   * @param reason why
   * @param detail what was found, for people; safe to log
   * @param problems the record parser's errors and warnings, when there was an answer to parse
   */
  record NoPolicy(String domain, NoPolicyReason reason, String detail, List<Problem> problems)
      implements Discovery {
    /**
     * Creates the outcome; the list is copied.
     *
     * @param domain the policy domain
     * @param reason why
     * @param detail what was found, for people; safe to log
     * @param problems the record parser's errors and warnings, when there was an answer to parse
     */
    public NoPolicy {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      problems = List.copyOf(problems);
    }
  }

  /**
   * The TXT lookup failed temporarily; nothing is known, and this is never "no policy".
   *
   * @param domain the policy domain
   * @param reason the kind of DNS failure
   * @param detail what happened, for people; safe to log
   */
  record TemporaryFailure(String domain, DnsResult.Reason reason, String detail)
      implements Discovery {
    /**
     * Creates the outcome.
     *
     * @param domain the policy domain
     * @param reason the kind of DNS failure
     * @param detail what happened, for people; safe to log
     */
    public TemporaryFailure {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * A valid record was found, but no valid policy could be fetched.
   *
   * @param domain the policy domain
   * @param record the {@code _mta-sts} record
   * @param resultType {@link ResultType#STS_POLICY_FETCH_ERROR}, {@link
   *     ResultType#STS_WEBPKI_INVALID} or {@link ResultType#STS_POLICY_INVALID}
   * @param detail what went wrong, for people; safe to log
   * @param problems for an invalid policy, the parser's errors
   * @param receivedPolicy for an invalid policy, its lines as received (bounded; see {@link
   *     dev.mtasts.fetch.FetchResult.Failed#receivedPolicy()}); otherwise empty
   */
  record PolicyFailure(String domain, StsRecord record, ResultType resultType, String detail,
      List<Problem> problems, List<String> receivedPolicy) implements Discovery {
    /**
     * Creates the outcome; the lists are copied.
     *
     * @param domain the policy domain
     * @param record the {@code _mta-sts} record
     * @param resultType {@link ResultType#STS_POLICY_FETCH_ERROR}, {@link
     *     ResultType#STS_WEBPKI_INVALID} or {@link ResultType#STS_POLICY_INVALID}
     * @param detail what went wrong, for people; safe to log
     * @param problems for an invalid policy, the parser's errors
     * @param receivedPolicy for an invalid policy, its lines as received (bounded; see {@link
     *     dev.mtasts.fetch.FetchResult.Failed#receivedPolicy()}); otherwise empty
     */
    public PolicyFailure {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(resultType, "resultType");
      Objects.requireNonNull(detail, "detail");
      problems = List.copyOf(problems);
      receivedPolicy = List.copyOf(receivedPolicy);
    }

    /**
     * Creates the outcome without received policy lines.
     *
     * @param domain the policy domain
     * @param record the {@code _mta-sts} record
     * @param resultType the result type
     * @param detail what went wrong, for people; safe to log
     * @param problems for an invalid policy, the parser's errors
     */
    public PolicyFailure(String domain, StsRecord record, ResultType resultType, String detail,
        List<Problem> problems) {
      this(domain, record, resultType, detail, problems, List.of());
    }
  }
}
