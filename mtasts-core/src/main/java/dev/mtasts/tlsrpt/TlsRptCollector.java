package dev.mtasts.tlsrpt;

import dev.mtasts.result.ResultType;
import dev.mtasts.result.Failure;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.decision.VerdictEvent;
import dev.mtasts.decision.VerdictListener;
import dev.mtasts.internal.Ip;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.Policy;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts TLS sessions for TLS-RPT (RFC 8460): per policy domain, UTC day and applied policy, the
 * successful sessions and the failed ones, with failure details keyed by result type, sending IP,
 * receiving MX host, receiving IP, EHLO name and failure reason code.
 *
 * <p>It is a {@link VerdictListener}: given to a {@link TlsRptReporter.Builder#collector
 * TlsRptReporter} that is added with {@link dev.mtasts.decision.MtaSts.Builder#reporting
 * MtaSts.Builder.reporting}, it sees every verdict of the decision API, so an MTA has nothing more
 * to call per delivery. Pass {@link SessionDetails} to the {@code verify} and {@code
 * starttlsNotSupported} overloads that take them to get addresses and EHLO names into the report
 * (the trust manager of {@link dev.mtasts.decision.MtaSts#trustManager} takes the addresses from
 * its socket). MTAs that validate DANE themselves count those sessions with {@link
 * #success(AppliedPolicy)} and {@link #failure(AppliedPolicy, SessionFailure)}.
 *
 * <p>How a verdict is counted:
 *
 * <ul>
 *   <li>An applied {@code testing} or {@code enforce} policy ({@code sts} with its policy strings and
 *       {@code mx} patterns): success when the verdict delivers, else a failure with the verdict's
 *       result type. When the policy was applied from the cache because a refresh failed, that
 *       failure is added as an overlapping failure detail (RFC 8460 section 4 allows overlaps).
 *   <li>A policy the domain announces but that could not be fetched ({@code sts} with no policy
 *       strings, docs/decisions.md, decision 11): a failure with the fetch's result type.
 *   <li>A policy that was fetched but is invalid ({@code sts} with the policy's lines as received,
 *       at most 32 of at most 256 characters, docs/decisions.md, decision 11): a failure {@code sts-policy-invalid}
 *       whose {@code failure-reason-code} is the parser's first error.
 *   <li>No policy, a {@code none} policy, or a TXT lookup that failed ({@code no-policy-found}):
 *       success, unless the session itself failed (no STARTTLS, a failed handshake).
 *   <li>Not counted: sessions that deliver a TLS-RPT report ({@link
 *       SessionDetails#tlsReportDelivery()}, RFC 8460 section 5.3.1), and DANE failures, which
 *       belong to a {@code tlsa} policy that the MTA reports.
 * </ul>
 *
 * <p>Thread-safe and cheap: there is no lock on the path of a delivery. Counts live in a concurrent
 * map of per (day, domain) entries holding {@link LongAdder} counters; the applied policy is found by
 * reference when the policy source hands out the same {@link Policy} instance (the cache does). The
 * number of distinct failure details per applied policy is capped; beyond the cap new details are
 * counted without addresses and EHLO name.
 *
 * <p>With a {@link TlsRptStore} the counts survive restarts: they are loaded when the collector is
 * built, saved periodically and on {@link #close()}.
 */
public final class TlsRptCollector implements VerdictListener, AutoCloseable {
  /** The default cap on distinct failure details per applied policy and day. */
  public static final int DEFAULT_MAX_FAILURE_DETAILS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(TlsRptCollector.class);
  private static final long DAY_MILLIS = 86_400_000L;
  private static final int MAX_HELO = 255;
  private static final Object NO_POLICY = new Object();
  private static final Object STS_UNAVAILABLE = new Object();

  private final Clock clock;
  private final Optional<TlsRptStore> store;
  private final int maxFailureDetails;
  private final ConcurrentHashMap<DayDomain, DomainDay> days = new ConcurrentHashMap<>();
  private final Object flushLock = new Object();
  private final ScheduledExecutorService flusher;

  private TlsRptCollector(Builder b) throws IOException {
    this.clock = b.clock;
    this.store = Optional.ofNullable(b.store);
    this.maxFailureDetails = b.maxFailureDetails;
    if (b.store != null) {
      for (DailyCounts counts : b.store.loadCounts()) {
        add(counts);
      }
    }
    if (b.store != null && !b.flushInterval.isZero()) {
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tlsrpt-collector-flush");
        t.setDaemon(true);
        return t;
      });
      long ms = b.flushInterval.toMillis();
      flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      flusher = null;
    }
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------- hot path

  @Override
  public void onVerdict(VerdictEvent event) {
    SessionDetails session = event.session();
    if (session.tlsReportDelivery()) {
      return;
    }
    Verdict verdict = event.verdict();
    Failure failed = verdict instanceof Verdict.Refuse r ? r.failure()
        : verdict instanceof Verdict.DeliverAndReport d ? d.failure() : null;
    if (failed != null && failed.resultType() == ResultType.TLSA_INVALID) {
      return;
    }
    PolicyLookup lookup = event.lookup();
    PolicyState state = lookup.state();
    String domain = state.domain();
    DomainDay dd = domainDay(today(), domain);
    PolicyLookup.Status status = lookup.status();
    if (state instanceof PolicyState.Applied applied
        && (status == PolicyLookup.Status.ENFORCE || status == PolicyLookup.Status.TESTING)) {
      Policy policy = applied.policy();
      Aggregate agg = dd.find(policy);
      if (agg == null) {
        agg = dd.findOrAdd(AppliedPolicy.sts(domain, policy), policy);
      }
      if (failed == null) {
        agg.success.increment();
      } else {
        agg.failure.increment();
        agg.detail(sessionFailure(failed, event), maxFailureDetails);
      }
      if (applied.refreshFailure().isPresent()) {
        agg.detail(sessionFailure(applied.refreshFailure().get(), event), maxFailureDetails);
      }
    } else if (state instanceof PolicyState.PolicyFailure unusable) {
      // An invalid policy is reported with its lines as received (docs/decisions.md, decision 11); its key is the
      // list instance the failure carries, so repeated deliveries find it by reference.
      List<String> received = unusable.failure().receivedPolicy();
      Object key = received.isEmpty() ? STS_UNAVAILABLE : received;
      Aggregate agg = dd.find(key);
      if (agg == null) {
        agg = dd.findOrAdd(received.isEmpty() ? AppliedPolicy.stsUnavailable(domain)
            : AppliedPolicy.stsInvalid(domain, received), key);
      }
      agg.failure.increment();
      agg.detail(sessionFailure(unusable.failure(), event), maxFailureDetails);
      if (event.sessionFailure().isPresent()) {
        agg.detail(sessionFailure(event.sessionFailure().get(), event), maxFailureDetails);
      }
    } else {
      Aggregate agg = dd.find(NO_POLICY);
      if (agg == null) {
        agg = dd.findOrAdd(AppliedPolicy.noPolicyFound(domain), NO_POLICY);
      }
      if (event.sessionFailure().isEmpty()) {
        agg.success.increment();
      } else {
        agg.failure.increment();
        agg.detail(sessionFailure(event.sessionFailure().get(), event), maxFailureDetails);
      }
    }
  }

  /**
   * Counts a successful session under an applied policy, today; for sessions the decision API does
   * not see, such as DANE ({@link AppliedPolicy#tlsa}).
   *
   * @param policy the applied policy
   */
  public void success(AppliedPolicy policy) {
    aggregate(policy).success.increment();
  }

  /**
   * Counts a failed session under an applied policy, today.
   *
   * @param policy the applied policy
   * @param failure what failed
   */
  public void failure(AppliedPolicy policy, SessionFailure failure) {
    Objects.requireNonNull(failure, "failure");
    Aggregate agg = aggregate(policy);
    agg.failure.increment();
    agg.detail(failure, maxFailureDetails);
  }

  /**
   * Adds counts, for example those another MTA of a fleet collected, or those of a store.
   *
   * @param counts the counts to add
   */
  public void add(DailyCounts counts) {
    AppliedPolicy policy = counts.result().policy();
    DomainDay dd = domainDay(counts.day().toEpochDay(), policy.policyDomain());
    Aggregate agg = dd.findOrAdd(policy, null);
    agg.success.add(counts.result().totalSuccessfulSessionCount());
    agg.failure.add(counts.result().totalFailureSessionCount());
    for (FailureDetail d : counts.result().failureDetails()) {
      agg.details.computeIfAbsent(d.failure(), k -> new LongAdder()).add(d.failedSessionCount());
    }
  }

  private Aggregate aggregate(AppliedPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    DomainDay dd = domainDay(today(), policy.policyDomain());
    Aggregate agg = dd.find(policy);
    return agg != null ? agg : dd.findOrAdd(policy, policy);
  }

  private long today() {
    return Math.floorDiv(clock.millis(), DAY_MILLIS);
  }

  private DomainDay domainDay(long day, String domain) {
    DayDomain key = new DayDomain(day, domain);
    DomainDay dd = days.get(key);
    return dd != null ? dd : days.computeIfAbsent(key, k -> new DomainDay());
  }

  /** The key of a failure on the delivery path: raw values, formatted only for a snapshot. */
  private static RawFailure sessionFailure(Failure f, VerdictEvent event) {
    SessionDetails s = event.session();
    return new RawFailure(f.resultType(), f.failureReasonCode(), event.mxHost(),
        s.sendingMtaIp().orElse(null), s.receivingIp().orElse(null),
        s.receivingMxHelo().orElse(null));
  }

  private record RawFailure(ResultType resultType, String failureReasonCode, String mxHost,
      InetAddress sendingMtaIp, InetAddress receivingIp, String helo) {
    SessionFailure toSessionFailure() {
      return new SessionFailure(resultType, Optional.of(failureReasonCode),
          TlsRptCollector.mxHost(mxHost), Optional.ofNullable(sendingMtaIp).map(Ip::format),
          Optional.ofNullable(receivingIp).map(Ip::format),
          Optional.ofNullable(helo).map(TlsRptCollector::helo));
    }

    RawFailure coarse() {
      return new RawFailure(resultType, failureReasonCode, mxHost, null, null, null);
    }
  }

  private static String mxHost(String host) {
    Optional<HostName> name = HostName.parse(host);
    return name.isPresent() ? name.get().value() : helo(host);
  }

  /** Keeps untrusted greeting text short and printable ASCII. */
  private static String helo(String text) {
    int n = Math.min(text.length(), MAX_HELO);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      sb.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------- reading

  /**
   * Returns all counts held, sorted by day, domain and applied policy.
   *
   * @return a copy of the counts
   */
  public List<DailyCounts> snapshot() {
    List<DailyCounts> out = new ArrayList<>();
    for (Map.Entry<DayDomain, DomainDay> e : days.entrySet()) {
      LocalDate day = LocalDate.ofEpochDay(e.getKey().day());
      for (Aggregate agg : e.getValue().aggregates) {
        out.add(new DailyCounts(day, agg.result()));
      }
    }
    out.sort(Comparator.comparing(DailyCounts::day)
        .thenComparing(c -> c.result().policy().policyDomain())
        .thenComparing(c -> c.result().policy(), POLICY_ORDER));
    return out;
  }

  /**
   * Returns the days with counts, oldest first.
   *
   * @return the days
   */
  public List<LocalDate> days() {
    TreeSet<LocalDate> out = new TreeSet<>();
    for (DayDomain key : days.keySet()) {
      out.add(LocalDate.ofEpochDay(key.day()));
    }
    return List.copyOf(out);
  }

  /**
   * Returns the policy domains with counts on a day.
   *
   * @param day the UTC day
   * @return the domains, sorted
   */
  public List<String> domains(LocalDate day) {
    TreeSet<String> out = new TreeSet<>();
    long d = day.toEpochDay();
    for (DayDomain key : days.keySet()) {
      if (key.day() == d) {
        out.add(key.domain());
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns the counts of one policy domain on one day.
   *
   * @param day the UTC day
   * @param domain the policy domain
   * @return one entry per applied policy, sorted; empty when there are no counts
   */
  public List<PolicyResult> results(LocalDate day, String domain) {
    DomainDay dd = days.get(new DayDomain(day.toEpochDay(), normal(domain)));
    return dd == null ? List.of() : dd.results();
  }

  /**
   * Removes and returns the counts of one policy domain on one day, once its report is built (or
   * when the domain wants no reports). Call it only for a day that is over.
   *
   * @param day the UTC day
   * @param domain the policy domain
   * @return one entry per applied policy, sorted; empty when there were no counts
   */
  public List<PolicyResult> drain(LocalDate day, String domain) {
    DomainDay dd = days.remove(new DayDomain(day.toEpochDay(), normal(domain)));
    return dd == null ? List.of() : dd.results();
  }

  private static String normal(String domain) {
    return HostName.parse(domain).map(HostName::value).orElse(domain);
  }

  // ---------------------------------------------------------------------------------- persistence

  /**
   * Saves all counts to the store now (also done periodically and on close).
   *
   * @throws IOException when the store fails
   */
  public void flush() throws IOException {
    if (store.isEmpty()) {
      return;
    }
    synchronized (flushLock) {
      store.get().saveCounts(snapshot());
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (IOException | RuntimeException e) {
      LOG.warn("TLS-RPT counts could not be saved: {}", e.toString());
    }
  }

  /** Stops the periodic save and saves the counts a last time. */
  @Override
  public void close() {
    if (flusher != null) {
      flusher.shutdownNow();
    }
    flushQuietly();
  }

  // ---------------------------------------------------------------------------------- internals

  private static final Comparator<AppliedPolicy> POLICY_ORDER =
      Comparator.comparing(AppliedPolicy::policyType)
          .thenComparing(p -> p.policyString().isEmpty())
          .thenComparing(p -> String.join("\n", p.policyString()));

  private static final Comparator<FailureDetail> DETAIL_ORDER = Comparator
      .comparing((FailureDetail d) -> d.failure().resultType().token())
      .thenComparing(d -> d.failure().receivingMxHostname())
      .thenComparing(d -> d.failure().sendingMtaIp().orElse(""))
      .thenComparing(d -> d.failure().receivingIp().orElse(""))
      .thenComparing(d -> d.failure().receivingMxHelo().orElse(""))
      .thenComparing(d -> d.failure().failureReasonCode().orElse(""));

  private record DayDomain(long day, String domain) {}

  /** The applied policies of one domain on one day; appended to rarely, read on every delivery. */
  private static final class DomainDay {
    private volatile Aggregate[] aggregates = new Aggregate[0];

    Aggregate find(Object fastKey) {
      for (Aggregate a : aggregates) {
        if (a.fastKey == fastKey) {
          return a;
        }
      }
      return null;
    }

    synchronized Aggregate findOrAdd(AppliedPolicy policy, Object fastKey) {
      for (Aggregate a : aggregates) {
        if (a.policy.equals(policy)) {
          if (fastKey != null) {
            a.fastKey = fastKey;
          }
          return a;
        }
      }
      Aggregate a = new Aggregate(policy, fastKey);
      Aggregate[] next = Arrays.copyOf(aggregates, aggregates.length + 1);
      next[next.length - 1] = a;
      aggregates = next;
      return a;
    }

    List<PolicyResult> results() {
      List<PolicyResult> out = new ArrayList<>();
      for (Aggregate a : aggregates) {
        out.add(a.result());
      }
      out.sort(Comparator.comparing(PolicyResult::policy, POLICY_ORDER));
      return out;
    }
  }

  /** The counters of one applied policy on one day. */
  private static final class Aggregate {
    final AppliedPolicy policy;
    /** The object a delivery names this policy by: a Policy instance or a marker. */
    volatile Object fastKey;
    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    /** Keyed by {@link SessionFailure} or, on the delivery path, by {@link RawFailure}. */
    final ConcurrentHashMap<Object, LongAdder> details = new ConcurrentHashMap<>(4);

    Aggregate(AppliedPolicy policy, Object fastKey) {
      this.policy = policy;
      this.fastKey = fastKey;
    }

    void detail(Object key, int max) {
      LongAdder counter = details.get(key);
      if (counter == null) {
        Object k = key;
        if (details.size() >= max) {
          k = key instanceof RawFailure raw ? raw.coarse()
              : coarse((SessionFailure) key);
        }
        counter = details.computeIfAbsent(k, x -> new LongAdder());
      }
      counter.increment();
    }

    private static SessionFailure coarse(SessionFailure key) {
      return new SessionFailure(key.resultType(), key.failureReasonCode(),
          key.receivingMxHostname(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    PolicyResult result() {
      Map<SessionFailure, Long> copy = new LinkedHashMap<>();
      details.forEach((k, v) -> copy.merge(k instanceof RawFailure raw ? raw.toSessionFailure()
          : (SessionFailure) k, v.sum(), Long::sum));
      List<FailureDetail> list = new ArrayList<>(copy.size());
      copy.forEach((k, v) -> list.add(new FailureDetail(k, v, Optional.empty())));
      list.sort(DETAIL_ORDER);
      return new PolicyResult(policy, success.sum(), failure.sum(), list);
    }
  }

  /** Builds a {@link TlsRptCollector}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private TlsRptStore store;
    private Duration flushInterval = Duration.ofMinutes(5);
    private int maxFailureDetails = DEFAULT_MAX_FAILURE_DETAILS;

    private Builder() {}

    /**
     * Sets the clock that says which UTC day a session belongs to.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where counts are kept across restarts; none by default.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(TlsRptStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets how often the counts are saved to the store; 5 minutes by default, {@link Duration#ZERO}
     * for only on {@link #flush()} and {@link #close()}.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder flushInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("the interval must not be negative");
      }
      this.flushInterval = interval;
      return this;
    }

    /**
     * Sets the cap on distinct failure details per applied policy and day.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxFailureDetails(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1");
      }
      this.maxFailureDetails = max;
      return this;
    }

    /**
     * Builds the collector, loading the counts of the store.
     *
     * @return the collector
     * @throws IOException when the store cannot be read
     */
    public TlsRptCollector build() throws IOException {
      return new TlsRptCollector(this);
    }
  }
}
