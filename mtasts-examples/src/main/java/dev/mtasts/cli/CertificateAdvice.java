package dev.mtasts.cli;

import dev.mtasts.result.Failure;
import java.util.Locale;

/**
 * Says, for a certificate that fails a sender's check, what is wrong with it in terms of what it
 * holds, and what the domain owner should change. The failure itself comes from the library's
 * {@link dev.mtasts.tls.CertificateVerifier}; this only words the fix.
 */
final class CertificateAdvice {
  private CertificateAdvice() {}

  /**
   * Explains a failed check.
   *
   * @param host the host name the certificate must name
   * @param failure the library's verdict
   * @param cert what the server's certificate holds
   * @return one sentence or two: what it holds and what to change
   */
  static String explain(String host, Failure failure, CertificateFacts cert) {
    String holds = "the certificate " + cert.summary();
    String fix = switch (failure.failureReasonCode()) {
      case "host-mismatch" -> "get a certificate whose subjectAltName includes " + host
          + wildcardHint(host, cert);
      case "no-dns-name" -> "senders ignore the subject CN"
          + (cert.commonName() == null ? "" : " (" + cert.commonName() + ")")
          + " and match only subjectAltName DNS names (RFC 8461 section 4.1): get a certificate"
          + " with " + host + " as a subjectAltName DNS name";
      case "certificate-expired" -> failure.detail().startsWith("the CA certificate")
          ? "the server sends an expired CA certificate with it: install the current chain of"
              + " your CA (" + failure.detail() + ")"
          : "renew it, and make sure the server on " + host + " loads the new one";
      case "certificate-not-yet-valid" -> failure.detail()
          + ": check the clock of the machine that issued it, or wait until then to install it";
      case "self-signed" -> "it is self-signed: senders trust only certificates from a CA in"
          + " their trust stores; get one from a public CA (for example through ACME)";
      case "no-trust-anchor" -> "its issuer does not lead to a root senders trust: if "
          + cert.issuer() + " is an intermediate of a public CA, configure the server to send the"
          + " intermediate certificates with its own (the full chain); otherwise get a certificate"
          + " from a public CA";
      case "certificate-purpose" -> "it is not for TLS servers (its extended key usage leaves out"
          + " serverAuth): get a certificate for TLS server authentication";
      case "certificate-revoked" -> "it is revoked: get a new certificate";
      default -> "get a certificate from a public CA that names " + host;
    };
    return holds + ". Fix: " + fix;
  }

  /**
   * When a wildcard of the certificate is the right domain but too far up, says that a wildcard
   * stands for exactly one label.
   */
  private static String wildcardHint(String host, CertificateFacts cert) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String name : cert.subjectNames()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.startsWith("*.") && h.endsWith(n.substring(1))
          && h.length() > n.length() - 1
          && h.substring(0, h.length() - n.length() + 1).indexOf('.') >= 0) {
        return " (its " + name + " covers exactly one label in place of the '*', so not "
            + host + "; a wildcard for it would be *" + h.substring(h.indexOf('.')) + ")";
      }
    }
    return "";
  }
}
