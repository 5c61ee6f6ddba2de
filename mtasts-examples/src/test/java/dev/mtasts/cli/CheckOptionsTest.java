package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.TestCertificateAuthority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The option parsers of {@code mtasts check}, and its finding codes as the README lists them. */
class CheckOptionsTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1,        127.0.0.1, 53",
    "127.0.0.1:5353,   127.0.0.1, 5353",
    "[::1]:5300,       ::1,       5300",
    "[::1],            ::1,       53",
    "::1,              ::1,       53",
    "localhost:99,     127.0.0.1, 99"
  })
  void dnsServers(String text, String address, int port) throws Exception {
    assertEquals(Optional.of(new InetSocketAddress(InetAddress.getByName(address), port)),
        NetworkOptions.parseDns(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
      "127.0.0.1:x", "[::1", "[::1]53", "a b", "unknown.invalid"})
  void badDnsServers(String text) {
    assertEquals(Optional.empty(), NetworkOptions.parseDns(text));
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "PT1.5S, 1500", "pt10m, 600000",
      "1ms, 1"})
  void timeouts(String text, long millis) {
    assertEquals(Optional.of(Duration.ofMillis(millis)), NetworkOptions.parseTimeout(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0s", "0ms", "11m", "PT10M0.001S", "10", "10 s", "-1s", "1h",
      "PT-1S", "9999999999s"})
  void badTimeouts(String text) {
    assertEquals(Optional.empty(), NetworkOptions.parseTimeout(text));
  }

  @ParameterizedTest
  @CsvSource({"500, 500ms", "1000, 1s", "10000, 10s", "1500, 1500ms", "60000, 1m",
      "600000, 10m", "90000, 90s"})
  void timeLimitsAreToldAsTheUserWritesThem(long millis, String text) {
    assertEquals(text, CheckCommand.durationText(Duration.ofMillis(millis)));
  }

  @Test
  void trustPemIsTrustedInAdditionToTheJdkRoots() throws Exception {
    TestCertificateAuthority ca = TestCertificateAuthority.create();
    KeyStore store = NetworkOptions.trustStore(ca.pem());

    List<X509Certificate> jdk = jdkRoots();
    assertTrue(jdk.size() > 10, "the JDK has public roots: " + jdk.size());
    assertEquals(jdk.size() + 1, store.size());
    List<String> aliases = Collections.list(store.aliases());
    assertTrue(aliases.contains("trust-pem-0"), aliases.toString());
    assertEquals(ca.certificate(), store.getCertificate("trust-pem-0"));
    for (X509Certificate root : jdk) {
      assertTrue(store.getCertificateAlias(root) != null, root.getSubjectX500Principal()::toString);
    }
  }

  @Test
  void textAroundThePemBlocksIsIgnored() throws Exception {
    TestCertificateAuthority one = TestCertificateAuthority.create();
    TestCertificateAuthority two = TestCertificateAuthority.create();
    String bytes = new String(("subject=CN=T\u00ebst CA\n" + one.pem() + "\nnext:\n" + two.pem())
        .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

    KeyStore store = NetworkOptions.trustStore(bytes);

    assertEquals(one.certificate(), store.getCertificate("trust-pem-0"));
    assertEquals(two.certificate(), store.getCertificate("trust-pem-1"));
  }

  @Test
  void textWithoutCertificatesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> NetworkOptions.trustStore(""));
    assertThrows(IllegalArgumentException.class, () -> NetworkOptions.trustStore(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  }

  @Test
  void theReadmeListsEveryFindingCodeOnce() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("### Finding codes");
    assertTrue(start >= 0, "README has the finding codes table");
    List<String> documented = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| (error|warning|info)")
        .matcher(readme.substring(start, readme.indexOf("\n## ", start)));
    while (m.find()) {
      documented.add(m.group(1));
    }
    List<String> codes = Arrays.stream(DomainCheck.Code.values()).map(DomainCheck.Code::token)
        .sorted().toList();
    assertEquals(codes, documented.stream().sorted().toList());
  }

  private static List<X509Certificate> jdkRoots() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init((KeyStore) null);
    List<X509Certificate> roots = new ArrayList<>();
    for (var tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        roots.addAll(List.of(x.getAcceptedIssuers()));
      }
    }
    return roots;
  }
}
