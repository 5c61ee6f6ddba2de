package dev.mtasts.cache;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.RecordLookup;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.policy.Mode;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The policy cache decisions of RFC 8461 (sections 3.1, 3.3, 5.1 and 10.2), as {@link
 * PolicyResolver} takes them, without the plumbing: what to do with what is remembered of a domain
 * ({@link Entry}) given what was just observed (a TXT lookup, a policy fetch, a store read) at an
 * instant. Each step returns the
 * answer, what to remember next, and the effects the resolver carries out (store writes, listener
 * calls, log lines). No I/O, no clock, no shared state: the same inputs give the same outputs.
 */
final class ResolverStep {
  private final Duration minIdCheck;
  private final Duration maxIdCheck;
  private final Duration fetchBackoff;
  private final Duration refreshInterval;
  private final int warnAfterFailures;

  /**
   * Creates the step with the resolver's settings.
   *
   * @param minIdCheck the shortest TXT id re-check interval
   * @param maxIdCheck the longest TXT id re-check interval
   * @param fetchBackoff how long no fetch is repeated for an id whose fetch failed
   * @param refreshInterval how often cached policies are fetched proactively; zero for never
   * @param warnAfterFailures after how many failed refreshes in a row a warning is due
   */
  ResolverStep(Duration minIdCheck, Duration maxIdCheck, Duration fetchBackoff,
      Duration refreshInterval, int warnAfterFailures) {
    this.minIdCheck = minIdCheck;
    this.maxIdCheck = maxIdCheck;
    this.fetchBackoff = fetchBackoff;
    this.refreshInterval = refreshInterval;
    this.warnAfterFailures = warnAfterFailures;
  }

  /** How a lookup is served from memory. */
  enum Serve {
    /** A fresh policy: answer from memory. */
    HIT,
    /** A fresh policy whose TXT id check is due: answer from memory, check the id behind. */
    HIT_AND_CHECK_ID,
    /** Nothing fresh: the policy must be found (store, DNS, HTTPS). */
    MISS
  }

  /**
   * What the resolver knows of a domain before its TXT lookup.
   *
   * @param domain the policy domain
   * @param entry what memory or the store holds, or {@code null} when neither holds anything
   * @param storeError why the store could not be read, or {@code null} when it could (or was not
   *     read because memory held the domain)
   */
  record Known(String domain, @Nullable Entry entry, @Nullable RuntimeException storeError) {
    Known {
      Objects.requireNonNull(domain, "domain");
    }
  }

  /**
   * The outcome of a step: an answer, or a policy fetch to make first.
   */
  sealed interface Next permits Answer, Fetch {}

  /**
   * The answer, what to remember, and what to do.
   *
   * @param resolution the answer to the lookup
   * @param remember what memory holds for the domain from now on, or {@code null} to remember
   *     nothing (only when nothing was remembered before)
   * @param effects what the resolver does, in order, after remembering
   */
  record Answer(Resolution resolution, @Nullable Entry remember, List<Effect> effects)
      implements Next {
    Answer {
      Objects.requireNonNull(resolution, "resolution");
      effects = List.copyOf(effects);
    }
  }

  /**
   * Fetch the policy, then call {@link #afterFetch} with this.
   *
   * @param id the TXT id the fetched policy will be remembered under
   * @param nextIdCheck when the TXT id is checked next
   * @param applicable the policy that applies while the fetch runs, or {@code null} when none is
   *     fresh
   * @param failedLookup when the fetch is made although the TXT lookup gave no record (a forced
   *     refresh, RFC 8461 section 10.2), that lookup: a failed fetch is then answered as the lookup
   *     would have been; otherwise {@code null}
   */
  record Fetch(String id, Instant nextIdCheck, @Nullable CachedPolicy applicable,
      @Nullable RecordLookup failedLookup) implements Next {
    Fetch {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(nextIdCheck, "nextIdCheck");
    }
  }

