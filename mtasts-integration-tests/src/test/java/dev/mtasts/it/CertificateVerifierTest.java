package dev.mtasts.it;

import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.TestCertificateAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.result.Failure;
import dev.mtasts.tls.CertificateVerifier;
import dev.mtasts.result.ResultType;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * Every name-matching rule and every result type of {@link CertificateVerifier}, on certificates of
 * the test CA. The verifier and the CA share one fixed clock, so validity is decided by that clock
 * alone.
 */
class CertificateVerifierTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final TestCertificateAuthority CA =
      TestCertificateAuthority.create("Verifier Test CA", CLOCK);
  private static final CertificateVerifier VERIFIER = verifierAt(CLOCK);
  private static final String MX = "mx1.example.test";

  private static CertificateVerifier verifierAt(Clock clock) {
    return CertificateVerifier.builder().trustStore(CA.trustStore()).clock(clock).build();
  }

  private static void assertPasses(Optional<Failure> check) {
    assertTrue(check.isEmpty(), () -> "expected the host to pass: " + check);
  }

  private static Optional<Failure> verify(String host, IssuedCertificate cert) {
    return VERIFIER.verify(host, cert.chain(), "TLSv1.3");
  }

  private static void passes(String host, IssuedCertificate cert) {
    assertPasses(verify(host, cert));
  }

  private static Failure fails(Optional<Failure> check, ResultType type, String code) {
    Failure failed = check.orElseThrow(() -> new AssertionError("expected a failure"));
    assertEquals(type, failed.resultType(), failed::toString);
    assertEquals(code, failed.failureReasonCode(), failed::toString);
    assertTrue(failed.detail().chars().allMatch(c -> c >= 0x20 && c < 0x7f), failed.detail());
    return failed;
  }

  private static Failure fails(String host, IssuedCertificate cert, ResultType type,
      String code) {
    return fails(verify(host, cert), type, code);
  }

  // --- chains and dates

  @Test
  void aCurrentCertificateOfTheTrustedCaPasses() {
    passes(MX, CA.issue(MX));
  }

  @Test
  void aThreeCertificateChainThroughAnIntermediatePasses() {
    IssuedCertificate cert = CA.issueViaIntermediate(MX);
    assertEquals(3, cert.chain().size());
    passes(MX, cert);
    // servers usually leave the root out
    assertPasses(VERIFIER.verify(MX, cert.chain().subList(0, 2), "TLSv1.2"));
  }

  @Test
  void anExpiredLeafIsCertificateExpired() {
    Failure f =
        fails(MX, CA.issueExpired(MX), ResultType.CERTIFICATE_EXPIRED, "certificate-expired");
    assertTrue(f.detail().startsWith("the certificate expired at "), f.detail());
  }

  @Test
  void anExpiredIntermediateIsCertificateExpired() {
    IssuedCertificate cert = CA.issueViaIntermediate(NOW.minus(Duration.ofDays(400)),
        NOW.minus(Duration.ofDays(1)), MX);
    Failure f =
        fails(MX, cert, ResultType.CERTIFICATE_EXPIRED, "certificate-expired");
    assertTrue(f.detail().contains("position 1"), f.detail());
  }

  @Test
  void aCertificateNotValidYetIsAValidationFailure() {
    fails(MX, CA.issueNotYetValid(MX), ResultType.VALIDATION_FAILURE, "certificate-not-yet-valid");
  }

  @Test
  void theInjectedClockDecidesExpiry() {
    IssuedCertificate cert = CA.issue(MX); // valid from NOW - 1 h for 90 days
    List<X509Certificate> chain = cert.chain();
    Clock later = Clock.fixed(NOW.plus(Duration.ofDays(91)), ZoneOffset.UTC);
    Clock earlier = Clock.fixed(NOW.minus(Duration.ofHours(2)), ZoneOffset.UTC);
    Clock lastSecond = Clock.fixed(NOW.plus(TestCertificateAuthority.LEAF_VALIDITY), ZoneOffset.UTC);
    fails(verifierAt(later).verify(MX, chain, "TLSv1.3"), ResultType.CERTIFICATE_EXPIRED,
        "certificate-expired");
    fails(verifierAt(earlier).verify(MX, chain, "TLSv1.3"), ResultType.VALIDATION_FAILURE,
        "certificate-not-yet-valid");
    assertPasses(verifierAt(lastSecond).verify(MX, chain, "TLSv1.3"));
  }

  @Test
  void aChainThatPassedFailsOnceTheClockPassesItsEnd() {
    IssuedCertificate cert = CA.issueViaIntermediate(MX);
    Instant[] now = {NOW};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    CertificateVerifier verifier = verifierAt(moving);
    assertPasses(verifier.verify(MX, cert.chain(), "TLSv1.3"));
    assertPasses(verifier.verify(MX, cert.chain(), "TLSv1.3"));
    now[0] = NOW.plus(Duration.ofDays(91));
    fails(verifier.verify(MX, cert.chain(), "TLSv1.3"), ResultType.CERTIFICATE_EXPIRED,
        "certificate-expired");
    now[0] = NOW.minus(Duration.ofHours(2));
    fails(verifier.verify(MX, cert.chain(), "TLSv1.3"), ResultType.VALIDATION_FAILURE,
        "certificate-not-yet-valid");
    now[0] = NOW;
    assertPasses(verifier.verify(MX, cert.chain(), "TLSv1.3"));
  }

  @Test
  void aRememberedChainIsStillCheckedForTheNameTheVersionAndItsPurpose() {
    IssuedCertificate cert = CA.issueViaIntermediate(MX);
    passes(MX, cert);
    fails("mx2.example.test", cert, ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
    fails(VERIFIER.verify(MX, cert.chain(), "TLSv1.1"), ResultType.VALIDATION_FAILURE,
        "tls-version");
    passes(MX, cert);
  }

  @Test
  void withoutTheValidationCacheEveryCheckValidatesAgain() {
    CertificateVerifier uncached = CertificateVerifier.builder().trustStore(CA.trustStore())
        .clock(CLOCK).validationCacheSize(0).build();
    IssuedCertificate cert = CA.issueViaIntermediate(MX);
    for (int i = 0; i < 3; i++) {
      assertPasses(uncached.verify(MX, cert.chain(), "TLSv1.3"));
    }
    fails(uncached.verify(MX, CA.issueExpired(MX).chain(), "TLSv1.3"),
        ResultType.CERTIFICATE_EXPIRED, "certificate-expired");
  }

  @Test
  void aSmallValidationCacheStaysCorrectWhenItOverflows() {
    CertificateVerifier small = CertificateVerifier.builder().trustStore(CA.trustStore())
        .clock(CLOCK).validationCacheSize(2).build();
    List<IssuedCertificate> certs = List.of(CA.issue(MX), CA.issue(MX), CA.issue(MX),
        CA.issueViaIntermediate(MX));
    for (int round = 0; round < 2; round++) {
      for (IssuedCertificate c : certs) {
        assertPasses(small.verify(MX, c.chain(), "TLSv1.3"));
      }
      fails(small.verify(MX, CA.issueByUnknownAuthority(MX).chain(), "TLSv1.3"),
          ResultType.CERTIFICATE_NOT_TRUSTED, "no-trust-anchor");
    }
  }

  @Test
  void aCertificateOfAnUnknownCaIsNotTrusted() {
    fails(MX, CA.issueByUnknownAuthority(MX), ResultType.CERTIFICATE_NOT_TRUSTED, "no-trust-anchor");
  }

  @Test
  void aSelfSignedCertificateIsNotTrusted() {
    fails(MX, CA.selfSigned(MX), ResultType.CERTIFICATE_NOT_TRUSTED, "self-signed");
  }

  @Test
  void untrustedWinsOverExpired() {
    // an attacker's expired self-signed certificate: what is wrong with it is the trust
    IssuedCertificate expiredUnknown = TestCertificateAuthority.create("Other CA", CLOCK)
        .issueExpired(MX);
    fails(MX, expiredUnknown, ResultType.CERTIFICATE_NOT_TRUSTED, "no-trust-anchor");
  }

  @Test
  void aMissingIntermediateIsNotTrusted() {
    IssuedCertificate cert = CA.issueViaIntermediate(MX).withoutIntermediates();
    assertEquals(1, cert.chain().size());
    fails(MX, cert, ResultType.CERTIFICATE_NOT_TRUSTED, "no-trust-anchor");
  }

  @Test
  void aChainOutOfOrderOrWithExtraCertificatesIsRebuilt() {
    IssuedCertificate cert = CA.issueViaIntermediate(MX);
    X509Certificate leaf = cert.chain().get(0);
    X509Certificate intermediate = cert.chain().get(1);
    X509Certificate stranger = CA.issueByUnknownAuthority("other.example.test").certificate();
    assertPasses(VERIFIER.verify(MX, List.of(leaf, CA.certificate(), intermediate), "TLSv1.3"));
    assertPasses(VERIFIER.verify(MX, List.of(leaf, stranger, intermediate), "TLSv1.3"));
    fails(VERIFIER.verify(MX, List.of(leaf, stranger), "TLSv1.3"),
        ResultType.CERTIFICATE_NOT_TRUSTED, "no-trust-anchor");
  }

  @Test
  void aCrossSignedCopyOfATrustedRootEndsTheChain() throws Exception {
    // As Let's Encrypt served ISRG Root X1 cross-signed by an expired DST Root CA X3: the chain
    // goes on past the trusted root to a root nobody trusts any more.
    KeyPair oldKeys = keyPair();
    X500Name oldName = new X500Name("CN=Old Root");
    X509Certificate oldRoot = sign(oldName, oldName, oldKeys.getPublic(), oldKeys.getPrivate(),
        NOW.minus(Duration.ofDays(4000)), NOW.minus(Duration.ofDays(30)), true, null);
    X509Certificate crossSigned = sign(oldName,
        X500Name.getInstance(CA.certificate().getSubjectX500Principal().getEncoded()),
        CA.certificate().getPublicKey(), oldKeys.getPrivate(), NOW.minus(Duration.ofDays(400)),
        NOW.plus(Duration.ofDays(400)), true, null);
    IssuedCertificate cert = CA.issue(MX);
    assertPasses(VERIFIER.verify(MX,
        List.of(cert.certificate(), crossSigned, oldRoot), "TLSv1.3"));
  }

  @Test
  void aLeafThatIsNotForServerAuthenticationFails() throws Exception {
    KeyPair rootKeys = keyPair();
    X500Name rootName = new X500Name("CN=EKU Root");
    X509Certificate root = sign(rootName, rootName, rootKeys.getPublic(), rootKeys.getPrivate(),
        NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)), true, null);
    KeyPair leafKeys = keyPair();
    X509Certificate clientOnly = sign(rootName, new X500Name("CN=" + MX), leafKeys.getPublic(),
        rootKeys.getPrivate(), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10)), false,
        KeyPurposeId.id_kp_clientAuth);
    X509Certificate serverToo = sign(rootName, new X500Name("CN=" + MX), leafKeys.getPublic(),
        rootKeys.getPrivate(), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10)), false,
        KeyPurposeId.anyExtendedKeyUsage);
    CertificateVerifier verifier = CertificateVerifier.builder()
        .trustedCertificates(List.of(root)).clock(CLOCK).build();
    fails(verifier.verify(MX, List.of(clientOnly, root), "TLSv1.3"),
        ResultType.VALIDATION_FAILURE, "certificate-purpose");
    assertPasses(verifier.verify(MX, List.of(serverToo, root), "TLSv1.3"));
  }

  @Test
  void noCertificateAtAllIsNotTrusted() {
    fails(VERIFIER.verify(MX, List.of(), "TLSv1.3"), ResultType.CERTIFICATE_NOT_TRUSTED,
        "no-certificate");
  }

  // --- revocation

  @Test
  void revocationCheckingFailsClosedWithoutRevocationInformation() {
    // The test CA's certificates carry no OCSP responder and no CRL distribution point: with
    // revocation checking on, their status cannot be determined, so they fail (nothing is fetched).
    CertificateVerifier strict = CertificateVerifier.builder().trustStore(CA.trustStore())
        .clock(CLOCK).revocationChecking(true).build();
    fails(strict.verify(MX, CA.issue(MX).chain(), "TLSv1.3"), ResultType.CERTIFICATE_NOT_TRUSTED,
        "revocation-status-unknown");
    fails(strict.verify(MX, CA.issueViaIntermediate(MX).chain(), "TLSv1.3"),
        ResultType.CERTIFICATE_NOT_TRUSTED, "revocation-status-unknown");
    passes(MX, CA.issue(MX)); // off by default
  }

  // --- names

  @Test
  void aCertificateWithOnlyASubjectCnDoesNotMatch() {
    fails(MX, CA.issueCnOnly(MX), ResultType.CERTIFICATE_HOST_MISMATCH, "no-dns-name");
  }

  @Test
  void aCertificateForAnotherNameDoesNotMatch() {
    Failure f = fails(MX, CA.issue("mx2.example.test", "www.example.test"),
        ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
    assertTrue(f.detail().contains("'mx2.example.test'"), f.detail());
  }

  @Test
  void theRecipientDomainDoesNotCountOnlyTheMxHost() {
    fails(MX, CA.issue("example.test"), ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
  }

  @Test
  void aWildcardMatchesExactlyOneLeftMostLabel() {
    IssuedCertificate wildcard = CA.issue("*.example.test");
    passes(MX, wildcard);
    passes("anything.example.test", wildcard);
    fails("a.mx1.example.test", wildcard, ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
    fails("example.test", wildcard, ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
  }

  @Test
  void aWildcardOverASingleLabelIsRefused() {
    fails("example.test", CA.issue("*.test"), ResultType.CERTIFICATE_HOST_MISMATCH,
        "host-mismatch");
    fails(MX, CA.issue("*"), ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
  }

  @Test
  void partialAndInnerWildcardsAreRefused() {
    for (String name : List.of("mx*.example.test", "*1.example.test", "m*1.example.test",
        "mx1.*.test", "*.*.test")) {
      fails(MX, CA.issue(name), ResultType.CERTIFICATE_HOST_MISMATCH, "host-mismatch");
    }
  }

  @Test
  void namesCompareWithoutCase() {
    passes("mx1.EXAMPLE.test", CA.issue("MX1.Example.TEST"));
    passes("MX1.EXAMPLE.TEST", CA.issue("*.example.test"));
  }

  @Test
  void oneTrailingDotOnTheMxHostIsIgnored() {
    passes("mx1.example.test.", CA.issue(MX));
    passes("mx1.example.test.", CA.issue("*.example.test"));
    fails("mx1.example.test..", CA.issue(MX), ResultType.CERTIFICATE_HOST_MISMATCH,
        "host-mismatch");
  }

  @Test
  void aUlabelMxHostIsComparedAsAlabels() {
    IssuedCertificate cert = CA.issue("mx.xn--bcher-kva.example.test");
    passes("mx.b\u00fccher.example.test", cert);
    passes("MX.B\u00dcCHER.example.test", cert);
    passes("mx.xn--bcher-kva.example.test", cert);
    passes("mx.b\u00fccher.example.test", CA.issue("*.xn--bcher-kva.example.test"));
  }

  @Test
  void anyOfSeveralNamesMayMatch() {
    passes(MX, CA.issue("www.example.test", "*.mail.example.test", MX));
  }

  // --- TLS version

  @Test
  void tlsBelowOneTwoIsAValidationFailure() {
    List<X509Certificate> good = CA.issue(MX).chain();
    for (String old : List.of("TLSv1.1", "TLSv1", "SSLv3", "NONE")) {
      fails(VERIFIER.verify(MX, good, old), ResultType.VALIDATION_FAILURE, "tls-version");
    }
    assertPasses(VERIFIER.verify(MX, good, "TLSv1.2"));
    assertPasses(VERIFIER.verify(MX, good, "TLSv1.3"));
  }

  // --- helpers for certificates the test CA does not make

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name issuer, X500Name subject, PublicKey key,
      PrivateKey signer, Instant notBefore, Instant notAfter, boolean ca, KeyPurposeId purpose)
      throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), subject,
        key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      String cn = subject.toString().substring(3);
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }
}
