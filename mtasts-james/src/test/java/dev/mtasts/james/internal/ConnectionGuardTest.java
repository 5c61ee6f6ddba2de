package dev.mtasts.james.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.james.MtaStsJames;
import dev.mtasts.james.MtaStsRefusal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The parts of {@link ConnectionGuard} that need no network. */
class ConnectionGuardTest {

  private static ConnectionGuard.Headers headers(Map<String, String> fields) {
    return name -> fields.containsKey(name) ? new String[] {fields.get(name)} : null;
  }

  @Test
  void theEhloNameIsTheFirstTokenOfTheFirstLine() {
    assertEquals(Optional.of("mx1.example.test"),
        ConnectionGuard.helo("250-mx1.example.test Hello\r\n250-STARTTLS\r\n250 8BITMIME"));
    assertEquals(Optional.of("mx1.example.test"), ConnectionGuard.helo("250 mx1.example.test"));
    assertEquals(Optional.empty(), ConnectionGuard.helo("554 go away"));
    assertEquals(Optional.empty(), ConnectionGuard.helo(null));
    assertEquals(Optional.of("a"), ConnectionGuard.helo("250-a\u0007b"), "control bytes end it");
    assertEquals(255, ConnectionGuard.helo("250 " + "x".repeat(1000)).orElseThrow().length());
  }

  @Test
  void onlyAMultipartReportOfTypeTlsrptWithItsHeaderFieldIsATlsRptReport() {
    assertTrue(ConnectionGuard.isTlsReport(headers(Map.of("TLS-Report-Domain", "example.test",
        "Content-Type", "multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\"x\""))));
    assertTrue(ConnectionGuard.isTlsReport(headers(Map.of("TLS-Report-Domain", "example.test",
        "Content-Type", "Multipart/Report; boundary=x; Report-Type=tlsrpt"))));
    assertFalse(ConnectionGuard.isTlsReport(headers(Map.of(
        "Content-Type", "multipart/report; report-type=\"tlsrpt\"; boundary=x"))),
        "without TLS-Report-Domain");
    assertFalse(ConnectionGuard.isTlsReport(headers(Map.of("TLS-Report-Domain", "example.test",
        "Content-Type", "text/plain"))), "a header field alone is not enough");
    assertFalse(ConnectionGuard.isTlsReport(headers(Map.of("TLS-Report-Domain", "example.test",
        "Content-Type", "multipart/report; report-type=tlsrpt-extended; boundary=x"))));
    assertFalse(ConnectionGuard.isTlsReport(name -> {
      throw new IllegalStateException("unreadable");
    }));
  }

  @Test
  void hostNamesInLogLinesAreReducedToHostNameCharacters() {
    assertEquals("mx1.example.test", ConnectionGuard.safe("mx1.example.test"));
    assertEquals("mx??evil", ConnectionGuard.safe("mx\r\nevil"));
  }

  @Test
  void withoutAUsableConfigurationTheMailStaysQueuedInsteadOfGoingOutUnchecked() {
    ConnectionGuard guard = new ConnectionGuard(() -> {
      throw new IllegalArgumentException("policy.stor: unknown key");
    });
    guard.beforeConnect(new Properties(), "mx1.example.test", "mail.smtp");
    guard.afterConnect();
    Optional<MtaStsRefusal> refusal = guard.beforeMailFrom(List.of("a@example.test"),
        headers(Map.of()), true, "250 mx1.example.test");
    assertTrue(refusal.isPresent());
    assertTrue(refusal.get().getMessage().contains("policy.stor: unknown key"));
  }

  @Test
  void connectSetsTheSocketFactoryAndTurnsTheLibrarysNameCheckOff() {
    Properties props = new Properties();
    ConnectionGuard guard = new ConnectionGuard(MtaStsJames::shared);
    guard.beforeConnect(props, "MX1.Example.Test.", "mail.smtp");
    guard.afterConnect();
    assertTrue(props.get("mail.smtp.ssl.socketFactory") instanceof javax.net.ssl.SSLSocketFactory);
    assertEquals("false", props.get("mail.smtp.ssl.checkserveridentity"));
  }

  @Test
  void theStartTlsSocketOfAConnectionHasSniSetToTheMxNameAndTls12OrNewer() throws Exception {
    MtaSts mtaSts = MtaSts.builder().build();
    MtaStsJames shared = MtaStsJames.of(mtaSts);
    ConnectionGuard guard = new ConnectionGuard(() -> shared);
    Properties props = new Properties();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      guard.beforeConnect(props, "MX1.Example.Test.", "mail.smtp");
      javax.net.ssl.SSLSocketFactory factory =
          (javax.net.ssl.SSLSocketFactory) props.get("mail.smtp.ssl.socketFactory");
      javax.net.ssl.SSLSocket tls;
      try {
        tls = (javax.net.ssl.SSLSocket) factory.createSocket(plain, "mx1.example.test",
            server.getLocalPort(), false);
      } finally {
        guard.afterConnect();
      }
      javax.net.ssl.SSLParameters params = tls.getSSLParameters();
      assertEquals(List.of(new javax.net.ssl.SNIHostName("mx1.example.test")),
          params.getServerNames());
      assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(params.getProtocols()));
      assertEquals("TLSv1.3 TLSv1.2", props.get("mail.smtp.ssl.protocols"));
    }
  }
}
