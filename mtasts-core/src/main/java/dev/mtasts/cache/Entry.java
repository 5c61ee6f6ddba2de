package dev.mtasts.cache;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.policy.Policy;
import dev.mtasts.result.Failure;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the resolver remembers of one domain: the policy it applies (or none), when its TXT id is
 * checked next, and the state of failed refreshes. Immutable; replaced as a whole. Laid out flat,
 * with times as numbers, because one is held per cached domain; the {@link CachedPolicy} and the
 * answer of a cache hit are built from it when asked for.
 */
final class Entry {
  private final @Nullable String domain;
  private final @Nullable String id;
  private final @Nullable Policy policy;
  private final long fetchedSeconds;
  private final int fetchedNanos;
  private final long expiresMillis;
  private final long nextIdCheckMillis;
  private final @Nullable FailState fail;

  /**
   * The state of failed refreshes; present only while refreshes fail.
   *
   * @param failedId the TXT id whose policy could not be fetched, or {@code null} when the TXT
   *     lookup itself failed
   * @param failedAt when the last refresh failed
   * @param lastFailure what failed last
   * @param failures how many refreshes in a row have failed
   */
  record FailState(@Nullable String failedId, Instant failedAt, Failure lastFailure,
      int failures) {}

  private Entry(@Nullable CachedPolicy cached, long nextIdCheckMillis, @Nullable FailState fail) {
    this.domain = cached == null ? null : cached.domain();
    this.id = cached == null ? null : cached.id();
    this.policy = cached == null ? null : cached.policy();
    this.fetchedSeconds = cached == null ? 0 : cached.fetchedAt().getEpochSecond();
    this.fetchedNanos = cached == null ? 0 : cached.fetchedAt().getNano();
    this.expiresMillis = cached == null ? Long.MIN_VALUE : cached.expiresAt().toEpochMilli();
    this.nextIdCheckMillis = nextIdCheckMillis;
    this.fail = fail;
  }

  private Entry(Entry e, long nextIdCheckMillis, @Nullable FailState fail) {
    this.domain = e.domain;
    this.id = e.id;
    this.policy = e.policy;
    this.fetchedSeconds = e.fetchedSeconds;
    this.fetchedNanos = e.fetchedNanos;
    this.expiresMillis = e.expiresMillis;
    this.nextIdCheckMillis = nextIdCheckMillis;
    this.fail = fail;
  }

  /**
   * Remembers a policy (or none), with no failed refreshes.
   *
   * @param cached the policy, or {@code null} when none is known
   * @param nextIdCheck when the TXT id is checked next
   * @return the entry
   */
  static Entry of(@Nullable CachedPolicy cached, Instant nextIdCheck) {
    return new Entry(cached, nextIdCheck.toEpochMilli(), null);
  }

  /**
   * Remembers a policy (or none) with the state of failed refreshes; for tests that start from
   * such a state.
   *
   * @param cached the policy, or {@code null} when none is known
   * @param nextIdCheck when the TXT id is checked next
   * @param fail the failed refreshes, or {@code null} when none failed
   * @return the entry
   */
  static Entry of(@Nullable CachedPolicy cached, Instant nextIdCheck, @Nullable FailState fail) {
    return new Entry(cached, nextIdCheck.toEpochMilli(), fail);
  }

  @Nullable CachedPolicy cached() {
    return policy == null ? null
        : new CachedPolicy(domain, id, policy, Instant.ofEpochSecond(fetchedSeconds, fetchedNanos));
  }

  /** Fresh until expiry, rounded down to the millisecond: never fresh after it. */
  boolean freshAt(Instant now) {
    return policy != null && now.toEpochMilli() < expiresMillis;
  }

  boolean idCheckDue(Instant now) {
    return now.toEpochMilli() >= nextIdCheckMillis;
  }

  Instant nextIdCheck() {
    return Instant.ofEpochMilli(nextIdCheckMillis);
  }

  /** The answer of a cache hit; call only on a fresh entry. */
  Resolution hit() {
    return new Resolution(new PolicyState.Applied(domain, id, policy,
        Instant.ofEpochSecond(fetchedSeconds, fetchedNanos), Optional.empty()),
        Resolution.Source.CACHED);
  }

  @Nullable String failedId() {
    return fail == null ? null : fail.failedId();
  }

  @Nullable Instant failedAt() {
    return fail == null ? null : fail.failedAt();
  }

  @Nullable Failure lastFailure() {
    return fail == null ? null : fail.lastFailure();
  }

  int failures() {
    return fail == null ? 0 : fail.failures();
  }

  Entry withNextCheck(Instant next) {
    return new Entry(this, next.toEpochMilli(), fail);
  }

  Entry confirmed(Instant next) {
    return new Entry(this, next.toEpochMilli(), null);
  }

  Entry failed(@Nullable String failedId, Instant at, Failure failure) {
    return new Entry(this, nextIdCheckMillis, new FailState(failedId, at, failure, failures() + 1));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Entry e && Objects.equals(domain, e.domain) && Objects.equals(id, e.id)
        && Objects.equals(policy, e.policy) && fetchedSeconds == e.fetchedSeconds
        && fetchedNanos == e.fetchedNanos && expiresMillis == e.expiresMillis
        && nextIdCheckMillis == e.nextIdCheckMillis && Objects.equals(fail, e.fail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, id, fetchedSeconds, fetchedNanos, nextIdCheckMillis, fail);
  }

  @Override
  public String toString() {
    CachedPolicy c = cached();
    return "Entry[" + (c == null ? "no policy"
        : "id=" + c.id() + " " + c.policy().mode() + " fetched " + c.fetchedAt() + " expires "
            + c.expiresAt())
        + ", id check " + nextIdCheck() + (fail == null ? "" : ", " + fail) + "]";
  }
}
