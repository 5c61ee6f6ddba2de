package dev.mtasts.benchmarks.socketmap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A socketmap load generator: K connections, each with one request in flight at a time as a
 * Postfix {@code smtp} process sends them, until a total count or a time limit is reached. Loopback
 * targets only. Reports queries per second, latency percentiles and, given the server's process
 * id, the server's CPU time per query (user + system, from {@code /proc/PID/stat}).
 *
 * <pre>
 * java -cp benchmarks.jar dev.mtasts.benchmarks.socketmap.SocketmapLoad \
 *     127.0.0.1:8462 postfix example.com 50 200000 30 [SERVER-PID]
 * </pre>
 */
public final class SocketmapLoad {
  private SocketmapLoad() {}

  /**
   * The figures of one run.
   *
   * @param queries replies received
   * @param errors connections that failed
   * @param seconds wall time
   * @param p50us median latency in microseconds
   * @param p90us 90th percentile
   * @param p99us 99th percentile
   * @param maxUs the slowest reply
   * @param serverUserUsPerQuery the server's user CPU time per query in microseconds, or -1
   * @param serverSystemUsPerQuery the server's system (kernel) CPU time per query, or -1
   * @param lastReply the last reply seen
   */
  public record Result(long queries, long errors, double seconds, double p50us, double p90us,
      double p99us, double maxUs, double serverUserUsPerQuery, double serverSystemUsPerQuery,
      String lastReply) {
    /**
     * Queries per second.
     *
     * @return the rate
     */
    public double perSecond() {
      return queries / seconds;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,d queries in %.1f s: %,.0f q/s; latency p50 %.0f us,"
          + " p90 %.0f us, p99 %.0f us, max %.0f us; server CPU per query %s; errors %d",
          queries, seconds, perSecond(), p50us, p90us, p99us, maxUs,
          serverUserUsPerQuery < 0 ? "n/a" : String.format(Locale.ROOT,
              "%.1f us (user %.1f + system %.1f)", serverUserUsPerQuery + serverSystemUsPerQuery,
              serverUserUsPerQuery, serverSystemUsPerQuery), errors);
    }
  }

  /**
   * Runs the load.
   *
   * @param target the server, on loopback
   * @param name the socketmap name
   * @param key the key every request asks for
   * @param connections how many connections (K)
   * @param maxQueries stop after this many replies in all
   * @param maxSeconds or after this long
   * @param serverPid the server's process id for its CPU time, or -1
   * @return the figures
   * @throws IOException when a connection cannot be opened
   * @throws InterruptedException when interrupted
   */
  public static Result run(SocketAddress target, String name, String key, int connections,
      long maxQueries, double maxSeconds, long serverPid)
      throws IOException, InterruptedException {
    if (target instanceof InetSocketAddress inet && !inet.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the load generator targets loopback only");
    }
    if (!(target instanceof InetSocketAddress) && !(target instanceof UnixDomainSocketAddress)) {
      throw new IllegalArgumentException("a TCP address on loopback or a UNIX socket, not " + target);
    }
    byte[] request = netstring(name + " " + key);
    List<SocketChannel> sockets = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      SocketChannel s = SocketChannel.open(target);
      if (target instanceof InetSocketAddress) {
        s.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      sockets.add(s);
    }
    AtomicLong budget = new AtomicLong(maxQueries);
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[connections][];
    int[] counts = new int[connections];
    String[] last = new String[1];
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    for (int i = 0; i < connections; i++) {
      int id = i;
      latencies[i] = new long[1024];
      Thread t = new Thread(() -> {
        try (SocketChannel s = sockets.get(id)) {
          OutputStream out = Channels.newOutputStream(s);
          InputStream in = new BufferedInputStream(Channels.newInputStream(s));
          start.await();
          while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
            long t0 = System.nanoTime();
            out.write(request);
            out.flush();
            String reply = readNetstring(in);
            long dt = System.nanoTime() - t0;
            if (counts[id] == latencies[id].length) {
              latencies[id] = Arrays.copyOf(latencies[id], counts[id] * 2);
            }
            latencies[id][counts[id]++] = dt;
            last[0] = reply;
          }
        } catch (IOException | InterruptedException e) {
          errors.incrementAndGet();
        }
      }, "load-" + i);
      threads.add(t);
      t.start();
    }
    long[] cpu0 = cpuTicks(serverPid);
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] cpu1 = cpuTicks(serverPid);
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int k = 0;
    for (int i = 0; i < connections; i++) {
      System.arraycopy(latencies[i], 0, all, k, counts[i]);
      k += counts[i];
    }
    Arrays.sort(all);
    double userUs = serverPid < 0 || total == 0 ? -1
        : (cpu1[0] - cpu0[0]) * (1e6 / 100.0) / total;
    double systemUs = serverPid < 0 || total == 0 ? -1
        : (cpu1[1] - cpu0[1]) * (1e6 / 100.0) / total;
    return new Result(total, errors.get(), seconds, pct(all, 0.50), pct(all, 0.90),
        pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e3, userUs, systemUs,
        last[0]);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e3;
  }

  /** User and system CPU time of a process, in clock ticks (100 per second on Linux). */
  static long[] cpuTicks(long pid) throws IOException {
    if (pid < 0) {
      return new long[2];
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14 and 15 of stat(5) (utime, stime); f[0] is field 3.
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  static byte[] netstring(String s) {
    byte[] p = s.getBytes(StandardCharsets.UTF_8);
    byte[] head = (p.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + p.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(p, 0, out, head.length, p.length);
    out[out.length - 1] = ',';
    return out;
  }

  static String readNetstring(InputStream in) throws IOException {
    int len = 0;
    int c;
    while ((c = in.read()) != ':') {
      if (c < '0' || c > '9') {
        throw new IOException("not a netstring");
      }
      len = len * 10 + (c - '0');
    }
    byte[] b = in.readNBytes(len);
    if (b.length < len || in.read() != ',') {
      throw new IOException("truncated netstring");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Runs from the command line.
   *
   * @param args HOST:PORT (or unix:PATH) NAME KEY CONNECTIONS QUERIES SECONDS [SERVER-PID]
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: SocketmapLoad HOST:PORT|unix:PATH NAME KEY CONNECTIONS QUERIES"
          + " SECONDS [SERVER-PID]");
      System.exit(2);
    }
    SocketAddress target;
    if (args[0].startsWith("unix:")) {
      target = UnixDomainSocketAddress.of(args[0].substring(5));
    } else {
      int colon = args[0].lastIndexOf(':');
      target = new InetSocketAddress(InetAddress.getByName(args[0].substring(0, colon)),
          Integer.parseInt(args[0].substring(colon + 1)));
    }
    Result r = run(target, args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]),
        Double.parseDouble(args[5]), args.length > 6 ? Long.parseLong(args[6]) : -1);
    System.out.println(r);
  }
}
