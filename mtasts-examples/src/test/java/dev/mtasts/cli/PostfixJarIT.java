package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box: {@code java -jar mtasts.jar postfix serve} answers, SIGTERM stops it cleanly, and
 * {@code postfix query} run beside it prints what it answers.
 */
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

  /**
   * The server process holds the store; a query process on the same store answers as the server
   * does, from the server's cache or from a fetch of its own, says once on stderr that it stores
   * nothing, prints nothing else there (no error for the write it did not make), and changes no
   * file of the store.
   */
  @Test
  void queryBesideTheRunningServerPrintsWhatItAnswers(@TempDir Path tmp) throws Exception {
    String cached = PostfixProbe.CACHED;
    String fresh = PostfixProbe.FRESH;
    TestCertificateAuthority ca = TestCertificateAuthority.create();
    Path pem = ca.writePem(tmp.resolve("ca.pem"));
    Path store = tmp.resolve("store");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (LoopbackDnsServer dns = LoopbackDnsServer.start();
        PolicyHost hosts = PostfixProbe.startHosts(ca, dns)) {
      List<String> options = List.of("--dns", "127.0.0.1:" + dns.port(), "--trust-pem",
          pem.toString(), "--store", store.toString(), "--policy-port",
          String.valueOf(hosts.port()));
      Path serverErr = tmp.resolve("server-err.txt");
      List<String> serve = new ArrayList<>(java());
      serve.addAll(List.of("postfix", "serve", "--listen", "127.0.0.1:" + port));
      serve.addAll(options);
      Process server = new ProcessBuilder(serve).redirectOutput(tmp.resolve("server-out.txt")
          .toFile()).redirectError(serverErr.toFile()).start();
      try {
        String served = ask(port, cached, serverErr);
        assertEquals(PostfixProbe.CACHED_REPLY, served);
        // The server stores the policy in the background; an entry appears whole (a rename).
        Path entry = store.resolve(cached + ".sts");
        for (int i = 0; i < 600 && !Files.exists(entry); i++) {
          Thread.sleep(50);
        }
        assertTrue(Files.exists(entry), "the server did not store the policy");
        PostfixProbe.changeCachedPolicy(hosts);
        Map<String, String> before = PostfixProbe.snapshot(store);
        String note = "mtasts: the store " + store.toRealPath() + " is in use by process "
            + server.pid() + " (the server, or another mtasts command): answering from its"
            + " cached policies without storing anything\n";

        Cli.Run r = query(tmp, options, cached);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(served + "\n", r.out());
        assertEquals(note, r.err());

        r = query(tmp, options, "--json", fresh);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(note, r.err(), "no error for the store write the query did not make");
        JsonNode json = r.json().get(0);
        assertEquals(List.of("name", "key", "reply", "outcome", "detail"), Cli.keys(json));
        assertEquals("enforce", json.get("outcome").asText());
        String freshReply = json.get("reply").asText();

        r = query(tmp, options, PostfixProbe.NONE);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("NOTFOUND \n", r.out());
        assertEquals(note, r.err());

        assertEquals(before, PostfixProbe.snapshot(store), "the queries changed nothing");
        assertEquals(freshReply, ask(port, fresh, serverErr));
        assertEquals(PostfixProbe.FRESH_REPLY, freshReply);
        assertEquals("NOTFOUND ", ask(port, PostfixProbe.NONE, serverErr));
      } finally {
        server.destroy(); // SIGTERM
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  private static List<String> java() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djdk.net.hosts.file=" + System.getProperty("mtasts.hosts"), "-jar",
        System.getProperty("mtasts.jar"));
  }

  private static Cli.Run query(Path tmp, List<String> options, String... more)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(java());
    command.addAll(List.of("postfix", "query"));
    command.addAll(options);
    command.addAll(List.of(more));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
            Path.of("/dev/null").toFile())).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mtasts did not finish within 60 s: " + command);
    }
    return new Cli.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Waits for the server to accept connections, then asks it for one key. */
  private static String ask(int port, String key, Path serverErr) throws Exception {
    for (int i = 0; i < 600; i++) {
      try {
        new Socket("127.0.0.1", port).close(); // connected: the server listens
        return PostfixProbe.ask(port, key);
      } catch (java.net.ConnectException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the server did not start: " + Files.readString(serverErr));
  }
}
