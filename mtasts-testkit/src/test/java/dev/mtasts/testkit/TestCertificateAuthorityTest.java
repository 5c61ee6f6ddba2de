package dev.mtasts.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificateAuthorityTest {
  // A fixed clock at the current second: validity periods can be compared exactly, and the chain
  // checks (which the JDK does at the current time) see certificates that are valid now.
  private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final TestCertificateAuthority ca = TestCertificateAuthority.create("Unit CA", CLOCK);

  @Test
  void caIsASelfSignedEcRootValidAroundItsClock() throws Exception {
    X509Certificate root = ca.certificate();
    assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
    assertEquals("CN=Unit CA", root.getSubjectX500Principal().getName());
    assertEquals("EC", root.getPublicKey().getAlgorithm());
    assertTrue(root.getBasicConstraints() >= 0, "CA flag");
    root.verify(root.getPublicKey());
    root.checkValidity(java.util.Date.from(NOW));
  }

  @Test
  void issuedLeafNamesItsHostsInSanAndChainsToTheCa() throws Exception {
    IssuedCertificate leaf = ca.issue("mta-sts.example.test", "other.example.test");
    X509Certificate c = leaf.certificate();
    assertEquals(List.of("mta-sts.example.test", "other.example.test"), dnsNames(c));
    assertEquals("CN=mta-sts.example.test", c.getSubjectX500Principal().getName());
    assertEquals(-1, c.getBasicConstraints(), "not a CA");
    assertTrue(c.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    c.verify(ca.certificate().getPublicKey());
    assertEquals(List.of(c, ca.certificate()), leaf.chain());
    assertEquals(NOW.minus(Duration.ofHours(1)), c.getNotBefore().toInstant());
    assertEquals(NOW.plus(TestCertificateAuthority.LEAF_VALIDITY), c.getNotAfter().toInstant());
    trustManager().checkServerTrusted(leaf.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");
  }

  @Test
  void expiredAndNotYetValidAreOutsideTheirValidityAtTheClock() {
    X509Certificate expired = ca.issueExpired("mta-sts.example.test").certificate();
    X509Certificate early = ca.issueNotYetValid("mta-sts.example.test").certificate();
    assertTrue(expired.getNotAfter().toInstant().isBefore(NOW));
    assertTrue(early.getNotBefore().toInstant().isAfter(NOW));
    assertThrows(CertificateException.class, () -> expired.checkValidity(java.util.Date.from(NOW)));
    assertThrows(CertificateException.class, () -> early.checkValidity(java.util.Date.from(NOW)));
  }

  @Test
  void explicitValidityIsUsedAsGiven() {
    Instant from = Instant.parse("2020-01-01T00:00:00Z");
    Instant to = Instant.parse("2020-02-01T00:00:00Z");
    X509Certificate c = ca.issue(from, to, "a.example.test").certificate();
    assertEquals(from, c.getNotBefore().toInstant());
    assertEquals(to, c.getNotAfter().toInstant());
  }

  @Test
  void cnOnlyHasNoSubjectAltName() throws Exception {
    X509Certificate c = ca.issueCnOnly("mta-sts.example.test").certificate();
    assertNull(c.getSubjectAlternativeNames());
    assertEquals("CN=mta-sts.example.test", c.getSubjectX500Principal().getName());
    c.verify(ca.certificate().getPublicKey());
  }

  @Test
  void selfSignedIsItsOwnIssuerAndNotTrusted() throws Exception {
    IssuedCertificate self = ca.selfSigned("mta-sts.example.test");
    X509Certificate c = self.certificate();
    assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
    c.verify(c.getPublicKey());
    assertEquals(List.of(c), self.chain());
    assertThrows(CertificateException.class, () -> trustManager()
        .checkServerTrusted(self.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA"));
  }

  @Test
  void unknownAuthorityIsNotTrusted() {
    IssuedCertificate other = ca.issueByUnknownAuthority("mta-sts.example.test");
    assertFalse(other.chain().contains(ca.certificate()));
    assertThrows(CertificateException.class, () -> trustManager()
        .checkServerTrusted(other.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA"));
  }

  @Test
  void intermediateChainIsTrustedOnlyWhenTheIntermediateIsSent() throws Exception {
    IssuedCertificate leaf = ca.issueViaIntermediate("mta-sts.example.test");
    assertEquals(3, leaf.chain().size());
    X509Certificate intermediate = leaf.chain().get(1);
    assertTrue(intermediate.getBasicConstraints() >= 0);
    intermediate.verify(ca.certificate().getPublicKey());
    leaf.certificate().verify(intermediate.getPublicKey());
    trustManager().checkServerTrusted(leaf.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");

    IssuedCertificate missing = leaf.withoutIntermediates();
    assertEquals(List.of(leaf.certificate()), missing.chain());
    assertEquals(1, missing.keyStore("pw".toCharArray()).getCertificateChain(IssuedCertificate.ALIAS).length);
    assertThrows(CertificateException.class, () -> trustManager()
        .checkServerTrusted(missing.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA"));
  }

  @Test
  void pemRoundTripsThroughTheJdkCertificateFactory(@TempDir Path dir) throws Exception {
    Collection<? extends java.security.cert.Certificate> read = CertificateFactory
        .getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(ca.pem().getBytes(StandardCharsets.US_ASCII)));
    assertEquals(List.of(ca.certificate()), new ArrayList<>(read));
    Path file = ca.writePem(dir.resolve("ca.pem"));
    assertEquals(ca.pem(), Files.readString(file));
    IssuedCertificate leaf = ca.issueViaIntermediate("x.example.test");
    assertEquals(3, CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(leaf.pem().getBytes(StandardCharsets.US_ASCII)))
        .size());
  }

  @Test
  void keyStoreHoldsTheKeyAndChain(@TempDir Path dir) throws Exception {
    IssuedCertificate leaf = ca.issue("mta-sts.example.test");
    char[] password = "pw".toCharArray();
    Path file = leaf.writeKeyStore(dir.resolve("server.p12"), password);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    assertTrue(store.isKeyEntry(IssuedCertificate.ALIAS));
    PrivateKey key = (PrivateKey) store.getKey(IssuedCertificate.ALIAS, password);
    assertArrayEquals(leaf.privateKey().getEncoded(), key.getEncoded());
    assertArrayEquals(leaf.chain().toArray(), store.getCertificateChain(IssuedCertificate.ALIAS));
  }

  @Test
  void trustStoreAndSslContextTrustOnlyThisCa() throws Exception {
    KeyStore trust = ca.trustStore();
    assertEquals(1, trust.size());
    assertEquals(ca.certificate(), trust.getCertificate("ca"));
    assertDoesNotThrow(() -> ca.sslContext().createSSLEngine());
    assertEquals("TLS", ca.sslContext().getProtocol());
  }

  @Test
  void namesAreRequired() {
    assertThrows(IllegalArgumentException.class, () -> ca.issue());
    assertThrows(IllegalArgumentException.class, () -> ca.issue(""));
  }

  private X509TrustManager trustManager() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ca.trustStore());
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  private static List<String> dnsNames(X509Certificate c) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<?> san : c.getSubjectAlternativeNames()) {
      if (Integer.valueOf(2).equals(san.get(0))) {
        names.add((String) san.get(1));
      }
    }
    return names;
  }
}
