package dev.mtasts.internal;

import java.net.Inet4Address;
import java.net.InetAddress;

/** IP addresses as TLS-RPT reports write them: dotted IPv4, RFC 5952 canonical IPv6. */
public final class Ip {
  private Ip() {}

  /**
   * Formats an address: IPv4 dotted-decimal, IPv6 in the RFC 5952 canonical form (lower-case hex, no
   * leading zeros, the longest run of two or more zero groups, the first of equals, as {@code ::}).
   * A scope id is left out.
   *
   * @param address the address
   * @return the text
   */
  public static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address || b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
