package dev.mtasts.internal;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * DNS-ID matching of certificates as RFC 8461 sections 3.3 and 4.2 narrow RFC 6125: subjectAltName
 * dNSName entries only (no CN fallback), case-insensitive, one trailing dot ignored, and a wildcard
 * only as the whole left-most label, standing for exactly one label, over at least two further labels
 * (so no {@code *.com}, no {@code mx*.example.com}). A presented name must be ASCII (A-labels), as
 * the IA5String of a dNSName is; the reference host may be given with U-labels and is converted.
 *
 * <p>The one rule for both certificates the library checks: the MX host's and the policy host's.
 */
public final class DnsIds {
  private static final int DNS_NAME = 2;

  private DnsIds() {}

  /**
   * Returns the dNSName entries of a certificate's subjectAltName extension.
   *
   * @param cert the certificate
   * @return the names as written, or an empty list when there are none or the extension is broken
   */
  public static List<String> dnsNames(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (sans == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>(sans.size());
    for (List<?> san : sans) {
      if (san.size() >= 2 && san.get(0) instanceof Integer type && type == DNS_NAME
          && san.get(1) instanceof String name) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * Tells whether a presented DNS-ID matches a host.
   *
   * @param presented a dNSName from a certificate
   * @param host the host in normal form ({@link HostNames#normalize})
   * @return {@code true} on a match
   */
  public static boolean matches(String presented, String host) {
    if (presented.startsWith("*.")) {
      String suffix = ascii(presented.substring(2));
      if (suffix == null || suffix.indexOf('.') < 0) {
        return false;
      }
      int dot = host.indexOf('.');
      return dot > 0 && host.length() - dot - 1 == suffix.length() && host.endsWith(suffix);
    }
    String normal = ascii(presented);
    return normal != null && normal.equals(host);
  }

  /** A presented name in normal form, or {@code null} unless it is a valid ASCII host name. */
  private static @Nullable String ascii(String name) {
    int len = HostNames.asciiLength(name);
    return len < 0 ? null : HostNames.normalize(name);
  }
}
