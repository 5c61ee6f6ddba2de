package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box: {@code java -jar mtasts.jar postfix serve} answers, and SIGTERM stops it cleanly. */
class PostfixJarIT {

  @Test
  void serveAnswersAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-jar", System.getProperty("mtasts.jar"), "postfix", "serve", "--listen",
        "127.0.0.1:" + port, "--store", tmp.resolve("store").toString())
        .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
    try {
      Socket s = null;
      for (int i = 0; i < 600 && s == null; i++) {
        try {
          s = new Socket("127.0.0.1", port);
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      assertTrue(s != null, "the server did not start: " + Files.readString(err));
      try (Socket client = s) {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        for (String key : List.of(".example.com", "[192.0.2.1]:25")) {
          String request = "postfix " + key;
          out.write((request.length() + ":" + request + ",").getBytes(StandardCharsets.US_ASCII));
          assertEquals("9:NOTFOUND ,", new String(in.readNBytes(12), StandardCharsets.US_ASCII));
        }
      }
      p.destroy();  // SIGTERM
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
      String log = Files.readString(err);
      assertTrue(log.contains("PolicyDaemon - stopped"), log);
    } finally {
      p.destroyForcibly();
    }
  }
}
