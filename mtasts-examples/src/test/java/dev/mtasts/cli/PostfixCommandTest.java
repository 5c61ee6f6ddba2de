package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.postfix.DaemonConfig;
import dev.mtasts.postfix.PolicyDaemon;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtasts postfix query} prints exactly what {@code mtasts postfix serve} answers. */
class PostfixCommandTest {
  private static final String DOMAIN = "resolve.example.test";

  private static TestCertificateAuthority ca;
  private static LoopbackDnsServer dns;
  private static PolicyHost host;
  private static Path pem;

  @TempDir Path dir;

  @BeforeAll
  static void servers(@TempDir Path tmp) throws Exception {
    ca = TestCertificateAuthority.create();
    dns = LoopbackDnsServer.start();
    dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=7");
    host = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
    host.body("version: STSv1\nmode: enforce\nmx: mx.resolve.example.test\n"
        + "mx: *.mx.resolve.example.test\nmax_age: 604800\n");
    pem = tmp.resolve("ca.pem");
    Files.writeString(pem, ca.pem());
  }

  @AfterAll
  static void stop() {
    host.close();
    dns.close();
  }

  private List<String> network() {
    return new ArrayList<>(List.of("--dns", "127.0.0.1:" + dns.port(), "--trust-pem",
        pem.toString(), "--store", dir.resolve("store").toString(), "--policy-port",
        Integer.toString(host.port())));
  }

  private Cli.Run query(String... more) {
    List<String> args = new ArrayList<>(List.of("postfix", "query"));
    args.addAll(network());
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void queryPrintsTheReply() {
    Cli.Run r = query(DOMAIN);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("OK secure match=mx.resolve.example.test:.mx.resolve.example.test"
        + " servername=hostname\n", r.out());
    assertEquals("NOTFOUND \n", query(".example.test").out());
    assertEquals("NOTFOUND \n", query("[192.0.2.1]:25").out());
  }

  @Test
  void queryJsonSaysWhy() {
    Cli.Run r = query("--json", "." + DOMAIN);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("parent-key", r.json().get(0).get("outcome").asText());
    assertEquals("NOTFOUND ", r.json().get(0).get("reply").asText());
  }

  @Test
  void zonesComeFromTheConfigurationFileAndOptionsOverrideIt() throws Exception {
    Path config = dir.resolve("mtasts-postfix.yml");
    Files.writeString(config, "store: /nonexistent/never-used\ntimeout: 3s\n"
        + "zones:\n  nosni:\n    require_sni: false\n");
    Cli.Run r = query("--config", config.toString(), "--name", "nosni", DOMAIN);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("OK secure match=mx.resolve.example.test:.mx.resolve.example.test\n", r.out());
  }

  @Test
  void aBadConfigurationFileIsAUsageError() throws Exception {
    Path config = dir.resolve("bad.yml");
    Files.writeString(config, "listen: 127.0.0.1:8462\nzonez: {}\n");
    Cli.Run r = query("--config", config.toString(), DOMAIN);
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("unknown key 'zonez'"), r.err());
  }

