package dev.mtasts.decision;

import dev.mtasts.result.Failure;
import java.util.Objects;
import java.util.Optional;

/**
 * One MX host of a delivery, as the policy sees it.
 *
 * @param host the MX host name as the MTA gave it
 * @param permitted whether the MTA may try this host; {@code false} only under an {@code enforce}
 *     policy that does not list it, in which case the MTA treats it as a transient failure
 * @param failure why the host does not match the policy, when it does not (also under {@code
 *     testing}, where the host is still permitted but the mismatch is reported)
 */
public record MxCandidate(String host, boolean permitted, Optional<Failure> failure) {
  /** Creates a candidate. */
  public MxCandidate {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(failure, "failure");
  }
}
