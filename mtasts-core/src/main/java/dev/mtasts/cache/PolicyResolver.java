package dev.mtasts.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicySource;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.internal.Futures;
import dev.mtasts.policy.HostName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where RFC 8461 section 5.1 lives: which policy applies to a domain now, from memory,
 * from the {@link PolicyStore}, or from discovery.
 *
 * <ul>
 *   <li>A fresh cached policy is served from memory with no I/O. Its TXT id is checked again at most
 *       once per interval (the record's DNS TTL, clamped to 1 minute .. 1 hour by default), in the
 *       background, and always on {@link #recheckAsync(String)}, which an MTA calls before it fails
 *       a message for good.
 *   <li>Same id: the cached policy stays, without an HTTPS fetch. New id: the policy is fetched. A
 *       failed fetch keeps the cached policy until it expires, and no new fetch for that id is made
 *       for the back-off period (5 minutes by default).
 *   <li>A missing, invalid or failing TXT record never removes a cached policy. Only a successfully
 *       fetched policy replaces it, a {@code mode: none} policy included; every successful fetch
 *       restarts the max_age clock.
 *   <li>Concurrent lookups of one domain share one TXT lookup and one fetch. Callers never wait on
 *       I/O inside the cache: store reads, DNS and HTTPS run on the resolver's executor. Lookups
 *       never wait for store writes, and wait for a store read at most {@linkplain
 *       Builder#storeTimeouts a bound}; a store that fails or does not answer means "unknown"
 *       (a temporary failure when nothing else is known), never "no policy".
 *   <li>A stored policy fetched "in the future" (a clock ran ahead) is reported, taken as fetched
 *       now, and replaced by the next successful fetch.
 *   <li>Proactive refresh re-fetches cached policies before they expire, whatever the TXT lookup
 *       says (RFC 8461 section 10.2): once a day each by default, spread over time, a bounded
 *       number at once; in a fleet sharing a {@code dev.mtasts.store.JdbcPolicyStore}, one MTA per domain through a
 *       lease.
 * </ul>
 *
 * <p>Thread-safe. Build one per MTA and {@link #close()} it on shutdown; the store stays open (it
 * belongs to the caller).
 */
public final class PolicyResolver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyResolver.class);

  private final PolicyDiscoverer discoverer;
  private final PolicyStore store;
  private final Clock clock;
  private final ResolverStep step;
  private final Duration fetchBackoff;
  private final Duration refreshInterval;
  private final boolean background;
  private final String owner;
  private final ResolverListener listener;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final Semaphore refreshPermits;
  private final Cache<String, Entry> memory;
  private final Map<String, CompletableFuture<Resolution>> inFlight = new ConcurrentHashMap<>();
  private final Duration storeReadTimeout;
  private final Duration storeWriteWait;
  private final java.util.Set<CompletableFuture<?>> pendingWrites = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * What a read of the store gave: the entry (or none), or the error that made it unknown.
   *
   * @param entry the stored entry, or {@code null} when none is stored or the read failed
   * @param error why the store could not be read, or {@code null} when it could
   */
  private record StoreRead(@Nullable Entry entry, @Nullable RuntimeException error) {}

  private PolicyResolver(Builder b) {
    this.discoverer = b.discoverer;
    this.store = b.store;
    this.clock = b.clock;
    this.step = new ResolverStep(b.minIdCheck, b.maxIdCheck, b.fetchBackoff, b.refreshInterval,
        b.warnAfterFailures);
    this.fetchBackoff = b.fetchBackoff;
    this.refreshInterval = b.refreshInterval;
    this.background = b.background;
    this.owner = b.owner;
    this.listener = b.listener;
    this.storeReadTimeout = b.storeReadTimeout;
    this.storeWriteWait = b.storeWriteWait;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newCachedThreadPool(daemon("mtasts-resolver"));
      this.executor = ownedExecutor;
    }
    this.refreshPermits = new Semaphore(b.refreshConcurrency);
    this.memory = Caffeine.newBuilder()
        .maximumSize(b.maximumDomains)
        .executor(Runnable::run)
        .removalListener((String domain, Entry entry, RemovalCause cause) -> {
          if (cause == RemovalCause.SIZE && domain != null && entry != null) {
            boolean fresh = entry.freshAt(clock.instant());
            listener.onEviction(domain, fresh);
          }
        })
        .build();
    warmStart();
    if (refreshInterval.isZero()) {
      this.scheduler = null;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("mtasts-refresh"));
      long tick = 60_000; // how often due refreshes are looked for
      scheduler.scheduleWithFixedDelay(this::proactiveTick, tick, tick, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Starts a builder. {@link MtaSts#builder()} builds a resolver itself; build one directly only for
   * tools that show or repair the cache.
   *
   * @param discoverer discovers policies (its DNS client and fetcher are the resolver's I/O)
   * @return a new builder
   */
  public static Builder builder(PolicyDiscoverer discoverer) {
    return new Builder(discoverer);
  }

  /**
   * Returns this resolver as the policy source of a facade.
   *
   * @return a view whose lookups are {@link #lookupAsync(String)} and {@link #recheckAsync(String)}
   */
  public PolicySource asPolicySource() {
    return new PolicySource() {
      @Override
      public CompletableFuture<PolicyState> lookupAsync(String domain) {
        return PolicyResolver.this.lookupAsync(domain).thenApply(Resolution::state);
      }

      @Override
      public CompletableFuture<PolicyState> recheckAsync(String domain) {
        return PolicyResolver.this.recheckAsync(domain).thenApply(Resolution::state);
      }
    };
  }

  /**
   * Resolves the policy of a domain, saying how the resolver got there.
   *
   * @param domain the policy domain; U-labels are converted to A-labels
   * @return the resolution; the future completes normally for every DNS, HTTPS and store outcome
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<Resolution> lookupAsync(String domain) {
    // Keys are normalised names, so a hit on the name as given needs no normalising (the usual
    // case: MTAs pass lower-case A-labels); anything else is normalised and looked up again.
    Entry e = memory.getIfPresent(domain);
    String d = e != null ? domain : HostName.normalize(domain);
    if (e == null) {
      e = memory.getIfPresent(d);
    }
    ResolverStep.Serve serve = ResolverStep.serve(e, clock.instant());
    if (serve != ResolverStep.Serve.MISS) {
      if (serve == ResolverStep.Serve.HIT_AND_CHECK_ID) {
        refresh(d, false);
      }
      listener.onLookup(d, true);
      return CompletableFuture.completedFuture(e.hit());
    }
    listener.onLookup(d, false);
    if (background) {
      // Nothing fresh in memory is not "nothing known": the store may hold the policy (evicted
      // from memory, or written by another MTA), so it is read before the answer.
      return readStore(d).thenApply(read -> answerInBackground(d, read));
    }
    return refresh(d, false);
  }

  /**
   * Resolves the policy of a domain as {@link #lookupAsync(String)} does, but when a fresh cached
   * policy is due for its TXT id check, waits for that check instead of answering from memory at
   * once. For one-shot tools, which would otherwise end before the check.
   *
   * @param domain the policy domain; U-labels are converted to A-labels
   * @return the resolution, after the id check when one was due
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<Resolution> lookupCheckedAsync(String domain) {
    String d = HostName.normalize(domain);
    Entry e = memory.getIfPresent(d);
    if (ResolverStep.serve(e, clock.instant()) == ResolverStep.Serve.HIT_AND_CHECK_ID) {
      listener.onLookup(d, false);
      return refresh(d, false);
    }
    return lookupAsync(d);
  }

  private Resolution answerInBackground(String d, StoreRead read) {
    Instant now = clock.instant();
    Entry stored = read.entry();
    if (ResolverStep.serve(stored, now) != ResolverStep.Serve.MISS) {
      // Another lookup may have put a fresher entry meanwhile: that one wins.
      Entry held = memory.asMap().putIfAbsent(d, stored);
      Entry e = ResolverStep.serve(held, now) != ResolverStep.Serve.MISS ? held : stored;
      if (ResolverStep.serve(e, now) == ResolverStep.Serve.HIT_AND_CHECK_ID) {
        refresh(d, false);
      }
      return e.hit();
    }
    refresh(d, false, read); // the store was just read: not again
    return ResolverStep.undiscovered(d, read.error());
  }

  /**
   * Blocking form of {@link #lookupAsync(String)}.
   *
   * @param domain the policy domain
   * @return the resolution
   */
  public Resolution lookup(String domain) {
    return Futures.join(lookupAsync(domain));
  }

  /**
   * Checks the TXT id now, whatever the interval, and fetches a changed policy (RFC 8461 section
   * 5.1, step 3); an MTA does so before it fails a message for good. A fetch that failed for the
   * same id within the back-off period is not repeated.
   *
   * @param domain the policy domain
   * @return the resolution after the check
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<Resolution> recheckAsync(String domain) {
    return refresh(HostName.normalize(domain), false);
  }

  /**
   * Fetches the policy now, whatever the TXT id and the back-off, as proactive refresh does. When
   * the TXT record is gone or its lookup fails, a cached policy is fetched under its cached id
   * (RFC 8461 section 10.2) and a success extends it; a failed fetch changes nothing.
   *
   * @param domain the policy domain
   * @return the resolution after the fetch
   * @throws IllegalArgumentException when {@code domain} is not a valid domain name
   */
  public CompletableFuture<Resolution> refreshAsync(String domain) {
    return refresh(HostName.normalize(domain), true);
  }

  /**
   * Returns how many domains are held in memory.
   *
   * @return the count (approximate while lookups run)
   */
  public long size() {
    memory.cleanUp();
    return memory.estimatedSize();
  }

  /**
   * Forgets a domain in memory and in the store (for operators repairing a cache).
   *
   * @param domain the policy domain
   * @return {@code true} when the store held it
   */
  public boolean purge(String domain) {
    String d = HostName.normalize(domain);
    memory.invalidate(d);
    return store.delete(d);
  }

  /**
   * Stops proactive refresh and the resolver's own threads; the store stays open. Store writes
   * still running are waited for, up to the {@linkplain Builder#storeTimeouts store write wait}.
   */
  @Override
  public void close() {
    closed = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    try {
      storeWrites().get(storeWriteWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn("closing the resolver while store writes still run");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private CompletableFuture<Resolution> refresh(String d, boolean force) {
    return refresh(d, force, null);
  }

  /**
   * Resolves a domain once, however many ask: the TXT lookup and, when due, the fetch.
   *
   * @param read what the store holds, when the caller has just read it; else it is read when
   *     memory holds nothing
   */
  private CompletableFuture<Resolution> refresh(String d, boolean force,
      @Nullable StoreRead read) {
    CompletableFuture<Resolution> running = inFlight.get(d);
    if (running != null) {
      return running;
    }
    CompletableFuture<Resolution> mine = new CompletableFuture<>();
    running = inFlight.putIfAbsent(d, mine);
    if (running != null) {
      return running;
    }
    try {
      executor.execute(() -> {
        CompletableFuture<Resolution> work;
        try {
          work = doRefresh(d, force, read);
        } catch (RuntimeException ex) {
          work = CompletableFuture.failedFuture(ex);
        }
        work.whenComplete((r, t) -> {
          inFlight.remove(d, mine);
          if (t != null) {
            if (closed) {
              LOG.debug("resolving the policy of {} stopped: the resolver is closed", d);
            } else {
              LOG.error("resolving the policy of {} failed unexpectedly", d, t);
            }
            mine.completeExceptionally(t);
          } else {
            mine.complete(r);
          }
        });
      });
    } catch (RuntimeException rejected) {
      inFlight.remove(d, mine);
      mine.completeExceptionally(rejected);
    }
    return mine;
  }

  private CompletableFuture<Resolution> doRefresh(String d, boolean force,
      @Nullable StoreRead stored) {
    Entry e = memory.getIfPresent(d);
    CompletableFuture<StoreRead> read = e != null
        ? CompletableFuture.completedFuture(new StoreRead(e, null))
        : stored != null ? CompletableFuture.completedFuture(stored) : readStore(d);
    return read.thenCompose(r -> discoverer.lookupRecordAsync(d).thenCompose(lookup -> {
      ResolverStep.Known known = new ResolverStep.Known(d, r.entry(), r.error());
      ResolverStep.Next next = step.afterLookup(known, lookup, force, clock.instant());
      if (next instanceof ResolverStep.Fetch fetch) {
        return discoverer.fetchPolicyAsync(d).thenApplyAsync(result ->
            apply(d, step.afterFetch(known, fetch, result, clock.instant())), executor);
      }
      return CompletableFuture.completedFuture(apply(d, (ResolverStep.Answer) next));
    }));
  }

  /** Carries out a step: remembers its entry, then its effects in order; returns its answer. */
  private Resolution apply(String d, ResolverStep.Answer answer) {
    if (answer.remember() != null) {
      memory.put(d, answer.remember());
    }
    for (ResolverStep.Effect effect : answer.effects()) {
      apply(d, effect);
    }
    return answer.resolution();
  }

  private void apply(String d, ResolverStep.Effect effect) {
    if (effect instanceof ResolverStep.Effect.Save save) {
      saveInBackground(d, save.policy());
    } else if (effect instanceof ResolverStep.Effect.ReportFetched fetched) {
      listener.onFetched(d, fetched.policy());
    } else if (effect instanceof ResolverStep.Effect.ReportPolicyChange change) {
      reportChange(d, change);
    } else if (effect instanceof ResolverStep.Effect.ReportRefreshFailure failure) {
      listener.onRefreshFailure(d, failure.failure(), failure.consecutive(), failure.cached());
    } else if (effect instanceof ResolverStep.Effect.WarnRefreshesFailing warn) {
      LOG.warn("refreshing the MTA-STS policy of {} failed {} times in a row ({}); the cached"
          + " {} policy stays in force until {}", d, warn.consecutive(),
          warn.failure().resultType(), warn.cached().policy().mode(), warn.cached().expiresAt());
    } else if (effect instanceof ResolverStep.Effect.ReportSuspiciousEntry suspicious) {
      CachedPolicy p = suspicious.stored();
      LOG.warn("the stored MTA-STS policy of {} claims to have been fetched at {}, in the"
          + " future; a clock ran ahead: taking it as fetched now and checking its id", d,
          p.fetchedAt());
      listener.onSuspiciousEntry(d, p);
    }
  }

  private void reportChange(String d, ResolverStep.Effect.ReportPolicyChange c) {
    CachedPolicy before = c.before();
    CachedPolicy after = c.after();
    switch (c.change()) {
      case MODE_WEAKENED -> LOG.warn("the MTA-STS mode of {} was weakened from {} to {}", d,
          before.policy().mode(), after.policy().mode());
      case MX_CHANGED -> LOG.info("the MTA-STS mx patterns of {} changed from {} to {}", d,
          before.policy().mx(), after.policy().mx());
      case CHANGED_WITHOUT_NEW_ID -> LOG.warn("the MTA-STS policy of {} changed while its id {}"
          + " did not; senders with the old policy cached keep it until max_age", d, after.id());
    }
    listener.onPolicyChange(d, c.change(), before, after);
  }

  /**
   * Reads a domain's entry from the store on the executor, waiting at most the store read timeout:
   * a store that hangs answers as one that fails.
   */
  private CompletableFuture<StoreRead> readStore(String d) {
    CompletableFuture<StoreRead> read;
    try {
      read = CompletableFuture.supplyAsync(() -> store.load(d), executor)
          .thenApply(stored -> new StoreRead(stored.map(this::remembered).orElse(null), null));
    } catch (RuntimeException rejected) {
      read = CompletableFuture.failedFuture(rejected);
    }
    return read.orTimeout(storeReadTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(t -> {
          Throwable cause = t instanceof CompletionException && t.getCause() != null
              ? t.getCause() : t;
          RuntimeException ex = cause instanceof java.util.concurrent.TimeoutException
              ? new PolicyStoreException(PolicyStoreException.Reason.IO, d, "policy store",
                  "no answer within " + storeReadTimeout.toMillis() + " ms", cause)
              : cause instanceof RuntimeException r ? r : new CompletionException(cause);
          LOG.error("reading the stored policy of {} failed: {}", d, ex.getMessage());
          listener.onStoreError(d, ex);
          return new StoreRead(null, ex);
        });
  }

  /**
   * Turns a stored policy into what the resolver remembers (see {@link ResolverStep#recall}),
   * reporting one fetched "in the future".
   */
  private Entry remembered(CachedPolicy p) {
    ResolverStep.Recalled recalled = ResolverStep.recall(p, clock.instant());
    for (ResolverStep.Effect effect : recalled.effects()) {
      apply(p.domain(), effect);
    }
    return recalled.entry();
  }

  /**
   * Writes a fetched policy to the store on the executor: no lookup waits for a store write. A
   * write the store refuses or fails is logged and reported, never ignored.
   */
  private void saveInBackground(String d, CachedPolicy fresh) {
    CompletableFuture<Void> write;
    try {
      write = CompletableFuture.runAsync(() -> save(d, fresh), executor);
    } catch (RuntimeException rejected) {
      save(d, fresh);
      return;
    }
    pendingWrites.add(write);
    write.whenComplete((v, t) -> pendingWrites.remove(write));
  }

  private void save(String d, CachedPolicy fresh) {
    try {
      if (!store.save(fresh)) {
        LOG.warn("the policy store kept a later entry for {} instead of the policy fetched at {};"
            + " the fetched policy is applied from memory", d, fresh.fetchedAt());
        listener.onStoreWriteRefused(d, fresh);
      }
    } catch (RuntimeException ex) {
      if (ex instanceof PolicyStoreException refused
          && refused.reason() == PolicyStoreException.Reason.LOCKED) {
        // A store that does not take writes by design (a file store opened read-only beside the
        // MTA that holds it): nothing failed, the policy just lives in memory only.
        LOG.debug("the policy store does not take writes; the policy of {} is applied from memory"
            + " only: {}", d, ex.getMessage());
      } else {
        LOG.error("storing the policy of {} failed; it is applied from memory: {}", d,
            ex.getMessage());
      }
      listener.onStoreError(d, ex);
    }
  }

  /**
   * Returns a future that completes when the store writes started so far are done.
   *
   * @return the writes' completion
   */
  CompletableFuture<Void> storeWrites() {
    return CompletableFuture.allOf(pendingWrites.toArray(new CompletableFuture<?>[0]));
  }

  private void warmStart() {
    LoadedPolicies loaded;
    try {
      loaded = store.loadAll();
    } catch (RuntimeException ex) {
      LOG.error("reading the policy store failed; starting with an empty memory: {}",
          ex.getMessage());
      return;
    }
    for (StoreProblem problem : loaded.problems()) {
      LOG.warn("policy store: {}", problem);
    }
    Instant now = clock.instant();
    for (CachedPolicy p : loaded.policies()) {
      Entry e = remembered(p);
      if (e.freshAt(now)) {
        memory.put(p.domain(), e);
      }
    }
  }

  private void proactiveTick() {
    runProactiveRefresh();
  }

  /**
   * Starts the proactive refreshes that are due now; the scheduler calls it every tick.
   *
   * @return completes when the refreshes started by this call are done
   */
  CompletableFuture<Void> runProactiveRefresh() {
    List<CompletableFuture<Void>> started = new ArrayList<>();
    if (refreshInterval.isZero()) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      Instant now = clock.instant();
      for (Map.Entry<String, Entry> me : memory.asMap().entrySet()) {
        String d = me.getKey();
        Entry e = me.getValue();
        if (inFlight.containsKey(d) || !step.proactiveRefreshDue(d, e, now)
            || !refreshPermits.tryAcquire()) {
          continue;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        started.add(done);
        executor.execute(() -> proactiveRefresh(d, e)
            .whenComplete((v, t) -> done.complete(null)));
      }
    } catch (RuntimeException ex) {
      LOG.error("proactive refresh failed unexpectedly", ex);
    }
    return CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0]));
  }


  private CompletableFuture<Void> proactiveRefresh(String d, Entry held) {
    Optional<Lease> lease;
    try {
      lease = store.tryLease(d, owner, fetchBackoff.plus(Duration.ofMinutes(1)));
    } catch (RuntimeException ex) {
      refreshPermits.release();
      listener.onStoreError(d, ex);
      return CompletableFuture.completedFuture(null);
    }
    if (lease.isEmpty()) {
      refreshPermits.release();
      adoptNewerStored(d, held);
      return CompletableFuture.completedFuture(null);
    }
    return refresh(d, true).handle((r, t) -> {
      refreshPermits.release();
      try {
        store.release(lease.get());
      } catch (RuntimeException ex) {
        listener.onStoreError(d, ex);
      }
      return null;
    });
  }


  /**
   * Takes the policy another MTA of the fleet stored, when fetched later than the one held (see
   * {@link ResolverStep#adopt}).
   */
  private void adoptNewerStored(String d, Entry held) {
    try {
      Optional<CachedPolicy> stored = store.load(d);
      ResolverStep.Recalled adopted = stored.isEmpty() ? null
          : ResolverStep.adopt(held, stored.get(), clock.instant());
      if (adopted == null) {
        return;
      }
      for (ResolverStep.Effect effect : adopted.effects()) {
        apply(d, effect);
      }
      // Only over the entry the decision was taken on: a lookup may have replaced it meanwhile.
      memory.asMap().replace(d, held, adopted.entry());
    } catch (RuntimeException ex) {
      listener.onStoreError(d, ex);
    }
  }


  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds a {@link PolicyResolver}. */
  public static final class Builder {
    private final PolicyDiscoverer discoverer;
    private PolicyStore store = NoStore.INSTANCE;
    private Clock clock = Clock.systemUTC();
    private Duration minIdCheck = Duration.ofMinutes(1);
    private Duration maxIdCheck = Duration.ofHours(1);
    private Duration fetchBackoff = Duration.ofMinutes(5);
    private Duration refreshInterval = Duration.ofDays(1);
    private int refreshConcurrency = 4;
    private int warnAfterFailures = 3;
    private long maximumDomains = 100_000;
    private boolean background;
    private String owner = "mtasts-" + UUID.randomUUID();
    private ResolverListener listener = ResolverListener.NONE;
    private @Nullable Executor executor;
    private Duration storeReadTimeout = Duration.ofSeconds(5);
    private Duration storeWriteWait = Duration.ofSeconds(5);

    private Builder(PolicyDiscoverer discoverer) {
      this.discoverer = Objects.requireNonNull(discoverer, "discoverer");
    }

    /**
     * Sets where policies survive restarts; by default nothing is persisted.
     *
     * @param store the store; it stays open when the resolver is closed
     * @return this builder
     */
    public Builder store(PolicyStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the clock that decides freshness, intervals and back-off.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the bounds of the TXT id re-check interval; within them the record's DNS TTL applies.
     * Defaults: 1 minute and 1 hour.
     *
     * @param min the shortest interval
     * @param max the longest interval
     * @return this builder
     * @throws IllegalArgumentException when {@code min} is negative or above {@code max}
     */
    public Builder idCheckInterval(Duration min, Duration max) {
      if (min.isNegative() || min.compareTo(max) > 0) {
        throw new IllegalArgumentException("need 0 <= min <= max");
      }
      this.minIdCheck = min;
      this.maxIdCheck = max;
      return this;
    }

    /**
     * Sets how long after a failed fetch no new fetch is made for the same id (RFC 8461 section
     * 3.3 asks for five minutes or longer). Default: 5 minutes.
     *
     * @param backoff the back-off
     * @return this builder
     */
    public Builder fetchBackoff(Duration backoff) {
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("backoff must not be negative");
      }
      this.fetchBackoff = backoff;
      return this;
    }

    /**
     * Sets how often each cached policy is fetched again in the background (default: once a day;
     * sooner for a policy whose max_age is shorter than twice the interval). {@link Duration#ZERO}
     * turns proactive refresh off.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder proactiveRefresh(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval must not be negative");
      }
      this.refreshInterval = interval;
      return this;
    }


    /**
     * Sets how many proactive refreshes may run at once (default 4).
     *
     * @param n the limit
     * @return this builder
     */
    public Builder refreshConcurrency(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("need at least 1");
      }
      this.refreshConcurrency = n;
      return this;
    }

    /**
     * Sets after how many refresh failures in a row a warning is logged (default 3).
     *
     * @param n the count
     * @return this builder
     */
    public Builder warnAfterFailures(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("need at least 1");
      }
      this.warnAfterFailures = n;
      return this;
    }

    /**
     * Sets how many domains are held in memory (default 100,000). Beyond it the least valuable
     * entries are evicted, reported through {@link ResolverListener#onEviction}, and read back
     * from the store when needed again.
     *
     * @param n the maximum
     * @return this builder
     */
    public Builder maximumDomains(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("need at least 1");
      }
      this.maximumDomains = n;
      return this;
    }

    /**
     * Background mode (RFC 8461 Appendix B): a lookup of a domain with nothing fresh in memory
     * reads the store and, when that holds nothing fresh either, answers "not discovered yet" and
     * discovers in the background, so delivery never waits for DNS or HTTPS. Off by default.
     *
     * @param background whether to discover in the background
     * @return this builder
     */
    public Builder backgroundDiscovery(boolean background) {
      this.background = background;
      return this;
    }

    /**
     * Names this MTA for refresh leases in a shared store (default: a random name).
     *
     * @param owner the name
     * @return this builder
     */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /**
     * Sets the listener for lookups, fetches, failures, evictions and policy changes.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ResolverListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the executor for store reads and completions (default: the resolver's own daemon
     * threads).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets how long a lookup waits for a store read before it answers as if the store had failed
     * (a temporary failure when nothing else is known; the store is read again next time), and how
     * long {@link PolicyResolver#close()} waits for store writes still running. Lookups never wait
     * for store writes. Defaults: 5 seconds each.
     *
     * @param read the longest wait for a store read; positive
     * @param writeOnClose the longest wait for running writes on close; not negative
     * @return this builder
     * @throws IllegalArgumentException when a duration is out of range
     */
    public Builder storeTimeouts(Duration read, Duration writeOnClose) {
      if (read.isNegative() || read.isZero() || writeOnClose.isNegative()) {
        throw new IllegalArgumentException("need read > 0 and writeOnClose >= 0");
      }
      this.storeReadTimeout = read;
      this.storeWriteWait = writeOnClose;
      return this;
    }

    /**
     * Builds the resolver: reads the store once (warm start) and starts proactive refresh.
     *
     * @return the resolver
     */
    public PolicyResolver build() {
      return new PolicyResolver(this);
    }
  }
}
