package dev.mtasts.store;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Policies and a settable clock for the store tests. */
final class Fixtures {
  /** A fixed start, whole microseconds, so every store keeps it exactly. */
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456Z");

  private Fixtures() {}

  /** A three-mx policy that differs per {@code n}, so a mix-up between entries shows. */
  static Policy policy(int n) {
    return Policy.of(
        n % 2 == 0 ? Mode.ENFORCE : Mode.TESTING,
        Duration.ofSeconds(86_400L + n),
        List.of(
            MxPattern.of("mx" + n + ".example.net"),
            MxPattern.of("mx.example.org"),
            MxPattern.of("*.backup.example.net")));
  }

  static CachedPolicy cached(String domain, int n) {
    return new CachedPolicy(domain, "id" + n, policy(n), T0.plusSeconds(n));
  }

  static CachedPolicy cached(String domain, int n, Instant fetchedAt) {
    return new CachedPolicy(domain, "id" + n, policy(n), fetchedAt);
  }
}
