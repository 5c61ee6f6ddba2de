package dev.mtasts.examples.relay;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.MtaStsTrustManager;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.Verdict;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.MxRecords;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Delivers a message to the MX hosts of a domain with Jakarta Mail (Eclipse Angus Mail), applying
 * MTA-STS (RFC 8461) through {@link MtaSts}. This is the delivery loop of an MTA, reduced to what
 * MTA-STS touches:
 *
 * <ol>
 *   <li>{@link MtaSts#lookup(String) look up} the policy of the recipient domain; defer when the
 *       lookup says so ({@code deferWhenUnavailable});
 *   <li>get the MX list from DNS and walk {@link PolicyLookup#candidates(List)} in preference order;
 *       a host the enforced policy does not list is left out, and the lookup reports it;
 *   <li>connect with Angus to the MX <em>name</em> (so SNI and the certificate check use it) with
 *       STARTTLS enabled, through a fresh {@code SSLContext} whose only trust manager is {@link
 *       MtaSts#trustManager(PolicyLookup, String)}: the certificate, name and TLS version checks run
 *       inside Angus's own handshake, and under {@code enforce} a failing host fails the handshake;
 *   <li>when the host offered no STARTTLS, ask {@link PolicyLookup#starttlsNotSupported(String)}
 *       before anything else is sent: under {@code enforce} the relay says QUIT and moves on, so
 *       nothing of the message ever travels in plain text;
 *   <li>send to the first host whose verdict is deliver (or deliver-and-report, under {@code
 *       testing}); when none took the message, defer it with the lookup's {@link
 *       PolicyLookup#allCandidatesFailed() retry-later instruction}.
 * </ol>
 *
 * <p>The Angus settings that matter ({@code mail.smtp.*}):
 *
 * <pre>
 * starttls.enable          true
 * starttls.required        false  (the relay decides itself, through the lookup, right after EHLO)
 * ssl.checkserveridentity  false  (the trust manager checks the name as RFC 8461 requires; Angus's
 *                                  check would fall back to the CN and allow more wildcards)
 * ssl.protocols            "TLSv1.3 TLSv1.2"
 * ssl.socketFactory        the per-connection SSLContext's factory, applying MtaSts.sslParameters
 *                          (SNI = MX host name); an object, so put(), not setProperty()
 * ssl.trust                never set: it would replace the trust manager
 * </pre>
 *
 * <p>What it leaves out, as an MTA's own code would have it: queues and retry schedules, DANE (an
 * MTA that validates DANE passes its outcome to {@link PolicyLookup#verify(String, List, String,
 * dev.mtasts.decision.Dane)} and must not let MTA-STS override a DANE failure), IPv4/IPv6 address
 * selection, and plain-text fallback after a failed handshake (a failed handshake is a failure of
 * that host in every mode). It contacts port 25 unless {@link Builder#port(String, int)} says
 * otherwise for a host, which is how tests reach loopback servers; the host <em>name</em> is
 * resolved by the JVM as usual.
 *
 * <pre>{@code
 * MtaSts mtaSts = MtaSts.builder().build(); // caching; add store(...), reporting(...)
 * MtaStsRelay relay = MtaStsRelay.builder(mtaSts)
 *     .heloName("relay.example.net")
 *     .build();
 * DeliveryResult result = relay.deliver("example.com", message, recipients);
 * switch (result) { ... }   // Delivered, Deferred (keep it queued), Bounced
 * }</pre>
 *
 * <p>Thread-safe; each delivery uses its own Jakarta Mail session and connections.
 */
public final class MtaStsRelay {
  private static final int SMTP_PORT = 25;

  private final MtaSts mtaSts;
  private final Map<String, Integer> ports;
  private final String heloName;
  private final Duration timeout;

  private MtaStsRelay(Builder b) {
    this.mtaSts = b.mtaSts;
    this.ports = Map.copyOf(b.ports);
    this.heloName = b.heloName;
    this.timeout = b.timeout;
  }

  /**
   * Starts a builder.
   *
   * @param mtaSts the MTA-STS facade; its DNS client also answers the MX lookups
   * @return a new builder
   */
  public static Builder builder(MtaSts mtaSts) {
    return new Builder(mtaSts);
  }

  /**
   * Delivers a message to the recipients of one domain.
   *
   * @param domain the recipient domain (the policy domain)
   * @param message the message; its envelope sender is its From address unless the session
   *     property {@code mail.smtp.from} says otherwise
   * @param recipients the envelope recipients, all at {@code domain}
   * @return what happened
   * @throws MessagingException when the message itself cannot be prepared for sending
   */
  public DeliveryResult deliver(String domain, MimeMessage message, List<? extends Address> recipients)
      throws MessagingException {
    message.saveChanges();
    PolicyLookup lookup = mtaSts.lookup(domain);
    List<DeliveryResult.Attempt> attempts = new ArrayList<>();
    if (lookup.shouldDefer()) {
      return new DeliveryResult.Deferred("the MTA-STS policy of " + lookup.domain()
          + " could not be looked up: " + lookup.state(), Optional.empty(), attempts);
    }
    List<String> mxHosts;
    DnsResult<MxRecords> mx = mtaSts.mxAsync(lookup.domain()).join();
    if (mx instanceof DnsResult.Answer<MxRecords> answer) {
      mxHosts = answer.value().hostNames();
      if (mxHosts.isEmpty()) {
        return new DeliveryResult.Bounced(domain + " accepts no mail (null MX)", attempts);
      }
    } else if (mx instanceof DnsResult.TemporaryFailure<MxRecords> failure) {
      return new DeliveryResult.Deferred("the MX lookup of " + domain + " failed: "
          + failure.detail(), Optional.empty(), attempts);
    } else {
      return new DeliveryResult.Bounced(domain + " does not exist", attempts);
    }

    List<String> candidates = lookup.candidates(mxHosts); // reports the hosts it leaves out
    boolean refusedByMtaSts = candidates.size() < mxHosts.size();
    for (String host : mxHosts) {
      if (!candidates.contains(host)) {
        attempts.add(new DeliveryResult.Attempt(host, Optional.empty(), "not in the policy"));
      }
    }
    for (String host : candidates) {
      Try t = tryHost(lookup, host, message, recipients);
      attempts.add(new DeliveryResult.Attempt(host, t.verdict(), t.outcome()));
      switch (t.kind()) {
        case SENT:
          return new DeliveryResult.Delivered(host, t.tls(), t.verdict().orElseThrow(), attempts);
        case REJECTED:
          return new DeliveryResult.Bounced(host + " rejected the message: " + t.outcome(),
              attempts);
        case REFUSED:
          refusedByMtaSts = true;
          break;
        default:
          break;
      }
    }
    if (refusedByMtaSts) {
      PolicyLookup.RetryLater retry = lookup.allCandidatesFailed();
      return new DeliveryResult.Deferred(retry.message(), Optional.of(retry), attempts);
    }
    return new DeliveryResult.Deferred("no MX host of " + domain + " could take the message",
        Optional.empty(), attempts);
  }

  private enum Kind {
    /** The host took the message. */
    SENT,
    /** MTA-STS refused the host. */
    REFUSED,
    /** The host failed for a reason that may pass: connection, 4xx reply. */
    FAILED,
    /** The host rejected the message for good (5xx). */
    REJECTED
  }

  private record Try(Kind kind, boolean tls, Optional<Verdict> verdict, String outcome) {}

  private Try tryHost(PolicyLookup lookup, String host, MimeMessage message,
      List<? extends Address> recipients) {
    MtaStsTrustManager trust = mtaSts.trustManager(lookup, host);
    SSLContext tls;
    try {
      // A context per connection: a shared one could resume a session, which skips the check.
      tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
    Properties props = new Properties();
    props.put("mail.smtp.localhost", heloName);
    props.put("mail.smtp.connectiontimeout", String.valueOf(timeout.toMillis()));
    props.put("mail.smtp.timeout", String.valueOf(timeout.toMillis()));
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "false");
    props.put("mail.smtp.ssl.checkserveridentity", "false");
    props.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
    props.put("mail.smtp.ssl.socketFactory",
        new MxSocketFactory(tls.getSocketFactory(), mtaSts.sslParameters(host)));
    Session session = Session.getInstance(props);

    SMTPTransport transport;
    try {
      transport = (SMTPTransport) session.getTransport("smtp");
    } catch (MessagingException e) {
      throw new IllegalStateException("Angus Mail's SMTP provider is missing", e);
    }
    try {
      try {
        // EHLO, and STARTTLS with the handshake when the host offers it; nothing else is sent yet
        transport.connect(host, port(host), null, null);
      } catch (MessagingException e) {
        return connectFailed(lookup, host, trust, transport, e);
      }
      Verdict verdict;
      if (!transport.isSSL()) {
        verdict = lookup.starttlsNotSupported(host);
      } else {
        verdict = trust.afterHandshake();
      }
      if (verdict instanceof Verdict.Refuse refuse) {
        return new Try(Kind.REFUSED, false, Optional.of(verdict),
            "refused by MTA-STS: " + refuse.failure().detail());
      }
      try {
        transport.sendMessage(message, recipients.toArray(new Address[0]));
        return new Try(Kind.SENT, transport.isSSL(), Optional.of(verdict),
            "delivered" + (transport.isSSL() ? " over TLS" : " without TLS"));
      } catch (SMTPSendFailedException e) {
        return new Try(e.getReturnCode() >= 500 ? Kind.REJECTED : Kind.FAILED, transport.isSSL(),
            Optional.of(verdict), String.valueOf(e.getMessage()).strip());
      } catch (MessagingException e) {
        return new Try(Kind.FAILED, transport.isSSL(), Optional.of(verdict),
            "sending failed: " + e.getMessage());
      }
    } finally {
      try {
        transport.close(); // QUIT
      } catch (MessagingException ignored) {
        // the connection is gone anyway
      }
    }
  }

  /**
   * Sorts out why {@code connect} failed: the trust manager refused the certificate (enforce), the
   * host refused STARTTLS, the handshake failed otherwise, or the host could not be reached at all
   * (not an MTA-STS failure).
   */
  private static Try connectFailed(PolicyLookup lookup, String host, MtaStsTrustManager trust,
      SMTPTransport transport, MessagingException e) {
    if (transport.supportsExtension("STARTTLS")) {
      if (transport.getLastReturnCode() != 220) {
        Verdict verdict = lookup.starttlsNotSupported(host); // offered, then refused
        return new Try(verdict instanceof Verdict.Refuse ? Kind.REFUSED : Kind.FAILED, false,
            Optional.of(verdict), "STARTTLS failed: " + e.getMessage());
      }
      // the handshake failed: the trust manager refused the host, or it never got that far
      Throwable cause = rootCause(e);
      Verdict verdict = trust.afterHandshake(
          cause instanceof Exception ex ? ex : new Exception(String.valueOf(cause.getMessage())));
      if (verdict instanceof Verdict.Refuse refuse) {
        return new Try(Kind.REFUSED, false, Optional.of(verdict),
            "refused by MTA-STS in the handshake: " + refuse.failure().detail());
      }
      return new Try(Kind.FAILED, false, Optional.of(verdict),
          "STARTTLS failed: " + e.getMessage());
    }
    return new Try(Kind.FAILED, false, Optional.empty(), "could not connect: " + e.getMessage());
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    for (int i = 0; i < 16 && cause.getCause() != null; i++) {
      cause = cause.getCause();
    }
    return cause;
  }

  private int port(String host) {
    return ports.getOrDefault(key(host), SMTP_PORT);
  }

  private static String key(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** Builds an {@link MtaStsRelay}. */
  public static final class Builder {
    private final MtaSts mtaSts;
    private final Map<String, Integer> ports = new HashMap<>();
    private String heloName = "localhost";
    private Duration timeout = Duration.ofMinutes(1);

    private Builder(MtaSts mtaSts) {
      this.mtaSts = Objects.requireNonNull(mtaSts, "mtaSts");
    }

    /**
     * Contacts one MX host on another port than 25; the host is still addressed by its name, so
     * SNI and the certificate check are unchanged. Meant for tests with servers on loopback.
     *
     * @param host the MX host name
     * @param port the port
     * @return this builder
     */
    public Builder port(String host, int port) {
      if (port < 1 || port > 0xffff) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      ports.put(key(host), port);
      return this;
    }

    /**
     * Sets the name the relay gives in EHLO; by default {@code localhost}.
     *
     * @param heloName this relay's host name
     * @return this builder
     */
    public Builder heloName(String heloName) {
      this.heloName = Objects.requireNonNull(heloName, "heloName");
      return this;
    }

    /**
     * Sets the connect and read timeout of each SMTP connection; one minute by default.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Builds the relay.
     *
     * @return the relay
     */
    public MtaStsRelay build() {
      return new MtaStsRelay(this);
    }
  }
}
