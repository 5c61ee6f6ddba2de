package dev.mtasts.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.mtasts.cache.ResolverStep.Answer;
import dev.mtasts.cache.ResolverStep.Effect;
import dev.mtasts.cache.ResolverStep.Known;
import dev.mtasts.cache.ResolverStep.Next;
import dev.mtasts.cache.ResolverStep.Serve;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.NoPolicyReason;
import dev.mtasts.discovery.RecordLookup;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.result.Failure;
import dev.mtasts.result.ResultType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 8461 section 5.1 decisions of {@link PolicyResolver}, one table row per rule: what
 * is remembered of a domain, what was observed (TXT lookup, policy fetch, store read) and when,
 * give the answer, what is remembered next, and the effects. No servers and no clock: {@link
 * ResolverStep} is pure. The same rules against real loopback DNS and HTTPS servers are in the integration tests'
 * {@code PolicyResolverTest}.
 */
class ResolverStepTest {
  private static final String D = "step.example.test";
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  /** Two hours after {@link #T0}: a policy fetched at T0 with max_age 1 day is fresh. */
  private static final Instant NOW = T0.plus(Duration.ofHours(2));
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  /** The settings of a default resolver: id checks 1 minute .. 1 hour, back-off 5 minutes. */
  private static final ResolverStep STEP = new ResolverStep(Duration.ofMinutes(1),
      Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofDays(1), 3);

  private static final Policy ENFORCE = policy(Mode.ENFORCE, "mx1.step.example.test");
  private static final Policy ENFORCE_MX2 = policy(Mode.ENFORCE, "mx2.step.example.test");
  private static final Policy TESTING = policy(Mode.TESTING, "mx2.step.example.test");
  private static final Policy NONE = Policy.of(Mode.NONE, Duration.ofDays(1), List.of());

  /** Fetched at T0 under id 1; fresh at {@link #NOW}. */
  private static final CachedPolicy CACHED = new CachedPolicy(D, "1", ENFORCE, T0);
  /** Its id check was due an hour ago. */
  private static final Entry FRESH = Entry.of(CACHED, T0.plus(Duration.ofHours(1)));
  /** Fetched two days before {@link #NOW}: past its max_age of one day. */
  private static final Entry EXPIRED = Entry.of(
      new CachedPolicy(D, "1", ENFORCE, NOW.minus(Duration.ofDays(2))),
      NOW.minus(Duration.ofDays(1)));

  private static final Failure FETCH_FAILED = new FetchResult.Failed(
      ResultType.STS_POLICY_FETCH_ERROR, "HTTP 500", List.of()).failure();
  private static final Failure RECORD_GONE = new Failure(ResultType.STS_POLICY_FETCH_ERROR,
      "sts-record-unavailable", "no TXT record");
  private static final Failure LOOKUP_FAILED = new Failure(ResultType.STS_POLICY_FETCH_ERROR,
      "sts-record-lookup-failed", "SERVFAIL");
  private static final RuntimeException STORE_DOWN = new PolicyStoreException(
      PolicyStoreException.Reason.IO, D, "test", "connection refused", null);

  // ---------------------------------------------------------------------------------------------
  // After a TXT lookup and, when one is asked for, a policy fetch.

