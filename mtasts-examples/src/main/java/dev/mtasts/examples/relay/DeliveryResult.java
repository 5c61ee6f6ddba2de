package dev.mtasts.examples.relay;

import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.Verdict;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link MtaStsRelay#deliver} did with a message: delivered, deferred (try again later) or
 * bounced (failed for good). Every case lists the MX hosts tried, in order.
 */
public sealed interface DeliveryResult
    permits DeliveryResult.Delivered, DeliveryResult.Deferred, DeliveryResult.Bounced {

  /**
   * Returns what happened at each MX host, in the order they were tried.
   *
   * @return the attempts
   */
  List<Attempt> attempts();

  /**
   * An MX host accepted the message.
   *
   * @param host the MX host name
   * @param tls whether the message went over TLS (after STARTTLS)
   * @param verdict the MTA-STS verdict for the host: {@link Verdict.Deliver}, or {@link
   *     Verdict.DeliverAndReport} under a {@code testing} policy
   * @param attempts every host tried, this one last
   */
  record Delivered(String host, boolean tls, Verdict verdict, List<Attempt> attempts)
      implements DeliveryResult {
    /** Creates the result; the list is copied. */
    public Delivered {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(verdict, "verdict");
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * No MX host took the message this time; keep it queued and try again later.
   *
   * @param reason why, for logs
   * @param retryLater present when at least one MX host was refused by MTA-STS: the lookup's
   *     instruction to defer and to check the policy id again ({@code MtaSts.recheck}) before the
   *     message is ever failed for good (RFC 8461 section 5.1)
   * @param attempts every host tried
   */
  record Deferred(String reason, Optional<PolicyLookup.RetryLater> retryLater,
      List<Attempt> attempts) implements DeliveryResult {
    /** Creates the result; the list is copied. */
    public Deferred {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retryLater, "retryLater");
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * The message cannot be delivered: the domain does not exist or accepts no mail (null MX), or an
   * MX host rejected it with a permanent (5xx) reply. Never the result of an MTA-STS failure.
   *
   * @param reason why, for the bounce message
   * @param attempts every host tried
   */
  record Bounced(String reason, List<Attempt> attempts) implements DeliveryResult {
    /** Creates the result; the list is copied. */
    public Bounced {
      Objects.requireNonNull(reason, "reason");
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * What happened at one MX host.
   *
   * @param host the MX host name
   * @param verdict the MTA-STS verdict, when one was given (none when the host could not be reached
   *     or never got to STARTTLS)
   * @param outcome what happened, for logs
   */
  record Attempt(String host, Optional<Verdict> verdict, String outcome) {
    /** Creates an attempt. */
    public Attempt {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}