  @Test
  void serveAnswersWhatQueryPrints() throws Exception {
    Cli.Run q = query(DOMAIN);
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    List<String> args = new ArrayList<>(List.of("postfix", "serve", "--listen",
        "127.0.0.1:" + port));
    args.addAll(network());
    // The server runs until its thread is interrupted.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> Main.run(args.toArray(String[]::new),
        InputStream.nullInputStream(), OutputStream.nullOutputStream(), err));
    t.start();
    try {
      Socket s = null;
      for (int i = 0; i < 600 && s == null; i++) {
        try {
          s = new Socket("127.0.0.1", port);
        } catch (java.io.IOException e) {
          Thread.sleep(50);
        }
      }
      assertTrue(s != null, "the server did not start: " + err);
      try (Socket client = s) {
        String request = "postfix " + DOMAIN;
        client.getOutputStream().write((request.length() + ":" + request + ",")
            .getBytes(StandardCharsets.US_ASCII));
        String expected = q.out().strip();
        String reply = new String(client.getInputStream().readNBytes(
            (expected.length() + ":" + expected + ",").length()), StandardCharsets.US_ASCII);
        assertEquals(expected.length() + ":" + expected + ",", reply);
      }
    } finally {
      t.interrupt();
      t.join(10_000);
    }
  }

  /**
   * The acceptance of {@code postfix query} beside a running server: the server holds the store,
   * and the query, on the same store, prints what the server answers, notes once that it stores
   * nothing, and leaves the store as it was.
   */
  @Test
  void queryBesideARunningServerPrintsWhatTheServerAnswers() throws Exception {
    String cached = PostfixProbe.CACHED;
    String fresh = PostfixProbe.FRESH;
    String none = PostfixProbe.NONE;
    try (PolicyHost hosts = PostfixProbe.startHosts(ca, dns)) {
      Path store = dir.resolve("served");
      List<String> options = List.of("--dns", "127.0.0.1:" + dns.port(), "--trust-pem",
          pem.toString(), "--store", store.toString(), "--policy-port",
          Integer.toString(hosts.port()));
      DaemonConfig config = DaemonConfig.builder()
          .listen("127.0.0.1:0")
          .dns("127.0.0.1:" + dns.port())
          .trustPem(pem)
          .store(store)
          .timeout("10s")
          .policyPort(hosts.port())
          .build();
      // A first run of the server fetches and stores the policy of one domain (closing waits for
      // the write), so the server that runs next has it cached from the start.
      String served;
      try (PolicyDaemon first = PolicyDaemon.start(config)) {
        served = ask(first, cached);
      }
      assertEquals(PostfixProbe.CACHED_REPLY, served);
      PostfixProbe.changeCachedPolicy(hosts);

      try (PolicyDaemon server = PolicyDaemon.start(config)) {
        assertEquals(served, ask(server, cached), "the server answers from its cache");
        Map<String, String> before = PostfixProbe.snapshot(store);
        String note = "mtasts: the store " + store.toRealPath() + " is in use by process "
            + ProcessHandle.current().pid() + " (the server, or another mtasts command):"
            + " answering from its cached policies without storing anything\n";

        // Cached by the server: the server's reply.
        Cli.Run r = Cli.run(args(options, cached));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(served + "\n", r.out());
        assertEquals(note, r.err(), "the note, once, and nothing else");

        // Not cached: fetched by the query, used, not stored; the server answers the same.
        r = Cli.run(args(options, "--json", fresh));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(note, r.err());
        JsonNode json = r.json().get(0);
        assertEquals(List.of("name", "key", "reply", "outcome", "detail"), Cli.keys(json));
        assertEquals("enforce", json.get("outcome").asText());
        String freshReply = json.get("reply").asText();
        assertEquals(PostfixProbe.FRESH_REPLY, freshReply);

        // No policy at all.
        r = Cli.run(args(options, none));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("NOTFOUND \n", r.out());
        assertEquals(note, r.err());

        assertEquals(before, PostfixProbe.snapshot(store), "the queries changed nothing");
        assertEquals(freshReply, ask(server, fresh));
        assertEquals("NOTFOUND ", ask(server, none));
      }

      // With the server stopped, the query holds the store again, silently.
      Cli.Run alone = Cli.run(args(options, cached));
      assertEquals(0, alone.exitCode(), alone.err());
      assertEquals(served + "\n", alone.out());
      assertEquals("", alone.err());
    }
  }

  private static String ask(PolicyDaemon server, String key) throws IOException {
    return PostfixProbe.ask(
        ((InetSocketAddress) server.listening().get(0).address()).getPort(), key);
  }

  private static String[] args(List<String> options, String... more) {
    List<String> args = new ArrayList<>(List.of("postfix", "query"));
    args.addAll(options);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
