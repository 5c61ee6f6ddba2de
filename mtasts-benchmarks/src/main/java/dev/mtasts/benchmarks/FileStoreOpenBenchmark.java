package dev.mtasts.benchmarks;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.store.FilePolicyStore;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a restarted MTA takes to open a {@link FilePolicyStore} holding 100,000 policies and read
 * them all back (the warm start), and how long the open alone takes.
 *
 * <p>The store directory is built once with {@link FilePolicyStore#saveAll} (durable writes, so
 * about half a minute) under {@code java.io.tmpdir} and reused by later runs. Files are then in the
 * page cache: the figure is for a warm cache, as after a process restart, not after a reboot.
 *
 * <pre>
 * java -jar mtasts-benchmarks/target/benchmarks.jar FileStoreOpen -f 1 -wi 1 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class FileStoreOpenBenchmark {
  @Param({"100000"})
  public int entries;

  private Path dir;

  @Setup
  public void createStore() throws IOException {
    Path base = Path.of(System.getProperty("java.io.tmpdir"), "mtasts-benchmarks");
    dir = base.resolve("file-store-" + entries);
    Path complete = base.resolve("file-store-" + entries + ".complete");
    if (Files.exists(complete)) {
      return;
    }
    Instant fetchedAt = Instant.parse("2025-01-01T00:00:00Z");
    List<CachedPolicy> policies = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      String domain = "domain" + i + ".example";
      Policy policy =
          Policy.of(
              Mode.ENFORCE,
              Duration.ofSeconds(604_800 + i % 1000),
              List.of(
                  MxPattern.of("mx1." + domain),
                  MxPattern.of("mx2." + domain),
                  MxPattern.of("*.mail.protection.example.net")));
      policies.add(new CachedPolicy(domain, "20250101T" + i, policy, fetchedAt.plusSeconds(i)));
    }
    try (FilePolicyStore store = FilePolicyStore.builder(dir).build()) {
      store.saveAll(policies);
    }
    Files.createFile(complete);
  }

  /** Opens the store and reads every entry, as a warm start does. */
  @Benchmark
  public int openAndLoadAll() {
    try (FilePolicyStore store = FilePolicyStore.builder(dir).build()) {
      LoadedPolicies all = store.loadAll();
      if (all.policies().size() != entries || !all.problems().isEmpty()) {
        throw new IllegalStateException(
            "expected " + entries + " policies, got " + all.policies().size() + " and " + all.problems());
      }
      return all.policies().size();
    }
  }

  /** Opens the store only: takes the lock, reads nothing. */
  @Benchmark
  public Path openOnly() {
    try (FilePolicyStore store = FilePolicyStore.builder(dir).build()) {
      return store.directory();
    }
  }
}
