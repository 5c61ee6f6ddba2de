package dev.mtasts.fetch;

import dev.mtasts.internal.ReceivedPolicy;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The outcome of fetching a policy: a valid policy, or a failure with its RFC 8460 result type. */
public sealed interface FetchResult permits FetchResult.Fetched, FetchResult.Failed {

  /**
   * A valid policy was fetched.
   *
   * @param policy the policy
   * @param warnings tolerated problems of the body
   * @param fetchedAt when the response was complete
   */
  record Fetched(Policy policy, List<Problem> warnings, Instant fetchedAt) implements FetchResult {
    /**
     * Creates the result; the list is copied.
     *
     * @param policy the policy
     * @param warnings tolerated problems of the body
     * @param fetchedAt when the response was complete
     */
    public Fetched {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * No valid policy could be fetched.
   *
   * @param resultType {@link ResultType#STS_WEBPKI_INVALID} for certificate problems of the policy
   *     host, {@link ResultType#STS_POLICY_FETCH_ERROR} for network and HTTP problems, {@link
   *     ResultType#STS_POLICY_INVALID} for a body that is not a valid policy
   * @param detail what went wrong, for people; safe to log
   * @param problems for an invalid body, the parser's errors; otherwise empty
   * @param receivedPolicy for an invalid body, its lines as received, bounded in number and length
   *     for a TLS-RPT {@code policy-string} (RFC 8460 section 4.4); otherwise empty
   */
  record Failed(ResultType resultType, String detail, List<Problem> problems,
      List<String> receivedPolicy) implements FetchResult {
    /**
     * Creates the result; the lists are copied.
     *
     * @param resultType {@link ResultType#STS_WEBPKI_INVALID} for certificate problems of the
     *     policy host, {@link ResultType#STS_POLICY_FETCH_ERROR} for network and HTTP problems,
     *     {@link ResultType#STS_POLICY_INVALID} for a body that is not a valid policy
     * @param detail what went wrong, for people; safe to log
     * @param problems for an invalid body, the parser's errors; otherwise empty
     * @param receivedPolicy for an invalid body, its lines as received, bounded in number and
     *     length for a TLS-RPT {@code policy-string} (RFC 8460 section 4.4); otherwise empty
     */
    public Failed {
      Objects.requireNonNull(resultType, "resultType");
      Objects.requireNonNull(detail, "detail");
      problems = List.copyOf(problems);
      receivedPolicy = List.copyOf(receivedPolicy);
    }

    /**
     * Creates a result without received policy lines.
     *
     * @param resultType the result type
     * @param detail what went wrong, for people; safe to log
     * @param problems for an invalid body, the parser's errors; otherwise empty
     */
    public Failed(ResultType resultType, String detail, List<Problem> problems) {
      this(resultType, detail, problems, List.of());
    }

    /**
     * The reportable failure of this fetch. Its reason code is the result type's token, except
     * for an invalid policy, where it is the parser's first error ({@code line N: message}), and
     * only an invalid policy carries its received lines.
     *
     * @return the failure
     */
    public Failure failure() {
      boolean invalid = resultType == ResultType.STS_POLICY_INVALID;
      String code = invalid && !problems.isEmpty()
          ? ReceivedPolicy.reasonCode(problems.get(0))
          : resultType.token();
      return new Failure(resultType, code, detail, invalid ? receivedPolicy : List.of());
    }
  }
}
