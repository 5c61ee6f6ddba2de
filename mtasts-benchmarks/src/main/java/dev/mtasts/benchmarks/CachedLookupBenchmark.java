package dev.mtasts.benchmarks;

import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.cache.Resolution;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cached lookups through {@link PolicyResolver}: a hot set of 10,000 domains, every one fresh in
 * memory, so no lookup touches DNS, HTTPS or the store.
 *
 * <p>Run: {@code java -jar mtasts-benchmarks/target/benchmarks.jar CachedLookup -f 1 -wi 6 -w 2 -i 5
 * -r 2}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class CachedLookupBenchmark {
  static final int DOMAINS = 10_000;

  private PolicyResolver resolver;
  private String[] domains;

  /** Per-thread position in the hot set. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    // Nothing listens on the discard port: a lookup that reached DNS would fail, not succeed.
    DnsjavaClient dns = DnsjavaClient.builder()
        .server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)).build();
    PolicyDiscoverer discoverer = PolicyDiscoverer.builder(dns, HttpsPolicyFetcher.builder().build()).build();
    resolver = PolicyResolver.builder(discoverer).store(MemoryStore.withPolicies(DOMAINS, now))
        .clock(clock).proactiveRefresh(Duration.ZERO)
        .idCheckInterval(Duration.ofHours(1), Duration.ofHours(1)).build();
    domains = new String[DOMAINS];
    for (int i = 0; i < DOMAINS; i++) {
      domains[i] = MemoryStore.domain(i);
      if (resolver.lookup(domains[i]).source() != Resolution.Source.CACHED) {
        throw new IllegalStateException("not a cache hit: " + domains[i]);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    resolver.close();
  }

  /** One lookup of a hot domain, as {@code MtaSts.lookup} makes it. */
  @Benchmark
  public CompletableFuture<Resolution> cachedLookup(Cursor c) {
    int i = c.i;
    c.i = i + 1 == DOMAINS ? 0 : i + 1;
    return resolver.lookupAsync(domains[i]);
  }
}