  /**
   * What a step asks the resolver to do besides answering and remembering.
   */
  sealed interface Effect {
    /**
     * Write a fetched policy to the store, in the background.
     *
     * @param policy the policy
     */
    record Save(CachedPolicy policy) implements Effect {}

    /**
     * Tell the listener a policy was fetched ({@link ResolverListener#onFetched}).
     *
     * @param policy what is now cached
     */
    record ReportFetched(CachedPolicy policy) implements Effect {}

    /**
     * Log and tell the listener of a change worth hearing about ({@link
     * ResolverListener#onPolicyChange}).
     *
     * @param change what changed
     * @param before the policy cached before
     * @param after the policy cached now
     */
    record ReportPolicyChange(ResolverListener.PolicyChange change, CachedPolicy before,
        CachedPolicy after) implements Effect {}

    /**
     * Tell the listener a refresh failed while a policy other than {@code none} stays in force
     * ({@link ResolverListener#onRefreshFailure}).
     *
     * @param failure what failed
     * @param consecutive how many refreshes in a row have failed
     * @param cached the policy that stays in force
     */
    record ReportRefreshFailure(Failure failure, int consecutive, CachedPolicy cached)
        implements Effect {}

    /**
     * Log a warning: refreshes have failed often enough in a row for an operator to look.
     *
     * @param failure what failed last
     * @param consecutive how many refreshes in a row have failed
     * @param cached the policy that stays in force until it expires
     */
    record WarnRefreshesFailing(Failure failure, int consecutive, CachedPolicy cached)
        implements Effect {}

    /**
     * Log and tell the listener of a stored policy fetched "in the future" ({@link
     * ResolverListener#onSuspiciousEntry}).
     *
     * @param stored the policy as stored
     */
    record ReportSuspiciousEntry(CachedPolicy stored) implements Effect {}
  }

  /**
   * What a stored policy becomes in memory.
   *
   * @param entry the entry to remember
   * @param effects what the resolver does about it
   */
  record Recalled(Entry entry, List<Effect> effects) {
    Recalled {
      Objects.requireNonNull(entry, "entry");
      effects = List.copyOf(effects);
    }
  }

  /**
   * Serving from memory (RFC 8461 section 5.1): a policy is applied until it expires, and its TXT
   * id is checked at most once per interval. Allocates nothing.
   *
   * @param entry what memory holds, or {@code null}
   * @param now the current time
   * @return how to serve the lookup
   */
  static Serve serve(@Nullable Entry entry, Instant now) {
    if (entry == null || !entry.freshAt(now)) {
      return Serve.MISS;
    }
    return entry.idCheckDue(now) ? Serve.HIT_AND_CHECK_ID : Serve.HIT;
  }

  /**
   * A stored policy read back: its id is checked at once. One that claims a fetch in the future was
   * written by a clock that ran ahead: it is reported and taken as fetched now, so it can neither
   * outlive its max_age nor outrank a new fetch.
   *
   * @param stored the policy as stored
   * @param now the current time
   * @return the entry to remember and the report, if any
   */
  static Recalled recall(CachedPolicy stored, Instant now) {
    if (stored.fetchedInFuture(now)) {
      CachedPolicy asOfNow = new CachedPolicy(stored.domain(), stored.id(), stored.policy(), now);
      return new Recalled(Entry.of(asOfNow, now),
          List.of(new Effect.ReportSuspiciousEntry(stored)));
    }
    return new Recalled(Entry.of(stored, now), List.of());
  }

