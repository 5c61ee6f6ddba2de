package dev.mtasts.tlsrpt;

import dev.mtasts.result.ResultType;
import dev.mtasts.internal.Ip;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One failed session as a TLS-RPT {@code failure-details} entry counts it (RFC 8460 section 4.4):
 * sessions with equal values are added up in one entry.
 *
 * @param resultType the result type
 * @param failureReasonCode the {@code failure-reason-code}, a short error code or text
 * @param receivingMxHostname the MX host name the session went to
 * @param sendingMtaIp the sending address, in RFC 5952 text form for IPv6
 * @param receivingIp the receiving address, in RFC 5952 text form for IPv6
 * @param receivingMxHelo the EHLO name the server announced
 */
public record SessionFailure(ResultType resultType, Optional<String> failureReasonCode,
    String receivingMxHostname, Optional<String> sendingMtaIp, Optional<String> receivingIp,
    Optional<String> receivingMxHelo) {

  /**
   * Creates a session failure.
   *
   * @param resultType the result type
   * @param failureReasonCode the {@code failure-reason-code}, a short error code or text
   * @param receivingMxHostname the MX host name the session went to
   * @param sendingMtaIp the sending address, in RFC 5952 text form for IPv6
   * @param receivingIp the receiving address, in RFC 5952 text form for IPv6
   * @param receivingMxHelo the EHLO name the server announced
   */
  public SessionFailure {
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(failureReasonCode, "failureReasonCode");
    Objects.requireNonNull(receivingMxHostname, "receivingMxHostname");
    Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
    Objects.requireNonNull(receivingIp, "receivingIp");
    Objects.requireNonNull(receivingMxHelo, "receivingMxHelo");
  }

  /**
   * Creates a session failure from addresses.
   *
   * @param resultType the result type
   * @param failureReasonCode the failure reason code, or {@code null} for none
   * @param receivingMxHostname the MX host name
   * @param sendingMtaIp the sending address, or {@code null}
   * @param receivingIp the receiving address, or {@code null}
   * @param receivingMxHelo the server's EHLO name, or {@code null}
   * @return the failure
   */
  public static SessionFailure of(ResultType resultType,
      @org.jspecify.annotations.Nullable String failureReasonCode, String receivingMxHostname,
      @org.jspecify.annotations.Nullable InetAddress sendingMtaIp,
      @org.jspecify.annotations.Nullable InetAddress receivingIp,
      @org.jspecify.annotations.Nullable String receivingMxHelo) {
    return new SessionFailure(resultType, Optional.ofNullable(failureReasonCode),
        receivingMxHostname, Optional.ofNullable(sendingMtaIp).map(Ip::format),
        Optional.ofNullable(receivingIp).map(Ip::format), Optional.ofNullable(receivingMxHelo));
  }
}
