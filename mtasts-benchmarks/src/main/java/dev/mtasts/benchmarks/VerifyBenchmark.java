package dev.mtasts.benchmarks;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.Verdict;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.testkit.FixedPolicySource;
import dev.mtasts.testkit.IssuedCertificate;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.tls.CertificateVerifier;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one MTA-STS decision after the handshake: {@link PolicyLookup#verify(String, List,
 * String)} on a lookup that is already in hand (an {@code enforce} policy, as the cache serves it)
 * with the chain an MX presents: leaf, intermediate and root, EC P-256 (ECDSA with SHA-256), from
 * the test CA. This is what the trust manager adds to each TLS handshake with an MX host.
 *
 * <p>Each handshake decodes the peer's certificates anew, so {@code verify} gets freshly decoded
 * certificate objects for every call (decoded before the call, outside the measured time), as JSSE
 * decodes them: through the JDK's {@code CertificateFactory}, which keeps a few hundred recently
 * decoded certificates (softly) and hands the same object back for the same bytes, with its
 * successful signature check remembered. That is an MTA delivering to the same MX hosts again and
 * again. {@code verifyWithoutJdkCache} decodes with Bouncy Castle instead, so the JDK remembers
 * nothing: with {@code validationCache=0} that is the cost of a chain never seen before (two ECDSA
 * P-256 signature checks). {@code verifySameObjects} passes the same objects every time.
 *
 * <p>{@code validationCache} is the size of the verifier's {@linkplain
 * CertificateVerifier.Builder#validationCacheSize cache of validated chains}: with it (1024, the
 * default) a chain seen before skips path validation wherever its certificate objects come from;
 * with 0 every call validates the path.
 *
 * <pre>
 * java -jar mtasts-benchmarks/target/benchmarks.jar Verify -f 1 -wi 2 -w 2 -i 3 -r 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class VerifyBenchmark {
  private static final String DOMAIN = "example.test";
  private static final String MX = "mx1.example.test";

  /** The size of the verifier's cache of validated chains; 0 turns it off. */
  @Param({"1024", "0"})
  public int validationCache;

  private PolicyLookup lookup;
  private List<byte[]> encoded;
  private List<X509Certificate> same;
  private List<X509Certificate> fresh;
  private List<X509Certificate> unseen;
  private final CertificateFactory bouncyCastle = bouncyCastleFactory();

  @Setup
  public void setUp() {
    TestCertificateAuthority ca = TestCertificateAuthority.create();
    IssuedCertificate cert = ca.issueViaIntermediate(MX);
    same = cert.chain();
    if (same.size() != 3) {
      throw new IllegalStateException("expected a chain of 3, got " + same.size());
    }
    encoded = new ArrayList<>();
    for (X509Certificate c : same) {
      try {
        encoded.add(c.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    Policy policy = Policy.of(Mode.ENFORCE, Duration.ofDays(7),
        List.of(MxPattern.of(MX), MxPattern.of("*.backup." + DOMAIN)));
    PolicyState state =
        new PolicyState.Applied(DOMAIN, "20260101", policy, Instant.now(), Optional.empty());
    MtaSts mtaSts = MtaSts.builder().policySource(FixedPolicySource.of(state))
        .trustStore(ca.trustStore()).certificateValidationCache(validationCache).build();
    lookup = mtaSts.lookup(DOMAIN);
    decode();
    Verdict first = lookup.verify(MX, fresh, "TLSv1.3");
    if (!(first instanceof Verdict.Deliver)) {
      throw new IllegalStateException("the chain does not pass: " + first);
    }
  }

  /** Decodes the chain anew, as the TLS stack does in every handshake. */
  @Setup(Level.Invocation)
  public void decode() {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> chain = new ArrayList<>(encoded.size());
      for (byte[] der : encoded) {
        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
      fresh = chain;
      List<X509Certificate> other = new ArrayList<>(encoded.size());
      for (byte[] der : encoded) {
        other.add((X509Certificate) bouncyCastle.generateCertificate(
            new ByteArrayInputStream(der)));
      }
      unseen = other;
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CertificateFactory bouncyCastleFactory() {
    try {
      return CertificateFactory.getInstance("X.509", new BouncyCastleProvider());
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One decision on certificates the JDK has not decoded, so it remembers no signature check.
   *
   * @return the verdict
   */
  @Benchmark
  public Verdict verifyWithoutJdkCache() {
    return lookup.verify(MX, unseen, "TLSv1.3");
  }

  /**
   * One decision on a good chain, as in a handshake: certificates decoded anew.
   *
   * @return the verdict
   */
  @Benchmark
  public Verdict verify() {
    return lookup.verify(MX, fresh, "TLSv1.3");
  }

  /**
   * One decision on the same certificate objects every time (their signature checks remembered by
   * the JDK).
   *
   * @return the verdict
   */
  @Benchmark
  public Verdict verifySameObjects() {
    return lookup.verify(MX, same, "TLSv1.3");
  }
}
