package dev.mtasts.benchmarks;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parses a typical policy body, as fetched: CRLF line ends, mode enforce, three mx patterns (one a
 * wildcard) and max_age.
 *
 * <pre>java -jar mtasts-benchmarks/target/benchmarks.jar PolicyParse -f 1 -wi 3 -w 2 -i 5 -r 2 -t 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PolicyParseBenchmark {
  /** A policy body like the ones large mail providers serve. */
  public static final String TYPICAL = "version: STSv1\r\n"
      + "mode: enforce\r\n"
      + "mx: mx1.example.com\r\n"
      + "mx: mx2.example.com\r\n"
      + "mx: *.backup.example.com\r\n"
      + "max_age: 604800\r\n";

  private byte[] body;

  /** Encodes the body once and checks that it parses. */
  @Setup
  public void setUp() {
    body = TYPICAL.getBytes(StandardCharsets.US_ASCII);
    ParseResult<Policy> result = Policy.parse(body);
    if (!result.isValid() || !result.warnings().isEmpty()) {
      throw new IllegalStateException("the benchmark policy does not parse cleanly: " + result);
    }
  }

  /**
   * Parses the body.
   *
   * @return the result, so that the work is not optimised away
   */
  @Benchmark
  public ParseResult<Policy> parse() {
    return Policy.parse(body);
  }
}
