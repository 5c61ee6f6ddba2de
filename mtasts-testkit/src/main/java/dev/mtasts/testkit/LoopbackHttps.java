package dev.mtasts.testkit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WireMock server serving HTTPS only, on 127.0.0.1 and a free port, with a certificate of the
 * test CA, HTTP/1.1 and WireMock's messages sent to slf4j at debug level. The key store it reads
 * lives in a temporary file that {@link #close()} deletes. Shared by the test kit's HTTPS servers.
 */
final class LoopbackHttps implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackHttps.class);

  private final Path keyStoreFile;
  private final WireMockServer server;

  LoopbackHttps(String name, IssuedCertificate certificate) {
    char[] password = UUID.randomUUID().toString().toCharArray();
    try {
      keyStoreFile = Files.createTempFile("mtasts-" + name + "-", ".p12");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    certificate.writeKeyStore(keyStoreFile, password);
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
      try {
        Files.deleteIfExists(keyStoreFile);
      } catch (IOException e) {
        LOG.debug("cannot delete {}", keyStoreFile, e);
      }
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
