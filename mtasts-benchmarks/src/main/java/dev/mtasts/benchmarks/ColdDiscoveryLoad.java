package dev.mtasts.benchmarks;

import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.cache.Resolution;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.SilentHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A bounded loopback load generator: resolves many cold domains at once through {@link
 * PolicyResolver} with the library's default limits, against a loopback DNS server that publishes
 * an {@code _mta-sts} record for each and a policy host that accepts every connection and never
 * says a word. It prints the peak thread count, the peak number of open files of the client side
 * (the silent host's own sockets are subtracted), the peak heap in use (sampled every 100 ms, and
 * after a full collection every 2 s), the peak resident memory of the process, and how the lookups
 * ended.
 *
 * <pre>{@code
 * java -cp mtasts-benchmarks/target/benchmarks.jar dev.mtasts.benchmarks.ColdDiscoveryLoad 10000
 * }</pre>
 *
 * <p>With {@code -Dverbose=true} it also prints the state every second. Linux only (open files are counted in {@code /proc/self/fd}). The run ends when every lookup
 * has an answer, which with a silent host takes about one fetch deadline (60 seconds) per wave of
 * fetches.
 */
public final class ColdDiscoveryLoad {
  private static final String HOSTS_PROPERTY = "jdk.net.hosts.file";
  private static final boolean VERBOSE = Boolean.getBoolean("verbose");

  private ColdDiscoveryLoad() {}

  /**
   * Runs the load.
   *
   * @param args the number of cold domains (default 10,000)
   * @throws Exception when the loopback servers cannot start
   */
  public static void main(String[] args) throws Exception {
    int domains = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    // Every policy host name maps to loopback; this must happen before the JVM resolves any name.
    Path hosts = Files.createTempFile("cold-load-hosts", ".txt");
    StringBuilder lines = new StringBuilder("127.0.0.1 localhost\n");
    for (int i = 0; i < domains; i++) {
      lines.append("127.0.0.1 mta-sts.").append(domain(i)).append('\n');
    }
    Files.writeString(hosts, lines, StandardCharsets.US_ASCII);
    System.setProperty(HOSTS_PROPERTY, hosts.toString());

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (LoopbackDnsServer dns = LoopbackDnsServer.start();
        SilentHost silent = SilentHost.start()) {
      for (int i = 0; i < domains; i++) {
        dns.txt("_mta-sts." + domain(i), "v=STSv1; id=load1");
      }
      PolicyDiscoverer discoverer = PolicyDiscoverer.builder(
          DnsjavaClient.builder().server(dns.address()).build(),
          HttpsPolicyFetcher.builder().port(silent.port()).build()).build();
      try (PolicyResolver resolver = PolicyResolver.builder(discoverer).store(new MemoryStore())
          .proactiveRefresh(Duration.ZERO)
          .build()) {
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        int threadsBefore = threads.getThreadCount();
        int filesBefore = openFiles() - silent.openFiles();
        threads.resetPeakThreadCount();
        long start = System.nanoTime();

        List<CompletableFuture<Resolution>> lookups = new ArrayList<>(domains);
        for (int i = 0; i < domains; i++) {
          lookups.add(resolver.lookupAsync(domain(i)));
        }
        CompletableFuture<Void> all =
            CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0]));
        int peakFiles = 0;
        int peakHeld = 0;
        long peakHeap = 0;
        long peakLive = 0;
        for (int tick = 0; !all.isDone(); tick++) {
          peakFiles = Math.max(peakFiles, openFiles() - silent.openFiles());
          peakHeld = Math.max(peakHeld, silent.open());
          peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
          if (VERBOSE && tick % 10 == 0) {
            System.out.printf("%5.1f s: %d discoveries under way, %d waiting, %d open files,"
                    + " %d threads, %d connections at the host%n", (System.nanoTime() - start) / 1e9,
                discoverer.running(), discoverer.waiting(), openFiles() - silent.openFiles(),
                threads.getThreadCount(), silent.open());
          }
          if (tick % 20 == 10) {
            // Every 2 seconds: what is still reachable, garbage collected.
            System.gc();
            peakLive = Math.max(peakLive, memory.getHeapMemoryUsage().getUsed());
          }
          try {
            all.get(100, TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            // sample again
          }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<Resolution> f : lookups) {
          outcomes.merge(f.join().source().toString(), 1, Integer::sum);
        }
        System.out.printf("cold domains:                 %d%n", domains);
        System.out.printf("threads before / peak:        %d / %d%n", threadsBefore,
            threads.getPeakThreadCount());
        System.out.printf("open files before / peak:     %d / %d (client side)%n", filesBefore,
            peakFiles);
        System.out.printf("connections at the host, peak: %d%n", peakHeld);
        System.out.printf("heap before / peak (MiB):     %d / %d%n", heapBefore >> 20,
            peakHeap >> 20);
        System.out.printf("live heap peak, after GC (MiB): %d%n", peakLive >> 20);
        System.out.printf("peak resident memory (MiB):   %d%n", peakResidentKib() >> 10);
        System.out.printf("all answered after:           %d s%n", seconds);
        System.out.printf("outcomes:                     %s%n", outcomes);
      }
    } finally {
      Files.deleteIfExists(hosts);
    }
  }

  private static String domain(int i) {
    return "d" + i + ".load.test";
  }

  /** The peak resident set size of this process (VmHWM), in KiB; -1 when unknown. */
  private static long peakResidentKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return -1;
  }

  private static int openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
