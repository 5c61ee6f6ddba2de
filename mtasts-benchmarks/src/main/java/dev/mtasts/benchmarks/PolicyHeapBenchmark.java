package dev.mtasts.benchmarks;

import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heap retained per cached policy: the resolver's memory entry for a domain with a 3-mx enforce
 * policy (key, policy, id, times and bookkeeping), measured as the growth of the used heap after a
 * full GC when 100,000 such domains are loaded into a resolver, divided by 100,000. The source
 * store is emptied before the second measurement point, so what remains is what the resolver holds.
 *
 * <p>Run: {@code java -jar mtasts-benchmarks/target/benchmarks.jar PolicyHeap -f 1 -wi 1 -i 1}; the
 * figure is the {@code bytesPerPolicy} secondary result.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseSerialGC"})
@State(Scope.Benchmark)
public class PolicyHeapBenchmark {
  static final int POLICIES = 100_000;

  private PolicyDiscoverer discoverer;
  private Clock clock;
  private PolicyResolver last;

  /** The measured figure, reported by JMH as a secondary result. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Heap {
    public double bytesPerPolicy;
  }

  @Setup(Level.Trial)
  public void setUp() {
    clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    DnsjavaClient dns = DnsjavaClient.builder()
        .server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)).build();
    discoverer = PolicyDiscoverer.builder(dns, HttpsPolicyFetcher.builder().build()).build();
  }

  @Benchmark
  public PolicyResolver fill(Heap heap) {
    if (last != null) {
      last.close();
      last = null;
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = used(memory);
    MemoryStore store = MemoryStore.withPolicies(POLICIES, clock.instant());
    PolicyResolver resolver = PolicyResolver.builder(discoverer).store(store).clock(clock)
        .proactiveRefresh(Duration.ZERO).maximumDomains(POLICIES).build();
    if (resolver.size() != POLICIES) {
      throw new IllegalStateException("resolver holds " + resolver.size());
    }
    // Only the resolver holds the policies now (the emptied store keeps its table: a slight
    // overestimate, never an underestimate).
    store.clear();
    long after = used(memory);
    heap.bytesPerPolicy = (double) (after - before) / POLICIES;
    last = resolver;
    return resolver;
  }

  private static long used(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