  /**
   * Another MTA of the fleet holds the refresh lease of a domain and refreshes it: the policy it
   * stored replaces the remembered one when fetched later, keeping the remembered id check. The
   * stored policy is read back as {@link #recall} reads it: one stored "in the future" is reported
   * and taken as fetched now, so it cannot pin itself in memory past its max_age.
   *
   * @param held what memory holds; fresh
   * @param stored the policy the store holds
   * @param now the current time
   * @return the entry to remember instead and the report, if any; {@code null} to keep {@code held}
   */
  static @Nullable Recalled adopt(Entry held, CachedPolicy stored, Instant now) {
    CachedPolicy current = Objects.requireNonNull(held.cached());
    Recalled recalled = recall(stored, now);
    CachedPolicy taken = Objects.requireNonNull(recalled.entry().cached());
    if (!taken.fetchedAt().isAfter(current.fetchedAt())) {
      return null;
    }
    return new Recalled(Entry.of(taken, held.nextIdCheck()), recalled.effects());
  }

  /**
   * Background discovery (RFC 8461 Appendix B) found nothing fresh in memory or the store: the
   * answer while discovery runs behind.
   *
   * @param domain the policy domain
   * @param storeError why the store could not be read, or {@code null}
   * @return "unknown for now" when the store failed (it may hold a policy), else "not discovered
   *     yet"
   */
  static Resolution undiscovered(String domain, @Nullable RuntimeException storeError) {
    if (storeError != null) {
      return storeUnknown(domain, storeError);
    }
    return new Resolution(new PolicyState.NoPolicy(domain, "not discovered yet"),
        Resolution.Source.NOT_YET_DISCOVERED);
  }

  /**
   * Whether proactive refresh fetches a cached policy now: while it is fresh, not within the
   * back-off of a failed refresh, and once its refresh interval (at most half its max_age), spread
   * by a per-domain offset, has passed since its fetch.
   *
   * @param domain the policy domain
   * @param entry what memory holds
   * @param now the current time
   * @return {@code true} when a refresh is due
   */
  boolean proactiveRefreshDue(String domain, Entry entry, Instant now) {
    if (refreshInterval.isZero() || !entry.freshAt(now)) {
      return false;
    }
    Instant failedAt = entry.failedAt();
    if (failedAt != null && now.isBefore(failedAt.plus(fetchBackoff))) {
      return false;
    }
    CachedPolicy cached = Objects.requireNonNull(entry.cached());
    return !now.isBefore(refreshDue(domain, cached));
  }

  /** When a cached policy is due for proactive refresh: spread by a per-domain offset. */
  private Instant refreshDue(String domain, CachedPolicy cached) {
    long maxAge = cached.policy().maxAge().toMillis();
    long interval = Math.min(refreshInterval.toMillis(), Math.max(1, maxAge / 2));
    long spread = interval / 10;
    long offset = spread == 0 ? 0 : Math.floorMod(domain.hashCode() * 0x9E3779B1L, spread);
    return cached.fetchedAt().plusMillis(interval - spread + offset);
  }

