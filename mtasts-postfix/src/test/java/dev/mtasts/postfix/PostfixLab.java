package dev.mtasts.postfix;

import dev.mtasts.testkit.PolicyHosts;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end lab, run inside a private network namespace by {@link PostfixEndToEndTest}: dnsmasq
 * on 127.0.0.1:53 (MX, A and TXT records), the policy hosts on 127.0.0.1:443, STARTTLS sinks on
 * 127.0.0.1x:25, our daemon on 127.0.0.1:8462, and a private Postfix instance that sends one mail
 * to each domain. It writes what happened to {@code results.properties}; the test judges.
 */
public final class PostfixLab {
  static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: %s\nmax_age: 86400\n";
  static final String TESTING = "version: STSv1\nmode: testing\nmx: %s\nmax_age: 86400\n";

  /** domain -> {policy or "", MX host, its address, the name on its certificate}. */
  static final Map<String, String[]> DOMAINS = new LinkedHashMap<>();

  static {
    // Listed MX, good certificate: delivered.
    DOMAINS.put("good.test", new String[] {String.format(ENFORCE, "mx1.good.test"), "mx1.good.test",
        "127.0.0.11", "mx1.good.test"});
    // MX not in the policy (its certificate is fine for its own name): deferred.
    DOMAINS.put("unlisted.test", new String[] {String.format(ENFORCE, "mx1.unlisted.test"),
        "mx9.unlisted.test", "127.0.0.12", "mx9.unlisted.test"});
    // Listed MX with a certificate for another name: deferred.
    DOMAINS.put("badcert.test", new String[] {String.format(ENFORCE, "mx1.badcert.test"),
        "mx1.badcert.test", "127.0.0.13", "other.test"});
    // Testing, with the same bad certificate: delivered.
    DOMAINS.put("testing.test", new String[] {String.format(TESTING, "mx1.testing.test"),
        "mx1.testing.test", "127.0.0.14", "other.test"});
    // No policy at all: delivered (and Postfix asks for the parent key .test).
    DOMAINS.put("plain.test", new String[] {"", "mx1.plain.test", "127.0.0.15", "other.test"});
  }

  private PostfixLab() {}

