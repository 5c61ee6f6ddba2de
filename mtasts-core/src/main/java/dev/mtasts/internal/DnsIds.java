package dev.mtasts.internal;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * DNS-ID matching of certificates as RFC 8461 section 4.2 narrows RFC 6125: subjectAltName dNSName
 * entries only (no CN fallback), case-insensitive, one trailing dot ignored, and a wildcard only as
 * the whole left-most label, standing for exactly one label, over at least two further labels.
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
    String id = presented;
    if (id.startsWith("*.")) {
      String suffix = HostNames.normalize(id.substring(2));
      if (suffix == null || suffix.indexOf('.') < 0) {
        return false;
      }
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot + 1).equals(suffix);
    }
    String normal = HostNames.normalize(id);
    return normal != null && normal.equals(host);
  }
}