  /**
   * After the TXT lookup (RFC 8461 sections 3.1, 3.3 and 5.1).
   *
   * <ul>
   *   <li>Same id as a fresh cached policy: the policy stays, confirmed, without a fetch.
   *   <li>An id whose fetch failed within the back-off: no fetch; the cached policy (or the
   *       failure) stands.
   *   <li>Any other id: fetch.
   *   <li>No record, or a failed lookup: a cached policy stays until it expires and the failure is
   *       reported; without one, "no policy" or "unknown for now". A store that could not be read
   *       makes it "unknown for now": the store may hold a policy DNS no longer shows.
   *   <li>{@code force} (proactive or operator refresh): fetch whatever the record says, under the
   *       cached id when the record is gone or its lookup failed (RFC 8461 section 10.2).
   * </ul>
   *
   * @param known what is known of the domain
   * @param lookup the TXT lookup's outcome
   * @param force whether to fetch whatever the TXT id and the back-off say
   * @param now the current time
   * @return the answer, or the fetch to make
   */
  Next afterLookup(Known known, RecordLookup lookup, boolean force, Instant now) {
    String d = known.domain();
    Entry entry = known.entry() != null ? known.entry() : Entry.of(null, now);
    CachedPolicy cached = entry.freshAt(now) ? entry.cached() : null;
    if (lookup instanceof RecordLookup.Present present) {
      Instant nextCheck = now.plus(clamp(present.ttl()));
      String id = present.record().id();
      if (!force && cached != null && cached.id().equals(id)) {
        return new Answer(new Resolution(applied(cached, null),
            Resolution.Source.CACHED_ID_CONFIRMED), entry.confirmed(nextCheck), List.of());
      }
      Instant failedAt = entry.failedAt();
      Failure lastFailure = entry.lastFailure();
      if (!force && id.equals(entry.failedId()) && failedAt != null && lastFailure != null
          && now.isBefore(failedAt.plus(fetchBackoff))) {
        return new Answer(keepOrFail(d, cached, lastFailure), entry.withNextCheck(nextCheck),
            List.of());
      }
      return new Fetch(id, nextCheck, cached, null);
    }
    if (cached == null && known.storeError() != null) {
      // The store may hold a policy that DNS no longer shows: unknown, not absent.
      return new Answer(storeUnknown(d, known.storeError()), null, List.of());
    }
    Instant nextCheck = now.plus(minIdCheck);
    if (force && cached != null) {
      // RFC 8461 section 10.2: a refresh fetches the policy whatever the TXT record says, so
      // blocking _mta-sts cannot make a cached policy run out; a failed fetch changes nothing.
      return new Fetch(cached.id(), nextCheck, cached, lookup);
    }
    return noRecord(d, known.entry(), entry.withNextCheck(nextCheck), cached, lookup, now);
  }

  /**
   * After the policy fetch (RFC 8461 section 3.3): a fetched policy replaces what was
   * cached, a {@code mode: none} policy included, and restarts the max_age clock; a failed fetch
   * keeps a fresh cached policy, reported, and starts the back-off for the id.
   *
   * @param known what was known of the domain before the TXT lookup
   * @param fetch the fetch that {@link #afterLookup} asked for
   * @param result the fetch's outcome
   * @param now the current time
   * @return the answer
   */
  Answer afterFetch(Known known, Fetch fetch, FetchResult result, Instant now) {
    String d = known.domain();
    Entry entry = known.entry() != null ? known.entry() : Entry.of(null, now);
    CachedPolicy cached = fetch.applicable();
    if (result instanceof FetchResult.Fetched ok) {
      CachedPolicy fresh = new CachedPolicy(d, fetch.id(), ok.policy(), now);
      List<Effect> effects = new ArrayList<>();
      effects.add(new Effect.Save(fresh));
      CachedPolicy before = entry.cached();
      if (before != null) {
        changes(before, fresh, effects);
      }
      effects.add(new Effect.ReportFetched(fresh));
      return new Answer(new Resolution(applied(fresh, null), Resolution.Source.FETCHED),
          Entry.of(fresh, fetch.nextIdCheck()), effects);
    }
    if (fetch.failedLookup() != null) {
      return noRecord(d, known.entry(), entry.withNextCheck(fetch.nextIdCheck()), cached,
          fetch.failedLookup(), now);
    }
    if (cached == null && known.storeError() != null) {
      return new Answer(storeUnknown(d, known.storeError()), null, List.of());
    }
    FetchResult.Failed bad = (FetchResult.Failed) result;
    Failure failure = bad.failure();
    Entry next = entry.withNextCheck(fetch.nextIdCheck());
    if (cached == null) {
      return new Answer(new Resolution(new PolicyState.PolicyFailure(d, failure),
          Resolution.Source.POLICY_FAILURE), next.failed(fetch.id(), now, failure), List.of());
    }
    return keptDespite(next, cached, fetch.id(), now, failure);
  }