  /**
   * Runs the lab.
   *
   * @param args the scratch directory
   * @throws Exception when the lab cannot be set up
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<AutoCloseable> open = new ArrayList<>();
    Process dnsmasq = null;
    Path pfx = dir.resolve("pfx");
    Properties results = new Properties();
    try {
      TestCertificateAuthority ca = TestCertificateAuthority.create();
      Path caPem = ca.writePem(dir.resolve("ca.pem"));
      List<String> names = new ArrayList<>();
      DOMAINS.forEach((d, v) -> names.add("mta-sts." + d));
      PolicyHosts hosts = PolicyHosts.start(new InetSocketAddress("127.0.0.1", 443),
          ca.issue(names.toArray(String[]::new)));
      open.add(hosts);
      List<String> dns = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground",
          "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
          "--listen-address=127.0.0.1", "--port=53", "--pid-file=", "--user=root",
          "--log-facility=" + dir.resolve("dnsmasq.log")));
      Map<String, SmtpServer> sinks = new LinkedHashMap<>();
      for (Map.Entry<String, String[]> e : DOMAINS.entrySet()) {
        String d = e.getKey();
        String[] v = e.getValue();
        dns.add("--mx-host=" + d + "," + v[1] + ",10");
        dns.add("--host-record=" + v[1] + "," + v[2]);
        dns.add("--host-record=mta-sts." + d + ",127.0.0.1");
        if (!v[0].isEmpty()) {
          hosts.policy(d, v[0]);
          dns.add("--txt-record=_mta-sts." + d + ",v=STSv1; id=1");
        }
        SmtpServer sink = SmtpServer.start(new InetSocketAddress(v[2], 25), v[1],
            ca.issue(v[3]).serverContext());
        open.add(sink);
        sinks.put(d, sink);
      }
      dnsmasq = new ProcessBuilder(dns).redirectErrorStream(true)
          .redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
      PolicyDaemon daemon = PolicyDaemon.start(DaemonConfig.builder()
          .listen("127.0.0.1:8462")
          .trustPem(caPem)
          .store(dir.resolve("policies"))
          .timeout("5s")
          .metrics("127.0.0.1:9462")
          .build());
      open.add(daemon);
      startPostfix(pfx, caPem);
      for (String d : DOMAINS.keySet()) {
        run(List.of("/usr/sbin/sendmail", "-C", pfx.toString(), "-f", "sender@sender.test",
            "--", "user@" + d), "Subject: MTA-STS lab " + d + "\n\nHello " + d + ".\n");
      }
      Map<String, String> status = waitForStatus(pfx.resolve("maillog"), DOMAINS.keySet(), 40);
      for (String d : DOMAINS.keySet()) {
        results.setProperty(d + ".status", status.getOrDefault(d, "none"));
        results.setProperty(d + ".received", Integer.toString(sinks.get(d).messages().size()));
      }
      String log = Files.readString(pfx.resolve("maillog"));
      results.setProperty("good.verified",
          Boolean.toString(log.contains("Verified TLS connection established to mx1.good.test")));
      results.setProperty("queue", run(List.of("/usr/sbin/postqueue", "-c", pfx.toString(), "-p"),
          ""));
      results.setProperty("metrics", HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:9462/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } finally {
      if (Files.exists(pfx.resolve("main.cf"))) {
        run(List.of("/usr/sbin/postfix", "-c", pfx.toString(), "stop"), "");
      }
      if (dnsmasq != null) {
        dnsmasq.destroy();
        dnsmasq.waitFor(5, TimeUnit.SECONDS);
      }
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
      try (Writer w = Files.newBufferedWriter(dir.resolve("results.properties"))) {
        results.store(w, "MTA-STS Postfix lab");
      }
    }
  }

  private static void startPostfix(Path pfx, Path caPem) throws Exception {
    Files.createDirectories(pfx.resolve("spool"));
    Files.createDirectories(pfx.resolve("data"));
    run(List.of("chown", "postfix", pfx.resolve("data").toString()), "");
    Files.writeString(pfx.resolve("main.cf"), String.join("\n",
        "compatibility_level = 3.6",
        "queue_directory = " + pfx.resolve("spool"),
        "data_directory = " + pfx.resolve("data"),
        "mail_owner = postfix",
        "setgid_group = postdrop",
        "myhostname = sender.test",
        "mydestination =",
        "alias_maps =",
        "alias_database =",
        "inet_interfaces = loopback-only",
        "inet_protocols = ipv4",
        "maillog_file = " + pfx.resolve("maillog"),
        "maillog_file_prefixes = /var, /dev/stdout, " + pfx,
        "smtp_tls_security_level = may",
        "smtp_tls_CAfile = " + caPem,
        "smtp_tls_loglevel = 1",
        "smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8462:postfix",
        "smtp_dns_support_level = enabled",
        "minimal_backoff_time = 300s",
        "maximal_backoff_time = 600s",
        "queue_run_delay = 300s",
        ""));
    StringBuilder master = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/usr/share/postfix/master.cf.dist"))) {
      if (line.startsWith("smtp ") && line.contains(" inet ")) {
        master.append('#').append(line).append('\n');
        continue;
      }
      String[] f = line.split("\\s+");
      if (!line.startsWith("#") && !line.startsWith(" ") && f.length >= 8) {
        // No chroot: the instance lives in a scratch directory.
        f[4] = "n";
        master.append(String.join(" ", f)).append('\n');
      } else {
        master.append(line).append('\n');
      }
    }
    Files.writeString(pfx.resolve("master.cf"), master.toString());
    run(List.of("/usr/sbin/postfix", "-c", pfx.toString(), "post-install", "create-missing"), "");
    run(List.of("/usr/sbin/postfix", "-c", pfx.toString(), "start"), "");
  }

  /** Reads the mail log until every domain has a delivery status, or the time is up. */
  static Map<String, String> waitForStatus(Path maillog, java.util.Set<String> domains, int seconds)
      throws IOException, InterruptedException {
    Pattern p = Pattern.compile("to=<user@([^>]+)>.* status=(\\w+)");
    Map<String, String> status = new LinkedHashMap<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < until) {
      if (Files.exists(maillog)) {
        for (String line : Files.readAllLines(maillog)) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            status.putIfAbsent(m.group(1), m.group(2));
          }
        }
      }
      if (status.keySet().containsAll(domains)) {
        break;
      }
      Thread.sleep(200);
    }
    return status;
  }

  static String run(List<String> cmd, String stdin) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    System.out.println("$ " + String.join(" ", cmd) + "\n" + out);
    return out;
  }
}
