package dev.mtasts.postfix;

import dev.mtasts.testkit.PolicyHosts;
import dev.mtasts.testkit.SmtpServer;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end lab, run inside a private network namespace by {@link PostfixEndToEndTest} and
 * {@link Postfix310EndToEndTest}: dnsmasq on 127.0.0.1:53 (MX, A and TXT records), the policy
 * hosts on 127.0.0.1:443, STARTTLS sinks on 127.0.0.1x:25, our daemon on 127.0.0.1:8462, and a
 * private Postfix instance that sends one mail to each domain. It writes what happened to {@code
 * results.properties}; the tests judge.
 *
 * <p>Arguments: the scratch directory, then {@code --postfix ROOT} to run the Postfix unpacked
 * under ROOT (by {@code src/test/postfix310/install.sh}) instead of the system's, and {@code
 * --tlsrpt-attributes} to answer Postfix from a zone with the TLSRPT attributes and add the
 * domains that show what they change.
 */
public final class PostfixLab {
  static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: %s\nmax_age: 86400\n";
  static final String TESTING = "version: STSv1\nmode: testing\nmx: %s\nmax_age: 86400\n";
  /** The socketmap name of main.cf. */
  static final String MAP_NAME = "postfix";
  /** A zone without the TLSRPT attributes, used by the {@code smtp-noattr} transport. */
  static final String NOATTR = "noattr";

  /**
   * One destination of the lab.
   *
   * @param policy its MTA-STS policy, or "" for none
   * @param mx its one MX host
   * @param address the MX host's address, where its sink listens
   * @param certName the name on the sink's certificate
   * @param zone the socketmap name Postfix asks for it
   */
  record Domain(String policy, String mx, String address, String certName, String zone) {}

  /** The domains of every run. */
  static final Map<String, Domain> DOMAINS = new LinkedHashMap<>();
  /** The domains added with {@code --tlsrpt-attributes}. */
  static final Map<String, Domain> ATTRIBUTE_DOMAINS = new LinkedHashMap<>();

  static {
    // Listed MX, good certificate: delivered.
    DOMAINS.put("good.test", new Domain(String.format(ENFORCE, "mx1.good.test"), "mx1.good.test",
        "127.0.0.11", "mx1.good.test", MAP_NAME));
    // MX not in the policy (its certificate is fine for its own name): deferred.
    DOMAINS.put("unlisted.test", new Domain(String.format(ENFORCE, "mx1.unlisted.test"),
        "mx9.unlisted.test", "127.0.0.12", "mx9.unlisted.test", MAP_NAME));
    // Listed MX with a certificate for another name: deferred.
    DOMAINS.put("badcert.test", new Domain(String.format(ENFORCE, "mx1.badcert.test"),
        "mx1.badcert.test", "127.0.0.13", "other.test", MAP_NAME));
    // Testing, with the same bad certificate: delivered.
    DOMAINS.put("testing.test", new Domain(String.format(TESTING, "mx1.testing.test"),
        "mx1.testing.test", "127.0.0.14", "other.test", MAP_NAME));
    // No policy at all: delivered (and Postfix asks for the parent key .test).
    DOMAINS.put("plain.test", new Domain("", "mx1.plain.test", "127.0.0.15", "other.test",
        MAP_NAME));
    // A wildcard pattern and an MX one label below it: delivered.
    ATTRIBUTE_DOMAINS.put("wild.test", new Domain(String.format(ENFORCE, "*.wild.test"),
        "mx1.wild.test", "127.0.0.16", "mx1.wild.test", MAP_NAME));
    // The same pattern and an MX two labels below it, with a certificate for that MX: RFC 8461
    // section 4.1 says no (the wildcard covers one label); only the attributes tell Postfix so.
    ATTRIBUTE_DOMAINS.put("deep.test", new Domain(String.format(ENFORCE, "*.deep.test"),
        "a.b.deep.test", "127.0.0.17", "a.b.deep.test", MAP_NAME));
    // The same set-up answered from a zone without the attributes.
    ATTRIBUTE_DOMAINS.put("deepnoattr.test", new Domain(String.format(ENFORCE,
        "*.deepnoattr.test"), "a.b.deepnoattr.test", "127.0.0.18", "a.b.deepnoattr.test",
        NOATTR));
  }

  /**
   * A Postfix installation: the system's (root {@code /}) or a tree unpacked elsewhere, which
   * main.cf must point at.
   *
   * @param root where its {@code usr/sbin} and {@code usr/lib/postfix} are
   */
  record Postfix(Path root) {
    static final Postfix SYSTEM = new Postfix(Path.of("/"));

    String command(String name) {
      return root.resolve("usr/sbin").resolve(name).toString();
    }

