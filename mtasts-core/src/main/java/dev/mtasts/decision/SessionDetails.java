package dev.mtasts.decision;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the MTA knows about one SMTP session besides the MX host name, for TLS-RPT {@code
 * failure-details} (RFC 8460 section 4.4): the addresses on both ends and the greeting of the
 * receiving server. Every part is optional; {@link #NONE} has none of them.
 *
 * @param sendingMtaIp the local address the session was opened from
 * @param receivingIp the address of the MX host the session went to
 * @param receivingMxHelo the host name from the server's EHLO (or HELO) response, as announced
 * @param tlsReportDelivery whether this session delivers a TLS-RPT report by email: RFC 8460 section
 *     5.3.1 requires such a message to be delivered despite MTA-STS and DANE failures, so the verdict
 *     never refuses it, and the session is left out of the next report
 */
public record SessionDetails(Optional<InetAddress> sendingMtaIp, Optional<InetAddress> receivingIp,
    Optional<String> receivingMxHelo, boolean tlsReportDelivery) {

  /** No details: what the overloads without a {@code SessionDetails} parameter pass. */
  public static final SessionDetails NONE =
      new SessionDetails(Optional.empty(), Optional.empty(), Optional.empty(), false);

  /**
   * Creates session details.
   *
   * @param sendingMtaIp the local address the session was opened from
   * @param receivingIp the address of the MX host the session went to
   * @param receivingMxHelo the host name from the server's EHLO (or HELO) response, as announced
   * @param tlsReportDelivery whether this session delivers a TLS-RPT report by email: RFC 8460
   *     section 5.3.1 requires such a message to be delivered despite MTA-STS and DANE failures, so
   *     the verdict never refuses it, and the session is left out of the next report
   */
  public SessionDetails {
    Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
    Objects.requireNonNull(receivingIp, "receivingIp");
    Objects.requireNonNull(receivingMxHelo, "receivingMxHelo");
  }

  /**
   * Creates details with the sending address only: for a session that was never opened (an MX host
   * the policy does not list) or whose peer address is not known.
   *
   * @param sendingMtaIp the local address the MTA sends from
   * @return the details
   */
  public static SessionDetails sendingFrom(InetAddress sendingMtaIp) {
    return new SessionDetails(Optional.of(sendingMtaIp), Optional.empty(), Optional.empty(), false);
  }

  /**
   * Creates details with both addresses.
   *
   * @param sendingMtaIp the local address of the session
   * @param receivingIp the address of the MX host
   * @return the details
   */
  public static SessionDetails of(InetAddress sendingMtaIp, InetAddress receivingIp) {
    return new SessionDetails(Optional.of(sendingMtaIp), Optional.of(receivingIp), Optional.empty(),
        false);
  }

  /**
   * Returns these details with the server's EHLO name.
   *
   * @param helo the name the server announced
   * @return new details
   */
  public SessionDetails withHelo(String helo) {
    return new SessionDetails(sendingMtaIp, receivingIp, Optional.of(helo), tlsReportDelivery);
  }

  /**
   * Returns these details marked as the delivery of a TLS-RPT report by email (see {@link
   * #tlsReportDelivery()}).
   *
   * @return new details
   */
  public SessionDetails asTlsReportDelivery() {
    return new SessionDetails(sendingMtaIp, receivingIp, receivingMxHelo, true);
  }
}
