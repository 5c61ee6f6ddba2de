package dev.mtasts.benchmarks;

import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Matches typical MX host names against the policy of {@link PolicyParseBenchmark}: a mix of hosts
 * that match an exact pattern, match the wildcard, or match nothing. Each invocation matches every
 * host once, and the score counts hosts, so it is hosts per second.
 *
 * <pre>java -jar mtasts-benchmarks/target/benchmarks.jar MxMatch -f 1 -wi 3 -w 2 -i 5 -r 2 -t 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MxMatchBenchmark {
  private static final int HOSTS = 4;

  /** Exact match, wildcard match, no match, and an exact match in another case with a root dot. */
  private final String[] hosts = {
    "mx1.example.com", "a.backup.example.com", "evil.example.net", "MX2.Example.COM."
  };

  private Policy policy;
  private MxPattern exact;
  private MxPattern wildcard;

  /** Parses the policy and checks the expected outcomes. */
  @Setup
  public void setUp() {
    policy = Policy.parse(PolicyParseBenchmark.TYPICAL).orElseThrow();
    exact = MxPattern.of("mx1.example.com");
    wildcard = MxPattern.of("*.backup.example.com");
    boolean[] permitted = {true, true, false, true};
    for (int i = 0; i < HOSTS; i++) {
      if (policy.permits(hosts[i]) != permitted[i]) {
        throw new IllegalStateException("unexpected outcome for " + hosts[i]);
      }
    }
  }

  /**
   * {@link Policy#permits(String)} for each host: the check a sender makes per MX.
   *
   * @param bh consumes the outcomes
   */
  @Benchmark
  @OperationsPerInvocation(HOSTS)
  public void permits(Blackhole bh) {
    for (String host : hosts) {
      bh.consume(policy.permits(host));
    }
  }

  /**
   * {@link MxPattern#matches(String)} of an exact pattern for each host.
   *
   * @param bh consumes the outcomes
   */
  @Benchmark
  @OperationsPerInvocation(HOSTS)
  public void matchesExact(Blackhole bh) {
    for (String host : hosts) {
      bh.consume(exact.matches(host));
    }
  }

  /**
   * {@link MxPattern#matches(String)} of a wildcard pattern for each host.
   *
   * @param bh consumes the outcomes
   */
  @Benchmark
  @OperationsPerInvocation(HOSTS)
  public void matchesWildcard(Blackhole bh) {
    for (String host : hosts) {
      bh.consume(wildcard.matches(host));
    }
  }
}
