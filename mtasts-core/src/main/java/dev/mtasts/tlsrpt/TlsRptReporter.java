package dev.mtasts.tlsrpt;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.decision.VerdictEvent;
import dev.mtasts.decision.VerdictListener;
import dev.mtasts.result.ResultType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and delivers the daily TLS-RPT reports (RFC 8460 sections 4.1 and 5): once per UTC day,
 * after a random delay (up to 4 hours by default, so reporters do not all send at midnight), it takes
 * the previous day's counts of every policy domain from the {@link TlsRptCollector}, looks up the
 * domain's {@code _smtp._tls} record, and delivers one report per domain to each {@code rua}: by
 * HTTPS POST, or as an email handed to the MTA's {@link TlsRptMailer}. Domains without a record get
 * no report and their counts are dropped. Failed deliveries are retried with exponential back-off for
 * 24 hours after the report was built (section 5.2), and kept in the {@link TlsRptStore} across
 * restarts.
 *
 * <p>{@link #start()} runs {@link #runDue()} every minute on a daemon thread; tests call {@link
 * #runDue()} themselves with an injected clock, so nothing sleeps.
 */
public final class TlsRptReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsRptReporter.class);
  private static final int BATCH = 32;

  private final TlsRptCollector collector;
  private final TlsRptDiscoverer discoverer;
  private final String organizationName;
  private final String contactInfo;
  private final String mailFrom;
  private final Clock clock;
  private final RandomGenerator random;
  private final Duration maxDelay;
  private final HttpsReportSender https;
  private final TlsRptMailer mailer;
  private final TlsRptStore store;
  private final Duration retryFor;
  private final Duration firstRetry;
  private final Duration maxRetryInterval;
  private final Duration tickInterval;
  private final Supplier<String> reportIds;
  private final BiFunction<String, ResultType, Optional<URI>> additionalInformation;

  private final Object lock = new Object();
  private final List<PendingReport> pending = new ArrayList<>();
  private final Map<LocalDate, Duration> delays = new ConcurrentHashMap<>();
  private final Map<String, LookupRetry> lookupRetries = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private ScheduledExecutorService ticker;

  private record LookupRetry(Instant first, Instant next, int failures) {}

  /**
   * What one {@link #runDue()} did.
   *
   * @param reportsBuilt reports built (one per policy domain with a TLS-RPT record)
   * @param domainsWithoutRecord policy domains whose counts were dropped: no TLS-RPT record
   * @param delivered deliveries that succeeded
   * @param failed deliveries that failed and will be retried
   * @param dropped deliveries given up after 24 hours, or that cannot be made (mailto without a
   *     mailer)
   */
  public record Summary(int reportsBuilt, int domainsWithoutRecord, int delivered, int failed,
      int dropped) {}

  private TlsRptReporter(Builder b) throws IOException {
    this.collector = Objects.requireNonNull(b.collector, "a collector is required");
    this.discoverer = Objects.requireNonNull(b.discoverer, "a discoverer is required");
    this.organizationName = Objects.requireNonNull(b.organizationName,
        "an organization name is required");
    this.contactInfo = Objects.requireNonNull(b.contactInfo, "a contact address is required");
    TlsRptReport.submitterOf(contactInfo);
    this.mailFrom = b.mailFrom != null ? b.mailFrom : contactInfo;
    this.clock = b.clock;
    this.random = b.random;
    this.maxDelay = b.maxDelay;
    this.https = b.https != null ? b.https : HttpsReportSender.builder().build();
    this.mailer = b.mailer;
    this.store = b.store;
    this.retryFor = b.retryFor;
    this.firstRetry = b.firstRetry;
    this.maxRetryInterval = b.maxRetryInterval;
    this.tickInterval = b.tickInterval;
    this.reportIds = b.reportIds;
    this.additionalInformation = b.additionalInformation;
    if (store != null) {
      pending.addAll(store.loadPending());
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

  /** Runs {@link #runDue()} periodically (every minute by default) on a daemon thread. */
  public synchronized void start() {
    if (ticker != null) {
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tlsrpt-reporter");
      t.setDaemon(true);
      return t;
    });
    long ms = tickInterval.toMillis();
    ticker.scheduleWithFixedDelay(() -> {
      try {
        runDue().join();
      } catch (RuntimeException e) {
        LOG.warn("TLS-RPT reporting run failed: {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Returns when the report of a day becomes due: the next midnight UTC plus this day's random delay.
   *
   * @param day the UTC day
   * @return the instant
   */
  public Instant dueAt(LocalDate day) {
    Duration delay = delays.computeIfAbsent(day,
        d -> Duration.ofSeconds(random.nextLong(maxDelay.getSeconds() + 1)));
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(delay);
  }

  /**
   * Returns the reports waiting for delivery.
   *
   * @return a copy
   */
  public List<PendingReport> pending() {
    synchronized (lock) {
      return List.copyOf(pending);
    }
  }

  /**
   * Does what is due now: builds the reports of past days whose delay has passed, then delivers
   * every pending report whose next attempt has come, then saves the pending reports and the counts.
   * A call while another runs does nothing.
   *
   * @return what was done; completes when all lookups and deliveries of this run have finished
   */
  public CompletableFuture<Summary> runDue() {
    if (!running.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(new Summary(0, 0, 0, 0, 0));
    }
    Instant now = clock.instant();
    int[] counts = new int[5];
    CompletableFuture<Void> work;
    try {
      work = buildReports(now, counts).thenCompose(v -> deliver(now, counts));
    } catch (RuntimeException e) {
      running.set(false);
      throw e;
    }
    return work.handle((v, error) -> {
      try {
        if (error != null) {
          LOG.warn("TLS-RPT reporting run failed: {}", error.toString());
        }
        save();
        return new Summary(counts[0], counts[1], counts[2], counts[3], counts[4]);
      } finally {
        running.set(false);
      }
    });
  }

  private CompletableFuture<Void> buildReports(Instant now, int[] counts) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<Map.Entry<LocalDate, String>> due = new ArrayList<>();
    for (LocalDate day : collector.days()) {
      if (!day.isBefore(today) || now.isBefore(dueAt(day))) {
        continue;
      }
      for (String domain : collector.domains(day)) {
        LookupRetry retry = lookupRetries.get(key(day, domain));
        if (retry == null || !now.isBefore(retry.next())) {
          due.add(Map.entry(day, domain));
        }
      }
    }
    delays.keySet().removeIf(d -> d.isBefore(today.minusDays(2)));
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < due.size(); i += BATCH) {
      List<Map.Entry<LocalDate, String>> batch = due.subList(i, Math.min(due.size(), i + BATCH));
      chain = chain.thenCompose(v -> {
        List<CompletableFuture<Void>> lookups = new ArrayList<>(batch.size());
        for (Map.Entry<LocalDate, String> e : batch) {
          lookups.add(discoverer.lookupAsync(e.getValue())
              .handle((lookup, error) -> {
                onLookup(e.getKey(), e.getValue(), lookup, error, now, counts);
                return null;
              }));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new));
      });
    }
    return chain;
  }

  private void onLookup(LocalDate day, String domain, TlsRptLookup lookup, Throwable error,
      Instant now, int[] counts) {
    String key = key(day, domain);
    if (lookup instanceof TlsRptLookup.Found found) {
      lookupRetries.remove(key);
      List<PolicyResult> results = collector.drain(day, domain);
      if (results.isEmpty()) {
        return;
      }
      TlsRptReport report = TlsRptReport.forDay(day, organizationName, contactInfo,
          reportIds.get(), results);
      if (additionalInformation != null) {
        report = report.withAdditionalInformation(additionalInformation);
      }
      byte[] gzip = TlsRptReportWriter.gzip(report);
      String fileName = TlsRptReportWriter.fileName(report);
      synchronized (lock) {
        counts[0]++;
        for (URI uri : found.record().rua()) {
          pending.add(new PendingReport(report.reportId(), domain, report.submitter(), day,
              fileName, gzip, uri, now, now, 0));
        }
      }
      return;
    }
    if (lookup instanceof TlsRptLookup.NotFound) {
      lookupRetries.remove(key);
      collector.drain(day, domain);
      synchronized (lock) {
        counts[1]++;
      }
      return;
    }
    String why = error != null ? error.toString() : ((TlsRptLookup.Failed) lookup).detail();
    LookupRetry previous = lookupRetries.get(key);
    Instant first = previous == null ? now : previous.first();
    if (!now.isBefore(first.plus(retryFor))) {
      lookupRetries.remove(key);
      collector.drain(day, domain);
      LOG.warn("TLS-RPT: gave up looking up the record of {} for {}: {}", domain, day, why);
      return;
    }
    int failures = previous == null ? 0 : previous.failures() + 1;
    lookupRetries.put(key, new LookupRetry(first, now.plus(backoff(failures)), failures));
    LOG.info("TLS-RPT: the record of {} could not be looked up ({}); trying again later", domain,
        why);
  }

  private CompletableFuture<Void> deliver(Instant now, int[] counts) {
    List<PendingReport> due = new ArrayList<>();
    synchronized (lock) {
      for (PendingReport p : pending) {
        if (!now.isBefore(p.nextAttempt())) {
          due.add(p);
        }
      }
    }
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = 0; i < due.size(); i += BATCH) {
      List<PendingReport> batch = due.subList(i, Math.min(due.size(), i + BATCH));
      chain = chain.thenCompose(v -> {
        List<CompletableFuture<Void>> attempts = new ArrayList<>(batch.size());
        for (PendingReport p : batch) {
          attempts.add(attempt(p, now).handle((result, error) -> {
            DeliveryResult r = error != null ? new DeliveryResult(false, error.toString()) : result;
            onAttempt(p, r, now, counts);
            return null;
          }));
        }
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new));
      });
    }
    return chain;
  }

  private CompletableFuture<DeliveryResult> attempt(PendingReport p, Instant now) {
    String scheme = p.destination().getScheme();
    if ("https".equalsIgnoreCase(scheme)) {
      return https.postAsync(p.destination(), p.gzip());
    }
    if (mailer == null) {
      return CompletableFuture.completedFuture(null);
    }
    TlsRptEmail email = TlsRptEmail.of(p, mailFrom, now);
    return mailer.send(email).thenApply(v -> new DeliveryResult(true, "handed to the mailer"));
  }

  private void onAttempt(PendingReport p, DeliveryResult result, Instant now, int[] counts) {
    synchronized (lock) {
      int index = indexOf(p);
      if (index < 0) {
        return;
      }
      if (result == null) {
        pending.remove(index);
        counts[4]++;
        LOG.warn("TLS-RPT: no mailer configured, report {} for {} not sent to {}", p.reportId(),
            p.policyDomain(), p.destination());
      } else if (result.delivered()) {
        pending.remove(index);
        counts[2]++;
        LOG.info("TLS-RPT: report {} for {} delivered to {} ({})", p.reportId(), p.policyDomain(),
            p.destination(), result.detail());
      } else {
        Instant next = now.plus(backoff(p.attempts()));
        if (next.isAfter(p.created().plus(retryFor))) {
          pending.remove(index);
          counts[4]++;
          LOG.warn("TLS-RPT: gave up delivering report {} for {} to {}: {}", p.reportId(),
              p.policyDomain(), p.destination(), result.detail());
        } else {
          pending.set(index, p.failedAttempt(next));
          counts[3]++;
          LOG.info("TLS-RPT: report {} for {} not delivered to {} ({}); next attempt {}",
              p.reportId(), p.policyDomain(), p.destination(), result.detail(), next);
        }
      }
    }
  }

  private int indexOf(PendingReport p) {
    for (int i = 0; i < pending.size(); i++) {
      PendingReport q = pending.get(i);
      if (q.reportId().equals(p.reportId()) && q.destination().equals(p.destination())) {
        return i;
      }
    }
    return -1;
  }

  /** The wait after the given number of earlier failures: doubling from the first retry. */
  private Duration backoff(int failures) {
    Duration d = firstRetry;
    for (int i = 0; i < failures && d.compareTo(maxRetryInterval) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxRetryInterval) > 0 ? maxRetryInterval : d;
  }

  private static String key(LocalDate day, String domain) {
    return day + " " + domain;
  }

  private void save() {
    try {
      if (store != null) {
        store.savePending(pending());
      }
      collector.flush();
    } catch (IOException | RuntimeException e) {
      LOG.warn("TLS-RPT state could not be saved: {}", e.toString());
    }
  }

  /** Stops the periodic runs and saves the pending reports and the counts. */
  @Override
  public void close() {
    synchronized (this) {
      if (ticker != null) {
        ticker.shutdownNow();
        ticker = null;
      }
    }
    save();
  }

  /** Reporting started for a facade: the collector hears verdicts; closing stops both. */
  private record Running(TlsRptCollector collector, TlsRptReporter reporter)
      implements VerdictListener, AutoCloseable {
    @Override
    public void onVerdict(VerdictEvent event) {
      collector.onVerdict(event);
    }

    @Override
    public void close() {
      reporter.close();
      collector.close();
    }
  }

  /**
   * Builds a {@link TlsRptReporter}. It is also the {@link MtaSts.Reporting} that makes a facade
   * report: {@code MtaSts.builder().reporting(TlsRptReporter.builder().organizationName(...)
   * .contactInfo(...).directory(dir))} counts every verdict and sends the daily reports, with the
   * facade's DNS client, trust and clock.
   */
  public static final class Builder implements MtaSts.Reporting {
    private boolean clockSet;
    private Path directory;
    private TlsRptCollector collector;
    private TlsRptDiscoverer discoverer;
    private String organizationName;
    private String contactInfo;
    private String mailFrom;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new SplittableRandom();
    private Duration maxDelay = Duration.ofHours(4);
    private HttpsReportSender https;
    private TlsRptMailer mailer;
    private TlsRptStore store;
    private Duration retryFor = Duration.ofHours(24);
    private Duration firstRetry = Duration.ofMinutes(5);
    private Duration maxRetryInterval = Duration.ofHours(4);
    private Duration tickInterval = Duration.ofMinutes(1);
    private Supplier<String> reportIds = () -> UUID.randomUUID().toString();
    private BiFunction<String, ResultType, Optional<URI>> additionalInformation;

    private Builder() {}

    /**
     * Sets the collector whose counts are reported (required).
     *
     * @param collector the collector
     * @return this builder
     */
    public Builder collector(TlsRptCollector collector) {
      this.collector = Objects.requireNonNull(collector, "collector");
      return this;
    }

    /**
     * Sets how {@code _smtp._tls} records are found (required).
     *
     * @param discoverer the discoverer
     * @return this builder
     */
    public Builder discoverer(TlsRptDiscoverer discoverer) {
      this.discoverer = Objects.requireNonNull(discoverer, "discoverer");
      return this;
    }

    /**
     * Sets the {@code organization-name} of the reports (required).
     *
     * @param name for example {@code "Example Mail Ltd"}
     * @return this builder
     */
    public Builder organizationName(String name) {
      this.organizationName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the {@code contact-info} address of the reports (required); its domain is the submitter.
     *
     * @param address for example {@code "tlsrpt@mail.example.com"}
     * @return this builder
     */
    public Builder contactInfo(String address) {
      this.contactInfo = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets the sender of report emails; the contact address by default.
     *
     * @param address the address
     * @return this builder
     */
    public Builder mailFrom(String address) {
      this.mailFrom = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets the clock; the system UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.clockSet = true;
      return this;
    }

    /**
     * Sets the source of the random delay.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the longest random delay after midnight UTC before a day is reported; 4 hours by default
     * (RFC 8460 section 4.1 suggests up to 14400 seconds).
     *
     * @param delay the delay, zero or more
     * @return this builder
     */
    public Builder maxDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("the delay must not be negative");
      }
      this.maxDelay = delay;
      return this;
    }

    /**
     * Sets how reports are posted; a sender with the JDK's trust anchors by default.
     *
     * @param https the sender
     * @return this builder
     */
    public Builder https(HttpsReportSender https) {
      this.https = Objects.requireNonNull(https, "https");
      return this;
    }

    /**
     * Sets how report emails are submitted; without one, {@code mailto:} destinations are skipped.
     *
     * @param mailer the MTA's submission callback
     * @return this builder
     */
    public Builder mailer(TlsRptMailer mailer) {
      this.mailer = Objects.requireNonNull(mailer, "mailer");
      return this;
    }

    /**
     * Sets where pending reports are kept across restarts (usually the collector's store).
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(TlsRptStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the retry policy: the first retry after {@code first}, each next wait doubled up to
     * {@code max}, for {@code total} after the report was built; 5 minutes, 4 hours and 24 hours by
     * default.
     *
     * @param first the first wait
     * @param max the longest wait
     * @param total how long to keep trying
     * @return this builder
     */
    public Builder retries(Duration first, Duration max, Duration total) {
      if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || total.isNegative()) {
        throw new IllegalArgumentException("invalid retry durations");
      }
      this.firstRetry = first;
      this.maxRetryInterval = max;
      this.retryFor = total;
      return this;
    }

    /**
     * Sets how often {@link #start()} runs {@link #runDue()}; every minute by default.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder tickInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the interval must be positive");
      }
      this.tickInterval = interval;
      return this;
    }

    /**
     * Sets how report ids are made; random UUIDs by default.
     *
     * @param ids the id source; every id must be unique
     * @return this builder
     */
    public Builder reportIds(Supplier<String> ids) {
      this.reportIds = Objects.requireNonNull(ids, "ids");
      return this;
    }

    /**
     * Sets the {@code additional-information} URI of failure details, by report id and result type.
     *
     * @param info the URI source
     * @return this builder
     */
    public Builder additionalInformation(BiFunction<String, ResultType, Optional<URI>> info) {
      this.additionalInformation = Objects.requireNonNull(info, "info");
      return this;
    }

    /**
     * Keeps the day's counts and the pending reports in files in a directory, so that they survive
     * restarts (a {@link FileTlsRptStore}); used by {@link #start(DnsClient, SSLContext, Clock)}
     * when no {@link
     * #store(TlsRptStore) store} and no {@link #collector(TlsRptCollector) collector} were set.
     *
     * @param directory the directory; created when missing
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Starts reporting for a facade: builds what was not set from the facade's context (the clock,
     * a {@link TlsRptDiscoverer} on its DNS client, an {@link HttpsReportSender} with its trust, a
     * {@link TlsRptCollector} keeping its counts in the {@link #directory(Path) directory}), builds
     * the reporter and starts its daily runs.
     *
     * @param dns the facade's DNS client, for the {@code _smtp._tls} lookups
     * @param tls the facade's trust, for HTTPS report endpoints
     * @param clock the facade's clock
     * @return the collector, as a listener that also closes the reporter and the collector
     * @throws IOException when the directory cannot be used
     */
    @Override
    public VerdictListener start(DnsClient dns, SSLContext tls, Clock clock)
        throws IOException {
      if (!clockSet) {
        this.clock = clock;
      }
      if (discoverer == null) {
        discoverer = new TlsRptDiscoverer(dns);
      }
      if (https == null) {
        https = HttpsReportSender.builder().sslContext(tls).build();
      }
      if (directory != null && store == null) {
        store = new FileTlsRptStore(directory);
      }
      if (collector == null) {
        TlsRptCollector.Builder cb = TlsRptCollector.builder().clock(this.clock);
        if (store != null) {
          cb.store(store);
        }
        collector = cb.build();
      }
      TlsRptCollector counts = collector;
      TlsRptReporter reporter = build();
      reporter.start();
      return new Running(counts, reporter);
    }

    /**
     * Builds the reporter, loading the pending reports of the store; {@link
     * #collector(TlsRptCollector)}, {@link
     * #discoverer(TlsRptDiscoverer)}, {@link #organizationName(String)} and {@link
     * #contactInfo(String)} are required (a facade's {@link #start(DnsClient, SSLContext, Clock)}
     * supplies the first
     * two).
     *
     * @return the reporter
     * @throws IOException when the store cannot be read
     * @throws NullPointerException when a required setting is missing
     */
    public TlsRptReporter build() throws IOException {
      return new TlsRptReporter(this);
    }
  }
}
