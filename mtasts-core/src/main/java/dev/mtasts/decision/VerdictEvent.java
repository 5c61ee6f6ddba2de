package dev.mtasts.decision;

import dev.mtasts.result.Failure;
import java.util.Objects;
import java.util.Optional;

/**
 * One verdict with everything a reporter needs to count it: what a {@link VerdictListener} receives.
 *
 * @param lookup the lookup that gave the verdict (the policy state and the policy domain)
 * @param mxHost the MX host the session went to
 * @param session what the MTA told about the session
 * @param verdict the verdict
 * @param sessionFailure what failed in the session, also when the verdict delivers because no policy
 *     applies (a missing STARTTLS, a failed handshake); empty when nothing failed or nothing was
 *     checked
 */
public record VerdictEvent(PolicyLookup lookup, String mxHost, SessionDetails session,
    Verdict verdict, Optional<Failure> sessionFailure) {
  /**
   * Creates an event.
   *
   * @param lookup the lookup that gave the verdict (the policy state and the policy domain)
   * @param mxHost the MX host the session went to
   * @param session what the MTA told about the session
   * @param verdict the verdict
   * @param sessionFailure what failed in the session, also when the verdict delivers because no
   *     policy applies (a missing STARTTLS, a failed handshake); empty when nothing failed or
   *     nothing was checked
   */
  public VerdictEvent {
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(mxHost, "mxHost");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(sessionFailure, "sessionFailure");
  }

}
