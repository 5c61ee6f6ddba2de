package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the tests of {@code postfix query} beside a running server look at. */
final class PostfixProbe {
  /** A domain with an enforce policy that the server fetches and caches first. */
  static final String CACHED = "cached.beside.test";
  /** A domain with an enforce policy that the query fetches before the server does. */
  static final String FRESH = "fresh.beside.test";
  /** A domain without a policy. */
  static final String NONE = "none.beside.test";
  /** The reply to {@link #CACHED} from its first policy (then, from a cache only). */
  static final String CACHED_REPLY = "OK secure match=mx.cached.beside.test servername=hostname";
  /** The reply to {@link #FRESH}. */
  static final String FRESH_REPLY = "OK secure match=.fresh.beside.test servername=hostname";

  private PostfixProbe() {}

  /**
   * Starts one policy host for {@link #CACHED} and {@link #FRESH}, both enforce, and publishes
   * their TXT records.
   */
  static PolicyHost startHosts(TestCertificateAuthority ca, LoopbackDnsServer dns) {
    PolicyHost hosts = PolicyHost.builder()
        .domain(CACHED, ca.issue("mta-sts." + CACHED))
        .domain(FRESH, ca.issue("mta-sts." + FRESH))
        .start();
    hosts.domain(CACHED).body(enforce("mx.cached.beside.test"));
    hosts.domain(FRESH).body(enforce("*.fresh.beside.test"));
    dns.txt("_mta-sts." + CACHED, "v=STSv1; id=1").txt("_mta-sts." + FRESH, "v=STSv1; id=1");
    return hosts;
  }

  /**
   * Serves another policy for {@link #CACHED} under the same id: a fetch now gives another reply,
   * so only a cached policy still gives {@link #CACHED_REPLY}.
   */
  static void changeCachedPolicy(PolicyHost hosts) {
    hosts.domain(CACHED).body(enforce("mx.other.beside.test"));
  }

  private static String enforce(String mx) {
    return "version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 604800\n";
  }

  /**
   * Sends one socketmap request with the name "postfix" to a loopback server and reads the
   * netstring reply.
   */
  static String ask(int port, String key) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      String request = "postfix " + key;
      s.getOutputStream().write((request.length() + ":" + request + ",")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      int length = 0;
      for (int c = in.read(); c != ':'; c = in.read()) {
        assertTrue(c >= '0' && c <= '9', "not a netstring length: " + c);
        length = length * 10 + (c - '0');
      }
      String reply = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
      assertEquals(',', in.read());
      return reply;
    }
  }

  /** Every file of a directory with its bytes, time and identity, and the directory's own time. */
  static Map<String, String> snapshot(Path directory) throws IOException {
    Map<String, String> files = new TreeMap<>();
    files.put("/", Files.getLastModifiedTime(directory).toString());
    try (Stream<Path> list = Files.list(directory)) {
      for (Path p : list.toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        files.put(p.getFileName().toString(),
            Base64.getEncoder().encodeToString(Files.readAllBytes(p)) + " "
                + a.lastModifiedTime() + " " + a.fileKey());
      }
    }
    return files;
  }
}
