package dev.mtasts.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server certificate made by {@link TestCertificateAuthority}, with its private key and the chain a
 * server presents (leaf first, then any intermediates, then the root that issued them).
 *
 * <pre>{@code
 * IssuedCertificate cert = ca.issue("mta-sts.example.test");
 * KeyStore serverKeys = cert.keyStore("secret".toCharArray()); // PKCS12, alias "server"
 * }</pre>
 */
public final class IssuedCertificate {
  /** The alias of the key entry in {@link #keyStore(char[])}. */
  public static final String ALIAS = "server";

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final List<X509Certificate> intermediates;

  IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain,
      List<X509Certificate> intermediates) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.chain = List.copyOf(chain);
    this.intermediates = List.copyOf(intermediates);
  }

  /**
   * Returns the leaf certificate.
   *
   * @return the certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Returns the private key of the leaf.
   *
   * @return the key (EC P-256)
   */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * Returns the chain as a server presents it.
   *
   * @return the leaf, the intermediates, then the issuing root (the leaf alone when self-signed)
   */
  public List<X509Certificate> chain() {
    return chain;
  }

  /**
   * Returns the same leaf as a server that forgot to send its intermediate CAs would present it: the
   * chain is the leaf alone (a key store cannot hold a chain with a gap). Clients that do not fetch
   * missing intermediates must refuse it. A certificate issued without intermediates is returned as
   * it is.
   *
   * @return the certificate with a chain of the leaf only, or this certificate
   */
  public IssuedCertificate withoutIntermediates() {
    if (intermediates.isEmpty()) {
      return this;
    }
    return new IssuedCertificate(certificate, privateKey, List.of(certificate), List.of());
  }

  /**
   * Returns a PKCS12 key store holding the key and chain under the alias {@value #ALIAS}, for a
   * server.
   *
   * @param password the password of the store and of the key entry
   * @return a new key store
   */
  public KeyStore keyStore(char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, privateKey, password, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a key store", e);
    }
  }

  /**
   * Returns an {@link SSLContext} for a server that presents this certificate and its chain, for
   * example for {@link SmtpServer#start(String, SSLContext)}. It trusts no client certificates.
   *
   * @return a new context
   */
  public SSLContext serverContext() {
    char[] password = "testkit".toCharArray();
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore(password), password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an SSL context", e);
    }
  }

  /**
   * Writes {@link #keyStore(char[])} to a file.
   *
   * @param file the file, created or replaced
   * @param password the password of the store and of the key entry
   * @return the file
   * @throws UncheckedIOException when it cannot be written
   */
  public Path writeKeyStore(Path file, char[] password) {
    KeyStore store = keyStore(password);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the key store", e);
    }
  }

  /**
   * Returns the chain in PEM form.
   *
   * @return one {@code -----BEGIN CERTIFICATE-----} block per certificate, leaf first
   */
  public String pem() {
    return pem(chain);
  }

  @Override
  public String toString() {
    return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + ", chain of "
        + chain.size() + "]";
  }

  static String pem(List<X509Certificate> certificates) {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        sb.append("-----BEGIN CERTIFICATE-----\n")
            .append(base64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode a certificate", e);
      }
    }
    return sb.toString();
  }
}
