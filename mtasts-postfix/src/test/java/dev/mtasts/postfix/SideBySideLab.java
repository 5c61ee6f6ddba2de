package dev.mtasts.postfix;

import dev.mtasts.testkit.PolicyHosts;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Our daemon and Debian's postfix-mta-sts-resolver ({@code mta-sts-daemon}) side by side, inside a
 * private network namespace made by {@link SideBySideTest}: both ask the same dnsmasq and the same
 * policy hosts, and each key goes to both. Writes {@code compare.tsv}: key, our reply, theirs.
 */
public final class SideBySideLab {
  static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx1.%1$s\nmx: *.mx.%1$s\n"
      + "max_age: 86400\n";

  /** domain -> {TXT records separated by '|' (empty: none), policy}. */
  static final Map<String, String[]> DOMAINS = new LinkedHashMap<>();

  static {
    DOMAINS.put("enforce.test", new String[] {"v=STSv1; id=1", String.format(ENFORCE,
        "enforce.test")});
    DOMAINS.put("testing.test", new String[] {"v=STSv1; id=1", String.format(ENFORCE,
        "testing.test").replace("enforce", "testing")});
    DOMAINS.put("none.test", new String[] {"v=STSv1; id=1",
        "version: STSv1\nmode: none\nmax_age: 86400\n"});
    DOMAINS.put("nopolicy.test", new String[] {"", ""});
    // RFC 8461 section 3.1: id is 1*32(ALPHA / DIGIT).
    DOMAINS.put("badid.test", new String[] {"v=STSv1; id=2026-01-01", String.format(ENFORCE,
        "badid.test")});
    DOMAINS.put("longid.test", new String[] {"v=STSv1; id=" + "1".repeat(33), String.format(
        ENFORCE, "longid.test")});
    // RFC 8461 section 3.1: more than one STSv1 record means no policy.
    DOMAINS.put("twotxt.test", new String[] {"v=STSv1; id=1|v=STSv1; id=2", String.format(ENFORCE,
        "twotxt.test")});
    // RFC 8461 section 3.2: max_age is at most 31557600.
    DOMAINS.put("maxage.test", new String[] {"v=STSv1; id=1", String.format(ENFORCE,
        "maxage.test").replace("86400", "31557601")});
    // RFC 8461 section 3.2 / 4.1: a wildcard is a whole left-most label only.
    DOMAINS.put("partial.test", new String[] {"v=STSv1; id=1",
        "version: STSv1\nmode: enforce\nmx: mx*.partial.test\nmax_age: 86400\n"});
    // RFC 8461 section 3.2: version must be STSv1.
    DOMAINS.put("noversion.test", new String[] {"v=STSv1; id=1",
        "mode: enforce\nmx: mx1.noversion.test\nmax_age: 86400\n"});
    // RFC 8461 section 3.2: mode is one of enforce, testing, none.
    DOMAINS.put("badmode.test", new String[] {"v=STSv1; id=1",
        "version: STSv1\nmode: enforcing\nmx: mx1.badmode.test\nmax_age: 86400\n"});
    // An enforce policy must list MX patterns (RFC 8461 section 3.2: "mx" ... one or more).
    DOMAINS.put("nomx.test", new String[] {"v=STSv1; id=1",
        "version: STSv1\nmode: enforce\nmax_age: 86400\n"});
  }

  /** The keys asked, besides each domain. */
  static final List<String> EXTRA_KEYS = List.of("ENFORCE.Test.", "[enforce.test]:25",
      ".enforce.test", ".test", "[192.0.2.1]", "192.0.2.1", "[ipv6:2001:db8::1]");

  private SideBySideLab() {}

  /**
   * Runs the comparison.
   *
   * @param args the scratch directory
   * @throws Exception when the lab cannot be set up
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<AutoCloseable> open = new ArrayList<>();
    Process dnsmasq = null;
    Process python = null;
    try {
      TestCertificateAuthority ca = TestCertificateAuthority.create();
      Path caPem = ca.writePem(dir.resolve("ca.pem"));
      List<String> names = new ArrayList<>();
      DOMAINS.forEach((d, v) -> names.add("mta-sts." + d));
      PolicyHosts hosts = PolicyHosts.start(new InetSocketAddress("127.0.0.1", 443),
          ca.issue(names.toArray(String[]::new)));
      open.add(hosts);
      List<String> dns = new ArrayList<>();
      for (Map.Entry<String, String[]> e : DOMAINS.entrySet()) {
        String d = e.getKey();
        dns.add("--host-record=mta-sts." + d + ",127.0.0.1");
        if (!e.getValue()[0].isEmpty()) {
          for (String txt : e.getValue()[0].split("\\|")) {
            dns.add("--txt-record=_mta-sts." + d + "," + txt);
          }
          hosts.policy(d, e.getValue()[1]);
        }
      }
      dnsmasq = Lab.dnsmasq(dir, dns);
      PolicyDaemon ours = PolicyDaemon.start(DaemonConfig.builder()
          .listen("127.0.0.1:8462").trustPem(caPem).store(dir.resolve("policies"))
          .timeout("5s").build());
      open.add(ours);
      Files.writeString(dir.resolve("mta-sts-daemon.yml"), String.join("\n",
          "host: 127.0.0.1", "port: 8461", "cache:", "  type: internal",
          "default_zone:", "  strict_testing: false", "  timeout: 4", ""));
      ProcessBuilder pb = new ProcessBuilder("/usr/bin/mta-sts-daemon", "-c",
          dir.resolve("mta-sts-daemon.yml").toString(), "-v", "debug")
          .redirectErrorStream(true).redirectOutput(dir.resolve("mta-sts-daemon.log").toFile());
      pb.environment().put("SSL_CERT_FILE", caPem.toString());
      python = pb.start();
      Lab.waitForPort(8461, 30);
      List<String> keys = new ArrayList<>(DOMAINS.keySet());
      keys.addAll(EXTRA_KEYS);
      StringBuilder tsv = new StringBuilder();
      try (SocketmapClient a = new SocketmapClient(new InetSocketAddress("127.0.0.1", 8462))) {
        for (String key : keys) {
          String theirs;
          try (SocketmapClient b = new SocketmapClient(new InetSocketAddress("127.0.0.1", 8461))) {
            theirs = b.ask("postfix", key);
          } catch (IOException e) {
            theirs = "(connection failed: " + e.getMessage() + ")";
          }
          tsv.append(key).append('\t').append(a.ask("postfix", key)).append('\t')
              .append(theirs).append('\n');
        }
      }
      Files.writeString(dir.resolve("compare.tsv"), tsv.toString());
      System.out.print(tsv);
    } finally {
      if (python != null) {
        python.destroy();
        python.waitFor(5, TimeUnit.SECONDS);
      }
      if (dnsmasq != null) {
        dnsmasq.destroy();
        dnsmasq.waitFor(5, TimeUnit.SECONDS);
      }
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  /** Helpers shared by the labs. */
  static final class Lab {
    private Lab() {}

    static Process dnsmasq(Path dir, List<String> records) throws IOException {
      List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground",
          "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
          "--listen-address=127.0.0.1", "--port=53", "--pid-file=", "--user=root",
          "--log-facility=" + dir.resolve("dnsmasq.log")));
      cmd.addAll(records);
      return new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
    }

    static void waitForPort(int port, int seconds) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < until) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.shutdownOutput(); // connected: the port is open
          return;
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      throw new IllegalStateException("nothing listens on port " + port);
    }
  }
}
