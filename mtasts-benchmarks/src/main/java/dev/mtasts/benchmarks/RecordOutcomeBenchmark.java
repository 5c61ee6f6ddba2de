package dev.mtasts.benchmarks;

import dev.mtasts.result.Failure;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.decision.VerdictEvent;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.result.ResultType;
import dev.mtasts.testkit.FixedPolicySource;
import dev.mtasts.tlsrpt.TlsRptCollector;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost on the delivery path of counting one TLS-RPT outcome: {@link TlsRptCollector#onVerdict}
 * for a successful session under an applied {@code enforce} policy (the common case), and for a
 * failed one with session details, from two threads at once into the same (domain, day, policy)
 * counters, the worst case for contention. The target is at least 10 million outcomes per second in
 * total.
 *
 * <pre>
 * java -jar mtasts-benchmarks/target/benchmarks.jar RecordOutcome -f 1 -wi 2 -w 2 -i 3 -r 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(2)
public class RecordOutcomeBenchmark {
  private TlsRptCollector collector;
  private VerdictEvent success;
  private VerdictEvent failure;

  @Setup
  public void setUp() throws IOException {
    collector = TlsRptCollector.builder().build();
    Policy policy = Policy.of(Mode.ENFORCE, Duration.ofDays(7),
        List.of(MxPattern.of("mx1.example.com"), MxPattern.of("*.backup.example.com")));
    PolicyState state = new PolicyState.Applied("example.com", "20260101", policy, Instant.now(),
        Optional.empty());
    PolicyLookup lookup = MtaSts.builder().policySource(FixedPolicySource.of(state)).build().lookup("example.com");
    success = new VerdictEvent(lookup, "mx1.example.com", SessionDetails.NONE,
        new Verdict.Deliver(), Optional.empty());
    Failure f = new Failure(ResultType.STARTTLS_NOT_SUPPORTED, "starttls-not-supported",
        "the host did not offer STARTTLS");
    SessionDetails details = SessionDetails.of(InetAddress.getByName("192.0.2.1"),
        InetAddress.getByName("2001:db8::25")).withHelo("mx1.example.com");
    failure = new VerdictEvent(lookup, "mx1.example.com", details, new Verdict.Refuse(f),
        Optional.of(f));
  }

  @TearDown
  public void check() {
    if (collector.snapshot().isEmpty()) {
      throw new IllegalStateException("nothing was counted");
    }
  }

  @Benchmark
  public void recordSuccess() {
    collector.onVerdict(success);
  }

  @Benchmark
  public void recordFailure() {
    collector.onVerdict(failure);
  }
}