  /** No usable record, or its lookup failed: keep a fresh policy, else say what is known. */
  private Answer noRecord(String d, @Nullable Entry base, Entry next,
      @Nullable CachedPolicy cached, RecordLookup lookup, Instant now) {
    if (lookup instanceof RecordLookup.Absent absent) {
      if (cached == null) {
        return new Answer(new Resolution(new PolicyState.NoPolicy(d, absent.detail()),
            Resolution.Source.NO_POLICY), base == null ? null : next, List.of());
      }
      return keptDespite(next, cached, null, now, new Failure(ResultType.STS_POLICY_FETCH_ERROR,
          "sts-record-unavailable", absent.detail()));
    }
    RecordLookup.Failed failed = (RecordLookup.Failed) lookup;
    if (cached == null) {
      return new Answer(new Resolution(new PolicyState.Unavailable(d, failed.detail()),
          Resolution.Source.TEMPORARY_FAILURE), base == null ? null : next, List.of());
    }
    return keptDespite(next, cached, null, now, new Failure(ResultType.STS_POLICY_FETCH_ERROR,
        "sts-record-lookup-failed", failed.detail()));
  }

  /** A refresh failed: the fresh cached policy stays in force, with the failure attached. */
  private Answer keptDespite(Entry next, CachedPolicy cached, @Nullable String failedId,
      Instant now, Failure failure) {
    Entry failed = next.failed(failedId, now, failure);
    List<Effect> effects = new ArrayList<>(2);
    if (cached.policy().mode() != Mode.NONE) {
      effects.add(new Effect.ReportRefreshFailure(failure, failed.failures(), cached));
      if (failed.failures() >= warnAfterFailures) {
        effects.add(new Effect.WarnRefreshesFailing(failure, failed.failures(), cached));
      }
    }
    return new Answer(new Resolution(applied(cached, failure),
        Resolution.Source.CACHED_DESPITE_FAILURE), failed, effects);
  }

  private static Resolution keepOrFail(String d, @Nullable CachedPolicy cached, Failure failure) {
    if (cached != null) {
      return new Resolution(applied(cached, failure), Resolution.Source.CACHED_DESPITE_FAILURE);
    }
    return new Resolution(new PolicyState.PolicyFailure(d, failure),
        Resolution.Source.POLICY_FAILURE);
  }

  /** The changes of a newly fetched policy that an operator should hear about. */
  private static void changes(CachedPolicy before, CachedPolicy after, List<Effect> effects) {
    if (rank(after.policy().mode()) < rank(before.policy().mode())) {
      effects.add(new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MODE_WEAKENED,
          before, after));
    }
    if (!new HashSet<>(before.policy().mx()).equals(new HashSet<>(after.policy().mx()))) {
      effects.add(new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MX_CHANGED,
          before, after));
    }
    if (before.id().equals(after.id()) && !before.policy().equals(after.policy())) {
      effects.add(new Effect.ReportPolicyChange(
          ResolverListener.PolicyChange.CHANGED_WITHOUT_NEW_ID, before, after));
    }
  }

  private static int rank(Mode mode) {
    return switch (mode) {
      case ENFORCE -> 2;
      case TESTING -> 1;
      case NONE -> 0;
    };
  }

  /** The answer when nothing is known because the store could not be read: try again later. */
  static Resolution storeUnknown(String d, RuntimeException error) {
    String detail = "the policy store could not be read: " + error.getMessage();
    return new Resolution(new PolicyState.Unavailable(d, detail),
        Resolution.Source.TEMPORARY_FAILURE);
  }

  private Duration clamp(Duration ttl) {
    if (ttl.compareTo(minIdCheck) < 0) {
      return minIdCheck;
    }
    return ttl.compareTo(maxIdCheck) > 0 ? maxIdCheck : ttl;
  }

  private static PolicyState applied(CachedPolicy cached, @Nullable Failure failure) {
    return new PolicyState.Applied(cached.domain(), cached.id(), cached.policy(),
        cached.fetchedAt(), Optional.ofNullable(failure));
  }
}
