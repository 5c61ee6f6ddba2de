package dev.mtasts.postfix;

import java.util.Objects;

/**
 * How one socketmap name answers. Postfix names the map in {@code main.cf}, for example {@code
 * smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8462:postfix}; the name ({@code postfix}) picks
 * the zone, and names without a zone of their own get the default zone.
 *
 * @param name the socketmap name
 * @param strictTesting answer a {@code testing} policy as if it were {@code enforce} (off by
 *     default: RFC 8461 section 5 says a testing policy never makes a delivery fail)
 * @param requireSni add {@code servername=hostname}, so Postfix sends the MX host name in SNI
 *     (Postfix 3.4 and later; on by default, RFC 8461 section 4.2 expects SNI)
 * @param tlsrptAttributes add the TLSRPT attributes of Postfix 3.10 ({@code policy_type},
 *     {@code policy_domain}, {@code mx_host_pattern}, {@code policy_string}); off by default,
 *     because Postfix 3.9 and older reject them and defer the mail
 */
public record Zone(String name, boolean strictTesting, boolean requireSni,
    boolean tlsrptAttributes) {

  /** The name of the default zone in the configuration file. */
  public static final String DEFAULT_NAME = "default";

  /**
   * Checks the name.
   *
   * @param name the socketmap name
   * @param strictTesting whether testing is answered as enforce
   * @param requireSni whether {@code servername=hostname} is added
   * @param tlsrptAttributes whether the Postfix 3.10 TLSRPT attributes are added
   */
  public Zone {
    Objects.requireNonNull(name, "name");
  }

  /**
   * The defaults: testing is not enforced, SNI is sent, no TLSRPT attributes.
   *
   * @param name the socketmap name
   * @return the zone
   */
  public static Zone defaults(String name) {
    return new Zone(name, false, true, false);
  }
}
