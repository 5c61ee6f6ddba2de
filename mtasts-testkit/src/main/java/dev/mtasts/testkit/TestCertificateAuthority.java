package dev.mtasts.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A certificate authority for tests: an EC P-256 root that issues server certificates for any DNS
 * names, good ones and every kind of bad one an MTA-STS client must refuse.
 *
 * <p>Validity periods are relative to the {@link Clock} given to {@link #create(String, Clock)}, read
 * each time a certificate is issued: the CA itself is valid from one day before its creation for ten
 * years, a {@linkplain #issue(String...) valid leaf} from one hour before issue for 90 days.
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create();
 * IssuedCertificate good = ca.issue("mta-sts.example.test");
 * IssuedCertificate expired = ca.issueExpired("mta-sts.example.test");
 * IssuedCertificate wrongName = ca.issue("www.example.test");
 * IssuedCertificate wildcard = ca.issue("*.example.test");
 * IssuedCertificate untrusted = ca.issueByUnknownAuthority("mta-sts.example.test");
 *
 * // a client that trusts this CA and nothing else
 * HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().sslContext(ca.sslContext()).build();
 * // or: .trustStore(ca.trustStore()), or: .trustedCertificatesPem(ca.pem())
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. Bouncy Castle only builds the certificate structures;
 * keys and signatures come from the JDK, so no security provider is registered.
 */
public final class TestCertificateAuthority {
  /** How long a {@linkplain #issue(String...) valid leaf} is valid after it was issued. */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(90);

  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final Clock clock;
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private TestCertificateAuthority(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
    this.keyPair = newKeyPair();
    Instant now = clock.instant();
    X500Name subject = x500(name);
    this.certificate = sign(subject, subject, keyPair.getPublic(), keyPair.getPrivate(), null,
        now.minus(Duration.ofDays(1)), now.plus(CA_VALIDITY), Kind.ROOT, List.of());
  }

  /**
   * Creates a CA named "mtasts-java Test CA" on the system clock.
   *
   * @return a new CA with a fresh key
   */
  public static TestCertificateAuthority create() {
    return create("mtasts-java Test CA", Clock.systemUTC());
  }

  /**
   * Creates a CA.
   *
   * @param commonName the CN of the CA certificate
   * @param clock the clock that validity periods are relative to
   * @return a new CA with a fresh key
   */
  public static TestCertificateAuthority create(String commonName, Clock clock) {
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(clock, "clock");
    return new TestCertificateAuthority(commonName, clock);
  }

  /**
   * Returns the CA certificate (self-signed root).
   *
   * @return the certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Returns the clock validity periods are relative to.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Issues a valid server certificate: the names as subjectAltName dNSName entries (the first also
   * as subject CN), valid from an hour ago for {@link #LEAF_VALIDITY}. A wildcard name such as
   * {@code "*.example.test"} is written as it is; a certificate for a name other than the one the
   * client asks for is the "wrong name" case.
   *
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issue(String... dnsNames) {
    Instant now = clock.instant();
    return issue(now.minus(BACKDATE), now.plus(LEAF_VALIDITY), dnsNames);
  }

  /**
   * Issues a server certificate with the given validity period.
   *
   * @param notBefore the start of validity
   * @param notAfter the end of validity
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issue(Instant notBefore, Instant notAfter, String... dnsNames) {
    List<String> names = names(dnsNames);
    return leaf(names, notBefore, notAfter, Kind.LEAF, keyPair, certificate, List.of(certificate));
  }

  /**
   * Issues a certificate that expired a day ago (valid for 90 days before that).
   *
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issueExpired(String... dnsNames) {
    Instant now = clock.instant();
    return issue(now.minus(Duration.ofDays(91)), now.minus(Duration.ofDays(1)), dnsNames);
  }

  /**
   * Issues a certificate that becomes valid only a day from now.
   *
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issueNotYetValid(String... dnsNames) {
    Instant now = clock.instant();
    return issue(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(91)), dnsNames);
  }

  /**
   * Issues an otherwise valid certificate that names the host only in its subject CN and has no
   * subjectAltName extension. RFC 8461 clients must refuse it; many TLS stacks (the JDK's too) still
   * fall back to the CN.
   *
   * @param commonName the host name, as subject CN
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issueCnOnly(String commonName) {
    Objects.requireNonNull(commonName, "commonName");
    Instant now = clock.instant();
    return leaf(List.of(commonName), now.minus(BACKDATE), now.plus(LEAF_VALIDITY), Kind.CN_ONLY,
        keyPair, certificate, List.of(certificate));
  }

  /**
   * Issues a valid certificate through an intermediate CA: this root signs the intermediate, the
   * intermediate signs the leaf, and the chain holds leaf, intermediate and root. {@link
   * IssuedCertificate#withoutIntermediates()} gives the same leaf with the intermediate left out of
   * the chain.
   *
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issueViaIntermediate(String... dnsNames) {
    Instant now = clock.instant();
    return issueViaIntermediate(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
        dnsNames);
  }

  /**
   * Issues a valid leaf through an intermediate CA whose validity period is given, for example one
   * that has expired while the leaf is still current. The chain holds leaf, intermediate and root.
   *
   * @param intermediateNotBefore the start of the intermediate's validity
   * @param intermediateNotAfter the end of the intermediate's validity
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain
   */
  public IssuedCertificate issueViaIntermediate(Instant intermediateNotBefore,
      Instant intermediateNotAfter, String... dnsNames) {
    List<String> names = names(dnsNames);
    Instant now = clock.instant();
    KeyPair intermediateKeys = newKeyPair();
    X509Certificate intermediate = sign(x500(name + " Intermediate"), x500FromCertificate(certificate),
        intermediateKeys.getPublic(), keyPair.getPrivate(), certificate,
        intermediateNotBefore, intermediateNotAfter, Kind.INTERMEDIATE, List.of());
    return leaf(names, now.minus(BACKDATE), now.plus(LEAF_VALIDITY), Kind.LEAF, intermediateKeys,
        intermediate, List.of(intermediate, certificate));
  }

  /**
   * Issues a self-signed certificate for the names (no CA at all).
   *
   * @param dnsNames one or more DNS names
   * @return the certificate with its key; the chain is the certificate alone
   */
  public IssuedCertificate selfSigned(String... dnsNames) {
    List<String> names = names(dnsNames);
    Instant now = clock.instant();
    KeyPair keys = newKeyPair();
    X500Name subject = x500(names.get(0));
    X509Certificate self = sign(subject, subject, keys.getPublic(), keys.getPrivate(), null,
        now.minus(BACKDATE), now.plus(LEAF_VALIDITY), Kind.LEAF, names);
    return new IssuedCertificate(self, keys.getPrivate(), List.of(self), List.of());
  }

  /**
   * Issues an otherwise valid certificate from another, freshly made CA that nobody trusts.
   *
   * @param dnsNames one or more DNS names
   * @return the certificate with its key and chain (leaf and the unknown root)
   */
  public IssuedCertificate issueByUnknownAuthority(String... dnsNames) {
    return create("Unknown Test CA", clock).issue(dnsNames);
  }

  /**
   * Returns a trust store (PKCS12, in memory, no password) that holds this CA as its only trusted
   * certificate.
   *
   * @return a new key store
   */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", certificate);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  /**
   * Returns an {@link SSLContext} whose PKIX trust manager trusts this CA and nothing else.
   *
   * @return a new context
   */
  public SSLContext sslContext() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an SSL context", e);
    }
  }

  /**
   * Returns the CA certificate in PEM form.
   *
   * @return one {@code -----BEGIN CERTIFICATE-----} block
   */
  public String pem() {
    return IssuedCertificate.pem(List.of(certificate));
  }

  /**
   * Writes the CA certificate in PEM form to a file.
   *
   * @param file the file, created or replaced
   * @return the file
   * @throws UncheckedIOException when it cannot be written
   */
  public Path writePem(Path file) {
    try {
      return Files.writeString(file, pem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "TestCertificateAuthority[" + name + "]";
  }

  private enum Kind { ROOT, INTERMEDIATE, LEAF, CN_ONLY }

  private static IssuedCertificate leaf(List<String> names, Instant notBefore, Instant notAfter,
      Kind kind, KeyPair issuerKeys, X509Certificate issuer, List<X509Certificate> issuers) {
    KeyPair keys = newKeyPair();
    X509Certificate leaf = sign(x500(names.get(0)), x500FromCertificate(issuer), keys.getPublic(),
        issuerKeys.getPrivate(), issuer, notBefore, notAfter, kind,
        kind == Kind.CN_ONLY ? List.of() : names);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(issuers);
    List<X509Certificate> intermediates =
        issuers.size() > 1 ? issuers.subList(0, issuers.size() - 1) : List.of();
    return new IssuedCertificate(leaf, keys.getPrivate(), chain, intermediates);
  }

  private static X509Certificate sign(X500Name subject, X500Name issuer,
      java.security.PublicKey publicKey, PrivateKey signingKey, @Nullable X509Certificate issuerCertificate,
      Instant notBefore, Instant notAfter, Kind kind, List<String> dnsNames) {
    try {
      BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial,
          Date.from(notBefore), Date.from(notAfter), subject, publicKey);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
      if (issuerCertificate != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false,
            ext.createAuthorityKeyIdentifier(issuerCertificate));
      }
      switch (kind) {
        case ROOT -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
          b.addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        case INTERMEDIATE -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
          b.addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        case LEAF, CN_ONLY -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
          b.addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
          if (!dnsNames.isEmpty()) {
            GeneralName[] names = dnsNames.stream()
                .map(n -> new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
          }
        }
      }
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate", e);
    }
  }

  private static X500Name x500(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X500Name x500FromCertificate(X509Certificate c) {
    return X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key pair generator", e);
    }
  }

  private static List<String> names(String... dnsNames) {
    if (dnsNames.length == 0) {
      throw new IllegalArgumentException("at least one DNS name is needed");
    }
    for (String n : dnsNames) {
      Objects.requireNonNull(n, "dnsName");
      if (n.isEmpty()) {
        throw new IllegalArgumentException("empty DNS name");
      }
    }
    return List.of(dnsNames);
  }
}
