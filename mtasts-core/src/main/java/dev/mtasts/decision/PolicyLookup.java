package dev.mtasts.decision;

import dev.mtasts.result.Failure;
import dev.mtasts.internal.Text;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.Policy;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.result.ResultType;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The policy that applies to one delivery, and the decisions that follow from it. Immutable and
 * thread-safe; get one from {@link MtaSts#lookup(String)} per delivery attempt.
 *
 * <p>Each decision gives a {@link Verdict} for one MX host and is reported to the verdict listener
 * exactly once: {@link #candidates} reports the hosts an {@code enforce} policy does not list (and
 * leaves them out), {@link #starttlsNotSupported} decides after EHLO, and the {@link
 * MtaStsTrustManager} decides in the handshake ({@link MtaStsTrustManager#afterHandshake()} gives
 * its verdict, or reports a handshake that failed before the certificate). An MTA that cannot
 * install a trust manager calls {@link #verify} after the handshake, or {@link #handshakeFailed}.
 * {@link #allCandidatesFailed} says what to do when no host took the message.
 *
 * <pre>{@code
 * PolicyLookup lookup = mtaSts.lookup("example.com");
 * for (String mx : lookup.candidates(mxHosts)) {
 *   // connect, EHLO, STARTTLS with mtaSts.trustManager(lookup, mx) ...
 * }
 * }</pre>
 */
public final class PolicyLookup {

  /** What applies to the domain. */
  public enum Status {
    /** An {@code enforce} policy: failing hosts are refused. */
    ENFORCE,
    /** A {@code testing} policy: failing hosts are used but reported. */
    TESTING,
    /** A {@code none} policy: deliver as without MTA-STS. */
    NONE,
    /** The domain has no available policy (no record, or a policy that could not be fetched). */
    NO_POLICY,
    /** The TXT lookup failed temporarily and nothing was cached (see {@link #shouldDefer()}). */
    UNAVAILABLE
  }

  private final PolicyState state;
  private final Status status;
  private final CertificateVerifier verifier;
  private final VerdictListener listener;
  private final boolean deferWhenUnavailable;

  PolicyLookup(PolicyState state, CertificateVerifier verifier, VerdictListener listener,
      boolean deferWhenUnavailable) {
    this.state = Objects.requireNonNull(state, "state");
    this.verifier = verifier;
    this.listener = listener;
    this.deferWhenUnavailable = deferWhenUnavailable;
    if (state instanceof PolicyState.Applied applied) {
      Mode mode = applied.policy().mode();
      this.status = mode == Mode.ENFORCE ? Status.ENFORCE
          : mode == Mode.TESTING ? Status.TESTING : Status.NONE;
    } else {
      this.status = state instanceof PolicyState.Unavailable ? Status.UNAVAILABLE : Status.NO_POLICY;
    }
  }

  /**
   * Returns what applies.
   *
   * @return the status
   */
  public Status status() {
    return status;
  }

  /**
   * Returns the policy domain.
   *
   * @return lower-case A-labels
   */
  public String domain() {
    return state.domain();
  }

  /**
   * Returns what the policy source knew, with the reason when no policy applies.
   *
   * @return the state
   */
  public PolicyState state() {
    return state;
  }

  /**
   * Returns the applied policy.
   *
   * @return the policy (also a {@code none} policy), or empty when no policy applies
   */
  public Optional<Policy> policy() {
    return state instanceof PolicyState.Applied applied
        ? Optional.of(applied.policy()) : Optional.empty();
  }

  /**
   * Tells whether the MTA should defer the delivery rather than send without MTA-STS: only when the
   * TXT lookup failed temporarily with nothing cached and the MTA chose {@link
   * MtaSts.Builder#deferWhenUnavailable(boolean)}.
   *
   * @return {@code true} to defer
   */
  public boolean shouldDefer() {
    return status == Status.UNAVAILABLE && deferWhenUnavailable;
  }

  /**
   * Filters the MTA's MX hosts by the policy (RFC 8461 section 5, step 2), keeping their order.
   * Under {@code enforce} a host the policy does not list is left out and reported to the verdict
   * listener as refused ({@code validation-failure}, {@code mx-not-in-policy}), so the mismatch
   * reaches the TLS-RPT report although no connection is made; treat it as unreachable. Under
   * {@code testing} every host stays and the mismatch is reported when the session is decided. With
   * no policy, or {@code none}, every host stays.
   *
   * <p>An empty result under {@code enforce} means no MX host may be used: defer the message
   * ({@link #allCandidatesFailed()}). A TLS-RPT report delivery ({@link
   * SessionDetails#tlsReportDelivery()}) keeps every host (RFC 8460 section 5.3.1).
   *
   * @param mxHosts the MX host names in the order the MTA tries them
   * @return the hosts to try, in the same order
   */
  public List<String> candidates(List<String> mxHosts) {
    return candidates(mxHosts, SessionDetails.NONE);
  }

  /**
   * As {@link #candidates(List)}, with what the MTA knows of the sessions it will not open (its
   * sending address, for the TLS-RPT failure details of the hosts left out).
   *
   * @param mxHosts the MX host names in the order the MTA tries them
   * @param details the session details for the reports of hosts left out
   * @return the hosts to try, in the same order
   */
  public List<String> candidates(List<String> mxHosts, SessionDetails details) {
    List<String> out = new ArrayList<>(mxHosts.size());
    for (String host : mxHosts) {
      if (status == Status.ENFORCE && !details.tlsReportDelivery() && mxMismatch(host).isPresent()) {
        decide(host, Dane.NOT_USED, details, Optional.empty(), Optional::empty);
      } else {
        out.add(host);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Decides on an MX host after the TLS handshake.
   *
   * @param mxHost the MX host name the connection was opened to
   * @param session the established TLS session
   * @return the verdict
   */
  public Verdict verify(String mxHost, SSLSession session) {
    return verify(mxHost, session, SessionDetails.NONE);
  }

  /**
   * Decides on an MX host after the TLS handshake, with the session's details for TLS-RPT.
   *
   * @param mxHost the MX host name the connection was opened to
   * @param session the established TLS session
   * @param details the addresses and EHLO name of the session
   * @return the verdict
   */
  public Verdict verify(String mxHost, SSLSession session, SessionDetails details) {
    return decide(mxHost, Dane.NOT_USED, details, Optional.empty(),
        () -> verifier.verify(mxHost, session));
  }

  /**
   * Decides on an MX host after the TLS handshake.
   *
   * @param mxHost the MX host name the connection was opened to
   * @param chain the peer's certificate chain, leaf first
   * @param protocol the negotiated protocol, e.g. {@code TLSv1.3}
   * @return the verdict
   */
  public Verdict verify(String mxHost, List<X509Certificate> chain, String protocol) {
    return verify(mxHost, chain, protocol, Dane.NOT_USED, SessionDetails.NONE);
  }

  /**
   * Decides on an MX host after the TLS handshake, with the session's details for TLS-RPT.
   *
   * @param mxHost the MX host name the connection was opened to
   * @param chain the peer's certificate chain, leaf first
   * @param protocol the negotiated protocol
   * @param details the addresses and EHLO name of the session
   * @return the verdict
   */
  public Verdict verify(String mxHost, List<X509Certificate> chain, String protocol,
      SessionDetails details) {
    return verify(mxHost, chain, protocol, Dane.NOT_USED, details);
  }

  /**
   * Decides on an MX host after the TLS handshake, taking the MTA's DANE outcome into account: a
   * failed DANE validation refuses the host whatever the policy says.
   *
   * @param mxHost the MX host name the connection was opened to
   * @param chain the peer's certificate chain, leaf first
   * @param protocol the negotiated protocol
   * @param dane the MTA's DANE outcome for this host
   * @return the verdict
   */
  public Verdict verify(String mxHost, List<X509Certificate> chain, String protocol, Dane dane) {
    return verify(mxHost, chain, protocol, dane, SessionDetails.NONE);
  }

  /**
   * Decides on an MX host after the TLS handshake, with the MTA's DANE outcome and the session's
   * details for TLS-RPT.
   *
   * @param mxHost the MX host name the connection was opened to
   * @param chain the peer's certificate chain, leaf first
   * @param protocol the negotiated protocol
   * @param dane the MTA's DANE outcome for this host
   * @param details the addresses and EHLO name of the session
   * @return the verdict
   */
  public Verdict verify(String mxHost, List<X509Certificate> chain, String protocol, Dane dane,
      SessionDetails details) {
    return decide(mxHost, dane, details, Optional.empty(),
        () -> verifier.verify(mxHost, chain, protocol));
  }

  /**
   * Decides on an MX host that did not offer STARTTLS (or refused it).
   *
   * @param mxHost the MX host name
   * @return the verdict: refused under {@code enforce}, reported under {@code testing}
   */
  public Verdict starttlsNotSupported(String mxHost) {
    return starttlsNotSupported(mxHost, SessionDetails.NONE);
  }

  /**
   * Decides on an MX host that did not offer STARTTLS (or refused it), with the session's details.
   * Without a policy the verdict delivers, and the failure still goes to the listener.
   *
   * @param mxHost the MX host name
   * @param details the addresses and EHLO name of the session
   * @return the verdict: refused under {@code enforce}, reported under {@code testing}
   */
  public Verdict starttlsNotSupported(String mxHost, SessionDetails details) {
    Failure failure = new Failure(ResultType.STARTTLS_NOT_SUPPORTED, "starttls-not-supported",
        "the host did not offer STARTTLS");
    return decide(mxHost, Dane.NOT_USED, details, Optional.of(failure), () -> Optional.of(failure));
  }

  /**
   * Decides on an MX host whose TLS handshake failed for a reason other than its certificate.
   *
   * @param mxHost the MX host name
   * @param reason what failed, e.g. the exception's message; it is quoted escaped
   * @return the verdict: refused under {@code enforce}, reported under {@code testing}
   */
  public Verdict handshakeFailed(String mxHost, String reason) {
    return handshakeFailed(mxHost, reason, SessionDetails.NONE);
  }

  /**
   * Decides on an MX host whose TLS handshake failed for a reason other than its certificate, with
   * the session's details.
   *
   * @param mxHost the MX host name
   * @param reason what failed, e.g. the exception's message; it is quoted escaped
   * @param details the addresses and EHLO name of the session
   * @return the verdict: refused under {@code enforce}, reported under {@code testing}
   */
  public Verdict handshakeFailed(String mxHost, String reason, SessionDetails details) {
    Failure failure = new Failure(ResultType.VALIDATION_FAILURE, "tls-handshake-failed",
        "the TLS handshake failed: " + Text.quote(reason));
    return decide(mxHost, Dane.NOT_USED, details, Optional.of(failure), () -> Optional.of(failure));
  }

  /**
   * What to do when every candidate failed: retry later, after checking the policy id again
   * ({@link MtaSts#recheck(String)}); never a permanent failure (RFC 8461 section 5).
   *
   * @return the instruction
   */
  public RetryLater allCandidatesFailed() {
    return new RetryLater(domain(), "no MX host of " + domain() + " passed MTA-STS validation;"
        + " defer the message, check the policy id again before the next attempt, and never fail"
        + " it permanently for this reason alone");
  }

  /**
   * The instruction after every candidate failed.
   *
   * @param domain the policy domain
   * @param message what to do, for logs
   */
  public record RetryLater(String domain, String message) {
    /**
     * Creates the instruction.
     *
     * @param domain the policy domain
     * @param message what to do, for logs
     */
    public RetryLater {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(message, "message");
    }
  }

  private Optional<Failure> mxMismatch(String host) {
    if (status != Status.ENFORCE && status != Status.TESTING) {
      return Optional.empty();
    }
    Policy policy = ((PolicyState.Applied) state).policy();
    if (policy.permits(host)) {
      return Optional.empty();
    }
    return Optional.of(new Failure(ResultType.VALIDATION_FAILURE, "mx-not-in-policy",
        "the MX host " + Text.quote(host) + " is not listed in the policy of " + domain()));
  }

  private Verdict decide(String mxHost, Dane dane, SessionDetails details,
      Optional<Failure> knownFailure, java.util.function.Supplier<Optional<Failure>> check) {
    Objects.requireNonNull(details, "details");
    Verdict verdict;
    Optional<Failure> seen;
    if (dane == Dane.FAILED) {
      Failure failure = new Failure(ResultType.TLSA_INVALID, "dane-failed",
          "DANE validation failed for " + Text.quote(mxHost) + "; MTA-STS never overrides it");
      verdict = new Verdict.Refuse(failure);
      seen = Optional.of(failure);
    } else if (status != Status.ENFORCE && status != Status.TESTING) {
      verdict = new Verdict.Deliver();
      seen = knownFailure;
    } else {
      Optional<Failure> failure = mxMismatch(mxHost);
      if (failure.isEmpty()) {
        failure = check.get();
      }
      seen = failure;
      if (failure.isEmpty()) {
        verdict = new Verdict.Deliver();
      } else if (status == Status.ENFORCE) {
        verdict = new Verdict.Refuse(failure.get());
      } else {
        verdict = new Verdict.DeliverAndReport(failure.get());
      }
    }
    if (details.tlsReportDelivery() && !(verdict instanceof Verdict.Deliver)) {
      // RFC 8460 section 5.3.1: a report is delivered despite MTA-STS and DANE failures, and its
      // session is not counted in a report, so nothing is left to report either.
      verdict = new Verdict.Deliver();
    }
    listener.onVerdict(new VerdictEvent(this, mxHost, details, verdict, seen));
    return verdict;
  }


  @Override
  public String toString() {
    return "PolicyLookup[" + domain() + ": " + status + "]";
  }
}
