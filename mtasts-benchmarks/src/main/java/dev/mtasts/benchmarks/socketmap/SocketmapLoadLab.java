package dev.mtasts.benchmarks.socketmap;

import dev.mtasts.testkit.PolicyHosts;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Ours and the Python daemon (Debian's postfix-mta-sts-resolver) under the same load in the same
 * run, inside a private network namespace made by {@code mtasts-benchmarks/socketmap-load.sh}:
 * dnsmasq and a policy host on loopback, each daemon in a process of its own, the policy fetched
 * once and then served from each daemon's cache. Beside them runs the floor ({@link
 * SocketmapFloor}: frames in, a constant reply out, nothing else), the CPU time no socketmap server
 * can go below. With {@code syscalls}, each server is then run once more under {@code perf stat}
 * and its system calls per query are printed.
 */
public final class SocketmapLoadLab {
  private SocketmapLoadLab() {}

  /**
   * Runs the comparison.
   *
   * @param args SCRATCH-DIR MTASTS-JAR CONNECTIONS QUERIES SECONDS [tcp|unix] [syscalls]: UNIX
   *     sockets instead of TCP on loopback; system calls per query counted with {@code perf stat}
   * @throws Exception when the lab cannot be set up
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    int k = Integer.parseInt(args[2]);
    long n = Long.parseLong(args[3]);
    double seconds = Double.parseDouble(args[4]);
    boolean unix = args.length > 5 && args[5].equals("unix");
    boolean syscalls = args.length > 6 && args[6].equals("syscalls");
    String domain = "bench.test";
    List<Process> processes = new ArrayList<>();
    TestCertificateAuthority ca = TestCertificateAuthority.create();
    Path caPem = ca.writePem(dir.resolve("ca.pem"));
    try (PolicyHosts hosts = PolicyHosts.start(new InetSocketAddress("127.0.0.1", 443),
        ca.issue("mta-sts." + domain))) {
      hosts.policy(domain, "version: STSv1\nmode: enforce\nmx: mx1.bench.test\n"
          + "mx: *.mx.bench.test\nmax_age: 86400\n");
      processes.add(start(dir, "dnsmasq", List.of("dnsmasq", "--keep-in-foreground",
          "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
          "--listen-address=127.0.0.1", "--port=53", "--pid-file=", "--user=root",
          "--host-record=mta-sts." + domain + ",127.0.0.1",
          "--txt-record=_mta-sts." + domain + ",v=STSv1; id=1")));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process ours = start(dir, "mtasts", List.of(java, "-XX:+UseSerialGC", "-jar", jar.toString(),
          "postfix", "serve",
          "--listen", unix ? "unix:" + dir.resolve("ours.sock") : "127.0.0.1:8462", "--trust-pem", caPem.toString(), "--store",
          dir.resolve("policies").toString()));
      processes.add(ours);
      Process floor = start(dir, "floor", List.of(java, "-XX:+UseSerialGC", "-cp",
          System.getProperty("java.class.path"), SocketmapFloor.class.getName(),
          unix ? "unix:" + dir.resolve("floor.sock") : "127.0.0.1:8463"));
      processes.add(floor);
      Files.writeString(dir.resolve("mta-sts-daemon.yml"), (unix
          ? "path: " + dir.resolve("python.sock") + "\n" : "host: 127.0.0.1\nport: 8461\n")
          + "cache:\n  type: internal\n");
      ProcessBuilder py = new ProcessBuilder("/usr/bin/mta-sts-daemon", "-c",
          dir.resolve("mta-sts-daemon.yml").toString(), "-v", "warn");
      py.environment().put("SSL_CERT_FILE", caPem.toString());
      Process python = start(dir, "mta-sts-daemon", py);
      processes.add(python);
      SocketAddress oursAt = unix ? UnixDomainSocketAddress.of(dir.resolve("ours.sock"))
          : new InetSocketAddress("127.0.0.1", 8462);
      SocketAddress theirsAt = unix ? UnixDomainSocketAddress.of(dir.resolve("python.sock"))
          : new InetSocketAddress("127.0.0.1", 8461);
      SocketAddress floorAt = unix ? UnixDomainSocketAddress.of(dir.resolve("floor.sock"))
          : new InetSocketAddress("127.0.0.1", 8463);
      waitFor(oursAt, 60);
      waitFor(floorAt, 60);
      waitFor(theirsAt, 60);
      // The first query fetches the policy; the warm-up lets the JIT compile the hot path.
      System.out.println("first reply, ours:   " + SocketmapLoad.run(oursAt, "postfix", domain,
          1, 1, 30, -1).lastReply());
      System.out.println("first reply, Python: " + SocketmapLoad.run(theirsAt, "postfix", domain,
          1, 1, 30, -1).lastReply());
      // Two rounds for the JVMs: each round opens new connections, and the first time compiled
      // code meets one the JIT compiles the loop again; that belongs to the warm-up, not to the
      // measured run.
      for (int round = 0; round < 2; round++) {
        SocketmapLoad.run(oursAt, "postfix", domain, k, Math.min(n, 200_000), seconds, -1);
        SocketmapLoad.run(floorAt, "postfix", domain, k, Math.min(n, 200_000), seconds, -1);
      }
      SocketmapLoad.run(theirsAt, "postfix", domain, k, Math.min(n, 20_000), seconds, -1);
      System.out.printf(Locale.ROOT, "%d %s connections, one request in flight each, at most %,d"
          + " queries or %.0f s per daemon, cached enforce policy:%n", k, unix ? "UNIX" : "TCP", n,
          seconds);
      System.out.println("ours:   " + SocketmapLoad.run(oursAt, "postfix", domain, k, n, seconds,
          ours.pid()));
      System.out.println("floor:  " + SocketmapLoad.run(floorAt, "postfix", domain, k, n,
          seconds, floor.pid()));
      System.out.println("Python: " + SocketmapLoad.run(theirsAt, "postfix", domain, k, n,
          seconds, python.pid()));
      System.out.println("policy fetches seen by the policy host: " + hosts.requestCount());
      if (syscalls) {
        long m = Math.min(n, 200_000);
        System.out.printf(Locale.ROOT, "system calls per query (perf stat, a further run of at"
            + " most %,d queries each):%n", m);
        System.out.println("ours:   " + Syscalls.perQuery(dir, ours.pid(),
            () -> SocketmapLoad.run(oursAt, "postfix", domain, k, m, seconds, -1)));
        System.out.println("floor:  " + Syscalls.perQuery(dir, floor.pid(),
            () -> SocketmapLoad.run(floorAt, "postfix", domain, k, m, seconds, -1)));
        System.out.println("Python: " + Syscalls.perQuery(dir, python.pid(),
            () -> SocketmapLoad.run(theirsAt, "postfix", domain, k, m / 4, seconds, -1)));
      }
    } finally {
      for (Process p : processes) {
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process start(Path dir, String name, List<String> cmd) throws IOException {
    return start(dir, name, new ProcessBuilder(cmd));
  }

  private static Process start(Path dir, String name, ProcessBuilder pb) throws IOException {
    return pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private static void waitFor(SocketAddress address, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < until) {
      try (SocketChannel s = SocketChannel.open(address)) {
        s.shutdownOutput(); // connected: the daemon listens
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on " + address);
  }
}
