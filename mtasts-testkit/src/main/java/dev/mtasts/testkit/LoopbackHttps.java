package dev.mtasts.testkit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WireMock server serving HTTPS only, on 127.0.0.1 and a free port, with certificates of the
 * test CA, HTTP/1.1 and WireMock's messages sent to slf4j at debug level. The key store it reads
 * lives in a temporary file that {@link #close()} deletes. Shared by the test kit's HTTPS servers.
 *
 * <p>With several certificates, the server's TLS stack (Jetty) presents the one whose names match
 * the SNI name of the handshake; when none matches, or the client sends no SNI name, it presents
 * one of them, so a client checking the name refuses it.
 */
final class LoopbackHttps implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackHttps.class);

  private final Path keyStoreFile;
  private final WireMockServer server;

  LoopbackHttps(String name, IssuedCertificate certificate) {
    this(name, List.of(certificate));
  }

  LoopbackHttps(String name, List<IssuedCertificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
    char[] password = UUID.randomUUID().toString().toCharArray();
    try {
      keyStoreFile = Files.createTempFile("mtasts-" + name + "-", ".p12");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      writeKeyStore(keyStoreFile, certificates, password);
    } catch (RuntimeException e) {
      deleteKeyStore();
      throw e;
    }
    server = new WireMockServer(WireMockConfiguration.wireMockConfig()
        .bindAddress("127.0.0.1")
        .httpDisabled(true)
        .dynamicHttpsPort()
        .http2TlsDisabled(true)
        .http2PlainDisabled(true)
        .keystorePath(keyStoreFile.toString())
        .keystoreType("PKCS12")
        .keystorePassword(new String(password))
        .keyManagerPassword(new String(password))
        .containerThreads(8)
        .jettyStopTimeout(0L)
        .notifier(new LogNotifier()));
    try {
      server.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  WireMockServer server() {
    return server;
  }

  /** Stops the server and deletes its key store file. */
  @Override
  public void close() {
    try {
      if (server.isRunning()) {
        server.stop();
      }
    } finally {
      deleteKeyStore();
    }
  }

  private void deleteKeyStore() {
    try {
      Files.deleteIfExists(keyStoreFile);
    } catch (IOException e) {
      LOG.debug("cannot delete {}", keyStoreFile, e);
    }
  }

  /** Writes a PKCS12 key store with one key entry per certificate. */
  private static void writeKeyStore(Path file, List<IssuedCertificate> certificates,
      char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        IssuedCertificate c = certificates.get(i);
        store.setKeyEntry(IssuedCertificate.ALIAS + "-" + i, c.privateKey(), password,
            c.chain().toArray(new Certificate[0]));
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the key store", e);
    }
  }

  /** Sends WireMock's messages to slf4j at debug level; they are noise in test output. */
  private static final class LogNotifier implements Notifier {
    @Override
    public void info(String message) {
      LOG.debug("{}", message);
    }

    @Override
    public void error(String message) {
      LOG.debug("{}", message);
    }

    @Override
    public void error(String message, Throwable t) {
      LOG.debug("{}", message, t);
    }
  }
}