    Path masterCfDist() {
      return root.resolve("usr/share/postfix/master.cf.dist");
    }

    /** The main.cf lines that make the instance run this installation's programs. */
    List<String> mainCf() {
      if (this.equals(SYSTEM)) {
        return List.of();
      }
      return List.of(
          "daemon_directory = " + root.resolve("usr/lib/postfix/sbin"),
          "command_directory = " + root.resolve("usr/sbin"),
          "shlib_directory = " + root.resolve("usr/lib/postfix"),
          "meta_directory = " + root.resolve("etc/postfix"),
          "sendmail_path = " + root.resolve("usr/sbin/sendmail"),
          "mailq_path = " + root.resolve("usr/bin/mailq"),
          "newaliases_path = " + root.resolve("usr/bin/newaliases"));
    }
  }

  /**
   * What a lab run left behind.
   *
   * @param code the lab's exit code (-1 on time-out)
   * @param results what it found, by key ({@code DOMAIN.status} and so on)
   * @param log its output and the mail log
   */
  record Run(int code, Properties results, String log) {
    String get(String key) {
      return results.getProperty(key);
    }

    /** Everything, for assertion messages. */
    String all() {
      return results + "\n" + log;
    }
  }

  private PostfixLab() {}

  /** Runs the lab in a new namespace and reads what it left in {@code dir}. */
  static Run runInNamespace(Path dir, String... args) throws IOException, InterruptedException {
    int code = Namespace.run(dir, PostfixLab.class, 120, args);
    StringBuilder log = new StringBuilder();
    for (String f : List.of("lab.log", "pfx/maillog")) {
      Path p = dir.resolve(f);
      log.append("--- ").append(f).append('\n')
          .append(Files.exists(p) ? Files.readString(p) : "(none)\n");
    }
    Properties r = new Properties();
    if (Files.exists(dir.resolve("results.properties"))) {
      try (Reader in = Files.newBufferedReader(dir.resolve("results.properties"))) {
        r.load(in);
      }
    }
    return new Run(code, r, log.toString());
  }

