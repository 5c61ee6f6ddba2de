package dev.mtasts.dns;

import java.util.Objects;

/**
 * One MX record: a mail exchanger and its preference.
 *
 * @param preference the preference; lower is tried first
 * @param host the exchange host name, lower case, without a trailing dot
 */
public record MxHost(int preference, String host) {
  /**
   * Creates an MX host.
   *
   * @param preference the preference; lower is tried first
   * @param host the exchange host name, lower case, without a trailing dot
   * @throws IllegalArgumentException when the preference is outside 0..65535
   */
  public MxHost {
    Objects.requireNonNull(host, "host");
    if (preference < 0 || preference > 0xffff) {
      throw new IllegalArgumentException("preference must be 0..65535");
    }
  }
}
