package dev.mtasts.cli;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * What a server's certificate holds, as far as a sender's check is concerned: the subjectAltName DNS
 * names (the only names a sender matches, RFC 8461 section 4.1), the subject and issuer, and the
 * validity period. Text taken from the certificate is kept as it is; it is escaped where it is
 * printed.
 *
 * @param subjectNames the subjectAltName dNSName entries, in certificate order (at most {@value
 *     #MAX_NAMES})
 * @param subject the subject distinguished name (RFC 2253)
 * @param commonName the subject's first CN, if any
 * @param issuer the issuer distinguished name (RFC 2253)
 * @param notBefore the start of the validity period
 * @param notAfter the end of the validity period
 */
record CertificateFacts(List<String> subjectNames, String subject, @Nullable String commonName,
    String issuer, Instant notBefore, Instant notAfter) {
  /** The most names kept from one certificate (a certificate may carry hundreds). */
  static final int MAX_NAMES = 50;
  private static final int DNS_NAME = 2;

  CertificateFacts {
    subjectNames = List.copyOf(subjectNames);
  }

  /**
   * Reads the facts of a certificate.
   *
   * @param cert the certificate
   * @return its facts
   */
  static CertificateFacts of(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && san.get(0) instanceof Integer type && type == DNS_NAME
              && san.get(1) instanceof String name && names.size() < MAX_NAMES) {
            names.add(name);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no names a sender could use
    }
    X500Principal subject = cert.getSubjectX500Principal();
    return new CertificateFacts(names, subject.getName(), commonName(subject),
        cert.getIssuerX500Principal().getName(), cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant());
  }

  /**
   * Describes the certificate in one phrase, for a finding: names, issuer and validity.
   *
   * @return for example {@code names mx1.example.com, mx2.example.com; issued by CN=R3,O=Let's
   *     Encrypt; valid from 2026-01-01T00:00:00Z to 2026-04-01T00:00:00Z}
   */
  String summary() {
    String names = subjectNames.isEmpty()
        ? "no subjectAltName DNS name (subject " + subject + ")"
        : "names " + String.join(", ", subjectNames);
    return names + "; issued by " + issuer + "; valid from " + notBefore + " to " + notAfter;
  }

  private static @Nullable String commonName(X500Principal principal) {
    try {
      for (Rdn rdn : new LdapName(principal.getName()).getRdns()) {
        if (rdn.getType().toUpperCase(Locale.ROOT).equals("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      // no CN we can read
    }
    return null;
  }
}
