package dev.mtasts.fetch;

import dev.mtasts.internal.DnsIds;
import dev.mtasts.internal.Text;
import dev.mtasts.result.ResultType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Turns what went wrong in a policy fetch into a {@link FetchResult.Failed} with its RFC 8460 result
 * type and a message that is safe to log: every piece of text that may come from the server (or from
 * an exception that quotes it) is escaped and shortened by {@link Text#quote(CharSequence)}.
 */
final class FetchFailures {
  private static final int MAX_CAUSES = 16;

  private FetchFailures() {}

  static FetchResult.Failed fetchError(String detail) {
    return new FetchResult.Failed(ResultType.STS_POLICY_FETCH_ERROR, detail, List.of());
  }

  static FetchResult.Failed webPkiInvalid(String detail) {
    return new FetchResult.Failed(ResultType.STS_WEBPKI_INVALID, detail, List.of());
  }

  /**
   * Classifies an exception from the HTTP exchange.
   *
   * @param host the policy host
   * @param port the port that was used
   * @param connectTimeout the configured connect timeout, for the message
   * @param error what the exchange failed with
   */
  static FetchResult.Failed classify(String host, int port, Duration connectTimeout, Throwable error) {
    List<Throwable> chain = causes(error);
    FetchResult.Failed certificate = certificateProblem(host, chain);
    if (certificate != null) {
      return certificate;
    }
    for (Throwable t : chain) {
      if (t instanceof HttpConnectTimeoutException) {
        return fetchError("connecting to " + host + " port " + port + " timed out after "
            + describe(connectTimeout));
      }
    }
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return fetchError("the policy host " + host + " could not be resolved to an address");
      }
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException) {
        return fetchError("could not connect to " + host + " port " + port + messageOf(t));
      }
    }
    for (Throwable t : chain) {
      if (t instanceof SSLException) {
        return fetchError("the TLS handshake with " + host + " failed" + messageOf(t));
      }
    }
    for (Throwable t : chain) {
      if (t instanceof HttpTimeoutException) {
        return fetchError("the request to " + host + " timed out" + messageOf(t));
      }
    }
    Throwable first = chain.get(0);
    for (Throwable t : chain) {
      if (t instanceof IOException) {
        return fetchError("the connection to " + host + " failed: "
            + t.getClass().getSimpleName() + messageOf(t));
      }
    }
    return fetchError("the fetch from " + host + " failed unexpectedly: "
        + first.getClass().getName() + messageOf(first));
  }

  /** The failure when the certificate of the policy host does not pass PKIX validation. */
  private static FetchResult.@Nullable Failed certificateProblem(String host, List<Throwable> chain) {
    boolean tls = false;
    Throwable certificate = null;
    for (Throwable t : chain) {
      tls |= t instanceof SSLException;
      if (certificate == null
          && (t instanceof CertificateException
              || t instanceof CertPathValidatorException
              || t instanceof CertPathBuilderException)) {
        certificate = t;
      }
    }
    if (!tls || certificate == null) {
      return null;
    }
    String prefix = "the certificate of " + host + " is not valid: ";
    for (Throwable t : chain) {
      if (t instanceof CertificateExpiredException) {
        return webPkiInvalid(prefix + "it has expired" + messageOf(t));
      }
      if (t instanceof CertificateNotYetValidException) {
        return webPkiInvalid(prefix + "it is not valid yet" + messageOf(t));
      }
      if (t instanceof CertPathValidatorException v) {
        if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
          return webPkiInvalid(prefix + "it has expired" + messageOf(t));
        }
        if (v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return webPkiInvalid(prefix + "it is not valid yet" + messageOf(t));
        }
      }
    }
    for (Throwable t : chain) {
      if (t instanceof CertPathBuilderException) {
        return webPkiInvalid(prefix + "it does not chain to a trusted root"
            + " (unknown or self-signed issuer, or an incomplete chain)" + messageOf(t));
      }
    }
    for (Throwable t : chain) {
      if (t instanceof CertPathValidatorException) {
        return webPkiInvalid(prefix + "certification path validation failed" + messageOf(t));
      }
    }
    String message = String.valueOf(certificate.getMessage());
    if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
      return webPkiInvalid(prefix + "it is not valid for the name " + host + messageOf(certificate));
    }
    return webPkiInvalid(prefix + "it was rejected" + messageOf(certificate));
  }

  /**
   * The stricter name check of RFC 8461 section 3.3 on top of the one the JDK did during the
   * handshake: the name must be a subjectAltName dNSName (no fallback to the subject's CN) and a
   * wildcard must be the whole left-most label (no {@code mta*.example.com}).
   *
   * @return the failure, or {@code null} when the certificate names the host
   */
  static FetchResult.@Nullable Failed checkName(String host, Optional<SSLSession> session) {
    String prefix = "the certificate of " + host + " is not valid: ";
    if (session.isEmpty()) {
      return webPkiInvalid(prefix + "no TLS session to check");
    }
    Certificate[] peer;
    try {
      peer = session.get().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return webPkiInvalid(prefix + "the peer was not verified");
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
      return webPkiInvalid(prefix + "it is not an X.509 certificate");
    }
    List<String> names = DnsIds.dnsNames(leaf);
    for (String name : names) {
      if (DnsIds.matches(name, host)) {
        return null;
      }
    }
    if (names.isEmpty()) {
      return webPkiInvalid(prefix + "it has no subjectAltName DNS name; the subject CN is not used"
          + " for MTA-STS (RFC 8461 section 3.3)");
    }
    return webPkiInvalid(prefix + "none of its subjectAltName DNS names matches " + host
        + " (a wildcard must be the whole left-most label)");
  }

  static String describe(Duration d) {
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMillis() + " ms";
  }

  private static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? "" : " (" + Text.quote(m) + ")";
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    Throwable t = error;
    for (int i = 0; t != null && i < MAX_CAUSES && !chain.contains(t); i++) {
      if (!(t instanceof CompletionException || t instanceof ExecutionException)
          || t.getCause() == null) {
        chain.add(t);
      }
      t = t.getCause();
    }
    if (chain.isEmpty()) {
      chain.add(error);
    }
    return chain;
  }
}
