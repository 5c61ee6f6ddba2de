package dev.mtasts.decision;

import dev.mtasts.result.Failure;
import java.util.Objects;

/** What an MTA does with an MX host after the TLS handshake (RFC 8461 section 5). */
public sealed interface Verdict permits Verdict.Deliver, Verdict.DeliverAndReport, Verdict.Refuse {

  /** Deliver: the host passed, or no policy applies. */
  record Deliver() implements Verdict {}

  /**
   * Deliver, but the host failed validation under a {@code testing} policy: the failure is reported.
   *
   * @param failure what failed
   */
  record DeliverAndReport(Failure failure) implements Verdict {
    /**
     * Creates the verdict.
     *
     * @param failure what failed
     */
    public DeliverAndReport {
      Objects.requireNonNull(failure, "failure");
    }
  }

  /**
   * Do not deliver to this host: treat it as a temporary failure and try the next MX (RFC 8461
   * section 8.4). Never a permanent failure.
   *
   * @param failure what failed
   */
  record Refuse(Failure failure) implements Verdict {
    /**
     * Creates the verdict.
     *
     * @param failure what failed
     */
    public Refuse {
      Objects.requireNonNull(failure, "failure");
    }
  }
}