  /**
   * Runs the lab.
   *
   * @param args the scratch directory, then the options
   * @throws Exception when the lab cannot be set up
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Postfix postfix = Postfix.SYSTEM;
    boolean attributes = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--postfix" -> postfix = new Postfix(Path.of(args[++i]));
        case "--tlsrpt-attributes" -> attributes = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Map<String, Domain> domains = new LinkedHashMap<>(DOMAINS);
    if (attributes) {
      domains.putAll(ATTRIBUTE_DOMAINS);
    }
    List<AutoCloseable> open = new ArrayList<>();
    Process dnsmasq = null;
    Path pfx = dir.resolve("pfx");
    Properties results = new Properties();
    try {
      TestCertificateAuthority ca = TestCertificateAuthority.create();
      Path caPem = ca.writePem(dir.resolve("ca.pem"));
      List<String> names = new ArrayList<>();
      domains.forEach((d, v) -> names.add("mta-sts." + d));
      PolicyHosts hosts = PolicyHosts.start(new InetSocketAddress("127.0.0.1", 443),
          ca.issue(names.toArray(String[]::new)));
      open.add(hosts);
      List<String> dns = new ArrayList<>();
      Map<String, SmtpServer> sinks = new LinkedHashMap<>();
      for (Map.Entry<String, Domain> e : domains.entrySet()) {
        String d = e.getKey();
        Domain v = e.getValue();
        dns.add("--mx-host=" + d + "," + v.mx() + ",10");
        dns.add("--host-record=" + v.mx() + "," + v.address());
        dns.add("--host-record=mta-sts." + d + ",127.0.0.1");
        if (!v.policy().isEmpty()) {
          hosts.policy(d, v.policy());
          dns.add("--txt-record=_mta-sts." + d + ",v=STSv1; id=1");
        }
        SmtpServer sink = SmtpServer.start(new InetSocketAddress(v.address(), 25), v.mx(),
            ca.issue(v.certName()).serverContext());
        open.add(sink);
        sinks.put(d, sink);
      }
      dnsmasq = SideBySideLab.Lab.dnsmasq(dir, dns);
      DaemonConfig.Builder config = DaemonConfig.builder()
          .listen("127.0.0.1:8462")
          .trustPem(caPem)
          .store(dir.resolve("policies"))
          .timeout("5s")
          .metrics("127.0.0.1:9462");
      if (attributes) {
        config.defaultZone(new Zone(Zone.DEFAULT_NAME, false, true, true))
            .zone(Zone.defaults(NOATTR));
      }
      PolicyDaemon daemon = PolicyDaemon.start(config.build());
      open.add(daemon);
      startPostfix(postfix, pfx, caPem, domains);
      results.setProperty("postconf", run(List.of(postfix.command("postconf"), "-c",
          pfx.toString(), "mail_version", "smtp_tlsrpt_enable"), "").strip());
      for (String d : domains.keySet()) {
        run(List.of(postfix.command("sendmail"), "-C", pfx.toString(), "-f",
            "sender@sender.test", "--", "user@" + d),
            "Subject: MTA-STS lab " + d + "\n\nHello " + d + ".\n");
      }
      Map<String, String[]> status = waitForStatus(pfx.resolve("maillog"), domains.keySet(), 40);
      String log = Files.readString(pfx.resolve("maillog"));
      try (SocketmapClient client = new SocketmapClient(
          new InetSocketAddress("127.0.0.1", 8462))) {
        for (Map.Entry<String, Domain> e : domains.entrySet()) {
          String d = e.getKey();
          String[] s = status.getOrDefault(d, new String[] {"none", ""});
          results.setProperty(d + ".status", s[0]);
          results.setProperty(d + ".reason", s[1]);
          results.setProperty(d + ".received", Integer.toString(sinks.get(d).messages().size()));
          results.setProperty(d + ".connections", Integer.toString(sinks.get(d).connections()));
          results.setProperty(d + ".verified", Boolean.toString(
              log.contains("Verified TLS connection established to " + e.getValue().mx())));
          // What Postfix was told, asked again under the same name (answered from the cache).
          results.setProperty(d + ".reply", client.ask(e.getValue().zone(), d));
        }
      }
      results.setProperty("queue", run(List.of(postfix.command("postqueue"), "-c",
          pfx.toString(), "-p"), ""));
      results.setProperty("metrics", HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:9462/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } finally {
      if (Files.exists(pfx.resolve("main.cf"))) {
        run(List.of(postfix.command("postfix"), "-c", pfx.toString(), "stop"), "");
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

  private static void startPostfix(Postfix postfix, Path pfx, Path caPem,
      Map<String, Domain> domains) throws Exception {
    Files.createDirectories(pfx.resolve("spool"));
    Files.createDirectories(pfx.resolve("data"));
    run(List.of("chown", "postfix", pfx.resolve("data").toString()), "");
    List<String> main = new ArrayList<>(List.of(
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
        "smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8462:" + MAP_NAME,
        "smtp_dns_support_level = enabled",
        "minimal_backoff_time = 300s",
        "maximal_backoff_time = 600s",
        "queue_run_delay = 300s"));
    main.addAll(postfix.mainCf());
    // Domains answered under another socketmap name go through a transport that asks under it.
    List<String> routes = new ArrayList<>();
    StringBuilder transports = new StringBuilder();
    domains.forEach((d, v) -> {
      if (!v.zone().equals(MAP_NAME)) {
        routes.add(d + "=smtp-" + v.zone() + ":");
      }
    });
    domains.values().stream().map(Domain::zone).filter(z -> !z.equals(MAP_NAME)).distinct()
        .forEach(z -> transports.append("smtp-").append(z).append(" unix - - n - - smtp -o ")
            .append("smtp_tls_policy_maps=socketmap:inet:127.0.0.1:8462:").append(z)
            .append('\n'));
    if (!routes.isEmpty()) {
      main.add("transport_maps = inline:{ " + String.join(", ", routes) + " }");
    }
    main.add("");
    Files.writeString(pfx.resolve("main.cf"), String.join("\n", main));
    StringBuilder master = new StringBuilder();
    for (String line : Files.readAllLines(postfix.masterCfDist())) {
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
    master.append(transports);
    Files.writeString(pfx.resolve("master.cf"), master.toString());
    String command = postfix.command("postfix");
    run(List.of(command, "-c", pfx.toString(), "post-install", "create-missing"), "");
    run(List.of(command, "-c", pfx.toString(), "start"), "");
  }

  /**
   * Reads the mail log until every domain has a delivery status, or the time is up.
   *
   * @return domain -> {its first status, the reason Postfix gave with it}
   */
  static Map<String, String[]> waitForStatus(Path maillog, Set<String> domains, int seconds)
      throws IOException, InterruptedException {
    Pattern p = Pattern.compile("to=<user@([^>]+)>.* status=(\\w+)(?: \\((.*)\\))?");
    Map<String, String[]> status = new LinkedHashMap<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < until) {
      if (Files.exists(maillog)) {
        for (String line : Files.readAllLines(maillog)) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            status.putIfAbsent(m.group(1), new String[] {m.group(2),
                m.group(3) == null ? "" : m.group(3)});
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