  static Stream<Row> lookups() {
    CachedPolicy fetchedNow = new CachedPolicy(D, "1", ENFORCE, NOW);
    CachedPolicy newId = new CachedPolicy(D, "2", TESTING, NOW);
    Entry failing = Entry.of(CACHED, NOW, fail("2", NOW.minus(Duration.ofMinutes(4)), 1));
    return Stream.of(
        row("3.1 same id: the cached policy is confirmed without a fetch")
            .given(FRESH).txt(present("1", TEN_MINUTES))
            .expect(applied(CACHED, null, Resolution.Source.CACHED_ID_CONFIRMED),
                Entry.of(CACHED, NOW.plus(TEN_MINUTES))),
        row("3.1 same id: a confirmation ends a run of failed refreshes")
            .given(failing).txt(present("1", TEN_MINUTES))
            .expect(applied(CACHED, null, Resolution.Source.CACHED_ID_CONFIRMED),
                Entry.of(CACHED, NOW.plus(TEN_MINUTES))),
        row("id check interval: the record's TTL, at most one hour")
            .given(FRESH).txt(present("1", Duration.ofDays(1)))
            .expect(applied(CACHED, null, Resolution.Source.CACHED_ID_CONFIRMED),
                Entry.of(CACHED, NOW.plus(Duration.ofHours(1)))),
        row("id check interval: the record's TTL, at least one minute")
            .given(FRESH).txt(present("1", Duration.ZERO))
            .expect(applied(CACHED, null, Resolution.Source.CACHED_ID_CONFIRMED),
                Entry.of(CACHED, NOW.plus(Duration.ofMinutes(1)))),
        row("3.1 new id: the fetched policy replaces the cached one; changes are reported")
            .given(FRESH).txt(present("2", TEN_MINUTES)).fetch(fetched(TESTING))
            .expect(applied(newId, null, Resolution.Source.FETCHED),
                Entry.of(newId, NOW.plus(TEN_MINUTES)),
                new Effect.Save(newId),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MODE_WEAKENED,
                    CACHED, newId),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MX_CHANGED,
                    CACHED, newId),
                new Effect.ReportFetched(newId)),
        row("3.1 new id: a mode none policy replaces enforce like any other")
            .given(FRESH).txt(present("3", TEN_MINUTES)).fetch(fetched(NONE))
            .expect(applied(new CachedPolicy(D, "3", NONE, NOW), null, Resolution.Source.FETCHED),
                Entry.of(new CachedPolicy(D, "3", NONE, NOW), NOW.plus(TEN_MINUTES)),
                new Effect.Save(new CachedPolicy(D, "3", NONE, NOW)),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MODE_WEAKENED,
                    CACHED, new CachedPolicy(D, "3", NONE, NOW)),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MX_CHANGED,
                    CACHED, new CachedPolicy(D, "3", NONE, NOW)),
                new Effect.ReportFetched(new CachedPolicy(D, "3", NONE, NOW))),
        row("3.3 new id, fetch failed: the cached policy stays, the failure is reported and the"
            + " back-off starts")
            .given(FRESH).txt(present("2", TEN_MINUTES)).fetch(fetchFailed())
            .expect(applied(CACHED, FETCH_FAILED, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(TEN_MINUTES), fail("2", NOW, 1)),
                new Effect.ReportRefreshFailure(FETCH_FAILED, 1, CACHED)),
        row("3.3 back-off: no new fetch for the failed id within five minutes")
            .given(failing).txt(present("2", TEN_MINUTES))
            .expect(applied(CACHED, FETCH_FAILED, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(TEN_MINUTES),
                    fail("2", NOW.minus(Duration.ofMinutes(4)), 1))),
        row("3.3 back-off: over after five minutes, the failed id is fetched again")
            .given(Entry.of(CACHED, NOW, fail("2", NOW.minus(Duration.ofMinutes(5)), 1)))
            .txt(present("2", TEN_MINUTES)).fetch(fetched(TESTING))
            .expect(applied(newId, null, Resolution.Source.FETCHED),
                Entry.of(newId, NOW.plus(TEN_MINUTES)),
                new Effect.Save(newId),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MODE_WEAKENED,
                    CACHED, newId),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MX_CHANGED,
                    CACHED, newId),
                new Effect.ReportFetched(newId)),
        row("3.3 back-off: a new id is fetched at once, whatever failed before")
            .given(failing).txt(present("4", TEN_MINUTES)).fetch(fetched(ENFORCE))
            .expect(applied(new CachedPolicy(D, "4", ENFORCE, NOW), null,
                    Resolution.Source.FETCHED),
                Entry.of(new CachedPolicy(D, "4", ENFORCE, NOW), NOW.plus(TEN_MINUTES)),
                new Effect.Save(new CachedPolicy(D, "4", ENFORCE, NOW)),
                new Effect.ReportFetched(new CachedPolicy(D, "4", ENFORCE, NOW))),
        row("3.3 back-off without a cached policy: the failure stands, no fetch")
            .given(Entry.of(null, NOW, fail("1", NOW.minus(Duration.ofMinutes(1)), 1)))
            .txt(present("1", TEN_MINUTES))
            .expect(new Resolution(new PolicyState.PolicyFailure(D, FETCH_FAILED),
                    Resolution.Source.POLICY_FAILURE),
                Entry.of(null, NOW.plus(TEN_MINUTES),
                    fail("1", NOW.minus(Duration.ofMinutes(1)), 1))),
        row("3.3 record gone: the cached policy stays until it expires; the failure is reported")
            .given(FRESH).txt(absent())
            .expect(applied(CACHED, RECORD_GONE, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(Duration.ofMinutes(1)), fail(null, NOW, RECORD_GONE, 1)),
                new Effect.ReportRefreshFailure(RECORD_GONE, 1, CACHED)),
        row("3.3 DNS failure: the cached policy stays; the failure is reported")
            .given(FRESH).txt(dnsFailed())
            .expect(applied(CACHED, LOOKUP_FAILED, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(Duration.ofMinutes(1)),
                    fail(null, NOW, LOOKUP_FAILED, 1)),
                new Effect.ReportRefreshFailure(LOOKUP_FAILED, 1, CACHED)),
        row("3.3 third failed refresh in a row: reported and warned about")
            .given(Entry.of(CACHED, NOW, fail("2", NOW.minus(Duration.ofHours(1)), 2)))
            .txt(dnsFailed())
            .expect(applied(CACHED, LOOKUP_FAILED, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(Duration.ofMinutes(1)),
                    fail(null, NOW, LOOKUP_FAILED, 3)),
                new Effect.ReportRefreshFailure(LOOKUP_FAILED, 3, CACHED),
                new Effect.WarnRefreshesFailing(LOOKUP_FAILED, 3, CACHED)),
        row("3.3 a cached mode none policy stays on failure without a report")
            .given(Entry.of(new CachedPolicy(D, "1", NONE, T0), T0)).txt(absent())
            .expect(applied(new CachedPolicy(D, "1", NONE, T0), RECORD_GONE,
                    Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(new CachedPolicy(D, "1", NONE, T0), NOW.plus(Duration.ofMinutes(1)),
                    fail(null, NOW, RECORD_GONE, 1))),
        row("5.1 expired, record gone: the expired policy is not applied")
            .given(EXPIRED).txt(absent())
            .expect(new Resolution(new PolicyState.NoPolicy(D, "no TXT record"),
                    Resolution.Source.NO_POLICY),
                EXPIRED.withNextCheck(NOW.plus(Duration.ofMinutes(1)))),
        row("5.1 expired, DNS failure: unknown for now, the expired policy is not applied")
            .given(EXPIRED).txt(dnsFailed())
            .expect(new Resolution(new PolicyState.Unavailable(D, "SERVFAIL"),
                    Resolution.Source.TEMPORARY_FAILURE),
                EXPIRED.withNextCheck(NOW.plus(Duration.ofMinutes(1)))),
        row("5.1 expired, same id: fetched again, and the max_age clock restarts")
            .given(EXPIRED).txt(present("1", TEN_MINUTES)).fetch(fetched(ENFORCE))
            .expect(applied(fetchedNow, null, Resolution.Source.FETCHED),
                Entry.of(fetchedNow, NOW.plus(TEN_MINUTES)),
                new Effect.Save(fetchedNow), new Effect.ReportFetched(fetchedNow)),
        row("3.3 expired, fetch failed: a policy failure, not the expired policy")
            .given(EXPIRED).txt(present("1", TEN_MINUTES)).fetch(fetchFailed())
            .expect(new Resolution(new PolicyState.PolicyFailure(D, FETCH_FAILED),
                    Resolution.Source.POLICY_FAILURE),
                EXPIRED.withNextCheck(NOW.plus(TEN_MINUTES)).failed("1", NOW, FETCH_FAILED)),
        row("3.1 nothing known, record found: the policy is fetched")
            .given(null).txt(present("1", TEN_MINUTES)).fetch(fetched(ENFORCE))
            .expect(applied(fetchedNow, null, Resolution.Source.FETCHED),
                Entry.of(fetchedNow, NOW.plus(TEN_MINUTES)),
                new Effect.Save(fetchedNow), new Effect.ReportFetched(fetchedNow)),
        row("3.1 nothing known, no record: no policy, and nothing is remembered")
            .given(null).txt(absent())
            .expect(new Resolution(new PolicyState.NoPolicy(D, "no TXT record"),
                Resolution.Source.NO_POLICY), null),
        row("3.3 nothing known, DNS failure: unknown for now, and nothing is remembered")
            .given(null).txt(dnsFailed())
            .expect(new Resolution(new PolicyState.Unavailable(D, "SERVFAIL"),
                Resolution.Source.TEMPORARY_FAILURE), null),
        row("3.3 nothing known, fetch failed: a policy failure, remembered for the back-off")
            .given(null).txt(present("1", TEN_MINUTES)).fetch(fetchFailed())
            .expect(new Resolution(new PolicyState.PolicyFailure(D, FETCH_FAILED),
                    Resolution.Source.POLICY_FAILURE),
                Entry.of(null, NOW.plus(TEN_MINUTES), fail("1", NOW, 1))),
        row("store unreadable, no record: unknown for now, not no policy")
            .given(null).storeFailed().txt(absent())
            .expect(storeUnknown(), null),
        row("store unreadable, DNS failure: unknown for now")
            .given(null).storeFailed().txt(dnsFailed())
            .expect(storeUnknown(), null),
        row("store unreadable, fetch failed: unknown for now, not a policy failure")
            .given(null).storeFailed().txt(present("1", TEN_MINUTES)).fetch(fetchFailed())
            .expect(storeUnknown(), null),
        row("store unreadable, policy fetched: the fetched policy applies")
            .given(null).storeFailed().txt(present("1", TEN_MINUTES)).fetch(fetched(ENFORCE))
            .expect(applied(fetchedNow, null, Resolution.Source.FETCHED),
                Entry.of(fetchedNow, NOW.plus(TEN_MINUTES)),
                new Effect.Save(fetchedNow), new Effect.ReportFetched(fetchedNow)),
        row("10.2 forced refresh, same id: fetched anyway, and the max_age clock restarts")
            .given(FRESH).force().txt(present("1", TEN_MINUTES)).fetch(fetched(ENFORCE))
            .expect(applied(fetchedNow, null, Resolution.Source.FETCHED),
                Entry.of(fetchedNow, NOW.plus(TEN_MINUTES)),
                new Effect.Save(fetchedNow), new Effect.ReportFetched(fetchedNow)),
        row("10.2 forced refresh ignores the back-off")
            .given(failing).force().txt(present("2", TEN_MINUTES)).fetch(fetched(TESTING))
            .expect(applied(newId, null, Resolution.Source.FETCHED),
                Entry.of(newId, NOW.plus(TEN_MINUTES)),
                new Effect.Save(newId),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MODE_WEAKENED,
                    CACHED, newId),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MX_CHANGED,
                    CACHED, newId),
                new Effect.ReportFetched(newId)),
        row("10.2 forced refresh, record gone: fetched under the cached id")
            .given(FRESH).force().txt(absent()).fetch(fetched(ENFORCE))
            .expect(applied(fetchedNow, null, Resolution.Source.FETCHED),
                Entry.of(fetchedNow, NOW.plus(Duration.ofMinutes(1))),
                new Effect.Save(fetchedNow), new Effect.ReportFetched(fetchedNow)),
        row("10.2 forced refresh, DNS failure: fetched; a policy changed under the same id is"
            + " reported")
            .given(FRESH).force().txt(dnsFailed()).fetch(fetched(ENFORCE_MX2))
            .expect(applied(new CachedPolicy(D, "1", ENFORCE_MX2, NOW), null,
                    Resolution.Source.FETCHED),
                Entry.of(new CachedPolicy(D, "1", ENFORCE_MX2, NOW),
                    NOW.plus(Duration.ofMinutes(1))),
                new Effect.Save(new CachedPolicy(D, "1", ENFORCE_MX2, NOW)),
                new Effect.ReportPolicyChange(ResolverListener.PolicyChange.MX_CHANGED,
                    CACHED, new CachedPolicy(D, "1", ENFORCE_MX2, NOW)),
                new Effect.ReportPolicyChange(
                    ResolverListener.PolicyChange.CHANGED_WITHOUT_NEW_ID,
                    CACHED, new CachedPolicy(D, "1", ENFORCE_MX2, NOW)),
                new Effect.ReportFetched(new CachedPolicy(D, "1", ENFORCE_MX2, NOW))),
        row("10.2 forced refresh, record gone, fetch failed: as if no fetch had been made")
            .given(FRESH).force().txt(absent()).fetch(fetchFailed())
            .expect(applied(CACHED, RECORD_GONE, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(Duration.ofMinutes(1)), fail(null, NOW, RECORD_GONE, 1)),
                new Effect.ReportRefreshFailure(RECORD_GONE, 1, CACHED)),
        row("10.2 forced refresh, same id, fetch failed: the cached policy stays, reported")
            .given(FRESH).force().txt(present("1", TEN_MINUTES)).fetch(fetchFailed())
            .expect(applied(CACHED, FETCH_FAILED, Resolution.Source.CACHED_DESPITE_FAILURE),
                Entry.of(CACHED, NOW.plus(TEN_MINUTES), fail("1", NOW, 1)),
                new Effect.ReportRefreshFailure(FETCH_FAILED, 1, CACHED)),
        row("10.2 forced refresh of an expired policy, record gone: no policy, no fetch")
            .given(EXPIRED).force().txt(absent())
            .expect(new Resolution(new PolicyState.NoPolicy(D, "no TXT record"),
                    Resolution.Source.NO_POLICY),
                EXPIRED.withNextCheck(NOW.plus(Duration.ofMinutes(1)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lookups")
  void afterLookupAndFetch(Row row) {
    Known known = new Known(D, row.state, row.storeError);
    Next next = STEP.afterLookup(known, row.txt, row.force, NOW);
    Answer answer;
    if (row.fetch == null) {
      answer = assertInstanceOf(Answer.class, next, "no fetch expected");
    } else {
      ResolverStep.Fetch fetch = assertInstanceOf(ResolverStep.Fetch.class, next,
          "a fetch expected");
      answer = STEP.afterFetch(known, fetch, row.fetch, NOW);
    }
    assertEquals(row.answer, answer.resolution(), "answer");
    assertEquals(row.next, answer.remember(), "remembered next");
    assertEquals(row.effects, answer.effects(), "effects");
  }

  // ---------------------------------------------------------------------------------------------
  // Serving from memory.

  static Stream<ServeRow> serves() {
    return Stream.of(
        new ServeRow("5.1 nothing in memory: find the policy", null, NOW, Serve.MISS),
        new ServeRow("5.1 fresh, id checked recently: served from memory",
            Entry.of(CACHED, NOW.plus(TEN_MINUTES)), NOW, Serve.HIT),
        new ServeRow("5.1 fresh, id check due: served from memory, id checked behind",
            FRESH, NOW, Serve.HIT_AND_CHECK_ID),
        new ServeRow("5.1 fresh until the last millisecond before expiry",
            FRESH, CACHED.expiresAt().minusMillis(1), Serve.HIT_AND_CHECK_ID),
        new ServeRow("5.1 expired at max_age: never served", FRESH, CACHED.expiresAt(),
            Serve.MISS),
        new ServeRow("5.1 only a failure remembered: find the policy",
            Entry.of(null, NOW.plus(TEN_MINUTES), fail("1", NOW, 1)), NOW, Serve.MISS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serves")
  void serve(ServeRow row) {
    assertEquals(row.serve(), ResolverStep.serve(row.state(), row.now()));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the store back.

  static Stream<RecallRow> recalls() {
    CachedPolicy ahead = new CachedPolicy(D, "old", NONE, NOW.plus(Duration.ofDays(30)));
    CachedPolicy skewed = new CachedPolicy(D, "1", ENFORCE, NOW.plus(Duration.ofMinutes(4)));
    return Stream.of(
        new RecallRow("5.1 a stored policy is remembered with its id check due at once",
            CACHED, Entry.of(CACHED, NOW), List.of()),
        new RecallRow("clock skew within five minutes: the stored policy is taken as it is",
            skewed, Entry.of(skewed, NOW), List.of()),
        new RecallRow("a policy stored in the future: taken as fetched now, and reported",
            ahead, Entry.of(new CachedPolicy(D, "old", NONE, NOW), NOW),
            List.of(new Effect.ReportSuspiciousEntry(ahead))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recalls")
  void recall(RecallRow row) {
    ResolverStep.Recalled recalled = ResolverStep.recall(row.stored(), NOW);
    assertEquals(row.entry(), recalled.entry(), "remembered");
    assertEquals(row.effects(), recalled.effects(), "effects");
  }

  static Stream<AdoptRow> adoptions() {
    Entry held = Entry.of(CACHED, NOW.plus(TEN_MINUTES));
    CachedPolicy later = new CachedPolicy(D, "2", TESTING, NOW.minus(Duration.ofMinutes(1)));
    CachedPolicy ahead = new CachedPolicy(D, "old", NONE, NOW.plus(Duration.ofDays(30)));
    return Stream.of(
        new AdoptRow("fleet: a policy another MTA fetched later replaces the held one", held,
            later, new ResolverStep.Recalled(Entry.of(later, NOW.plus(TEN_MINUTES)), List.of())),
        new AdoptRow("fleet: the stored copy of the held policy changes nothing", held, CACHED,
            null),
        new AdoptRow("fleet: an older stored policy changes nothing", held,
            new CachedPolicy(D, "0", ENFORCE, T0.minus(Duration.ofHours(1))), null),
        new AdoptRow("fleet: a policy stored in the future is taken as fetched now, and reported",
            held, ahead, new ResolverStep.Recalled(
                Entry.of(new CachedPolicy(D, "old", NONE, NOW), NOW.plus(TEN_MINUTES)),
                List.of(new Effect.ReportSuspiciousEntry(ahead)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adoptions")
  void adopt(AdoptRow row) {
    assertEquals(row.adopted(), ResolverStep.adopt(row.held(), row.stored(), NOW));
  }

  static Stream<UndiscoveredRow> undiscovered() {
    return Stream.of(
        new UndiscoveredRow("Appendix B: nothing known yet, discovery runs behind", null,
            new Resolution(new PolicyState.NoPolicy(D, "not discovered yet"),
                Resolution.Source.NOT_YET_DISCOVERED)),
        new UndiscoveredRow("Appendix B: store unreadable, unknown for now", STORE_DOWN,
            storeUnknown()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("undiscovered")
  void undiscovered(UndiscoveredRow row) {
    assertEquals(row.answer(), ResolverStep.undiscovered(D, row.storeError()));
  }

  // ---------------------------------------------------------------------------------------------
  // Proactive refresh (max_age 1 day: due after 10.8 to 12 hours, spread per domain).

  static Stream<RefreshRow> refreshes() {
    Instant later = T0.plus(Duration.ofHours(13));
    Entry cached = Entry.of(CACHED, later);
    return Stream.of(
        new RefreshRow("10.2 just fetched: not due", STEP, cached, T0.plus(Duration.ofHours(1)),
            false),
        new RefreshRow("10.2 before max_age runs out: due, whatever the TXT id", STEP, cached,
            later, true),
        new RefreshRow("3.3 within the back-off of a failed refresh: not due", STEP,
            Entry.of(CACHED, later, fail("2", later.minus(Duration.ofMinutes(4)), 1)), later,
            false),
        new RefreshRow("3.3 after the back-off of a failed refresh: due", STEP,
            Entry.of(CACHED, later, fail("2", later.minus(Duration.ofMinutes(5)), 1)), later,
            true),
        new RefreshRow("5.1 expired: not refreshed, looked up afresh when asked for", STEP,
            cached, CACHED.expiresAt(), false),
        new RefreshRow("proactive refresh turned off: never due",
            new ResolverStep(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(5),
                Duration.ZERO, 3), cached, later, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refreshes")
  void proactiveRefresh(RefreshRow row) {
    assertEquals(row.due(), row.step().proactiveRefreshDue(D, row.state(), row.now()));
  }

  // ---------------------------------------------------------------------------------------------
  // The rows and their parts.

  record ServeRow(String name, @Nullable Entry state, Instant now, Serve serve) {
    @Override
    public String toString() {
      return name;
    }
  }

  record RecallRow(String name, CachedPolicy stored, Entry entry, List<Effect> effects) {
    @Override
    public String toString() {
      return name;
    }
  }

  record AdoptRow(String name, Entry held, CachedPolicy stored,
      ResolverStep.@Nullable Recalled adopted) {
    @Override
    public String toString() {
      return name;
    }
  }

  record UndiscoveredRow(String name, @Nullable RuntimeException storeError, Resolution answer) {
    @Override
    public String toString() {
      return name;
    }
  }

  record RefreshRow(String name, ResolverStep step, Entry state, Instant now, boolean due) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** One row: (state, observations, now) -> (answer, next state, effects). */
  static final class Row {
    final String name;
    @Nullable Entry state;
    @Nullable RuntimeException storeError;
    boolean force;
    RecordLookup txt = absent();
    @Nullable FetchResult fetch;
    @Nullable Resolution answer;
    @Nullable Entry next;
    List<Effect> effects = List.of();

    Row(String name) {
      this.name = name;
    }

    Row given(@Nullable Entry state) {
      this.state = state;
      return this;
    }

    Row storeFailed() {
      this.storeError = STORE_DOWN;
      return this;
    }

    Row force() {
      this.force = true;
      return this;
    }

    Row txt(RecordLookup txt) {
      this.txt = txt;
      return this;
    }

    Row fetch(FetchResult fetch) {
      this.fetch = fetch;
      return this;
    }

    Row expect(Resolution answer, @Nullable Entry next, Effect... effects) {
      this.answer = answer;
      this.next = next;
      this.effects = new ArrayList<>(List.of(effects));
      return this;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Row row(String name) {
    return new Row(name);
  }

  private static Policy policy(Mode mode, String mx) {
    return Policy.of(mode, Duration.ofDays(1), List.of(MxPattern.of(mx)));
  }

  private static RecordLookup present(String id, Duration ttl) {
    return new RecordLookup.Present(StsRecord.of(id), ttl, List.of());
  }

  private static RecordLookup absent() {
    return new RecordLookup.Absent(NoPolicyReason.NO_SUCH_NAME, "no TXT record", List.of());
  }

  private static RecordLookup dnsFailed() {
    return new RecordLookup.Failed(DnsResult.Reason.SERVER_FAILURE, "SERVFAIL");
  }

  private static FetchResult fetched(Policy policy) {
    return new FetchResult.Fetched(policy, List.of(), NOW);
  }

  private static FetchResult fetchFailed() {
    return new FetchResult.Failed(ResultType.STS_POLICY_FETCH_ERROR, "HTTP 500", List.of());
  }

  private static Entry.FailState fail(@Nullable String id, Instant at, int failures) {
    return fail(id, at, FETCH_FAILED, failures);
  }

  private static Entry.FailState fail(@Nullable String id, Instant at, Failure failure,
      int failures) {
    return new Entry.FailState(id, at, failure, failures);
  }

  private static Resolution applied(CachedPolicy p, @Nullable Failure failure,
      Resolution.Source source) {
    return new Resolution(new PolicyState.Applied(p.domain(), p.id(), p.policy(), p.fetchedAt(),
        Optional.ofNullable(failure)), source);
  }

  private static Resolution storeUnknown() {
    return new Resolution(new PolicyState.Unavailable(D,
        "the policy store could not be read: " + STORE_DOWN.getMessage()),
        Resolution.Source.TEMPORARY_FAILURE);
  }
}
