package dev.mtasts.postfix.internal;

import dev.mtasts.postfix.DaemonEvents;
import dev.mtasts.postfix.Reply;
import dev.mtasts.postfix.SocketmapServer;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The daemon's Prometheus metrics, with fixed label values (never a domain name, so the number of
 * series stays bounded).
 */
public final class Metrics implements DaemonEvents, SocketmapServer.Events {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter queries;
  private final Counter lookups;
  private final Counter fetches;
  private final Counter refreshFailures;
  private final Counter storeErrors;
  private final Counter malformed;
  private final Counter rejected;
  private final Gauge connections;
  private final Histogram duration;
  /** The series of {@link #queries} by reply kind, looked up once per kind. */
  private final AtomicReferenceArray<CounterDataPoint> queriesByKind =
      new AtomicReferenceArray<>(Reply.Kind.values().length);
  /** The series of {@link #lookups} by outcome word, looked up once per word. */
  private final ConcurrentHashMap<String, CounterDataPoint> lookupsByOutcome =
      new ConcurrentHashMap<>();

  /** Registers the metrics; the cache's size is added by {@link #watchCache}. */
  public Metrics() {
    queries = Counter.builder().name("mtasts_postfix_queries_total")
        .help("Socketmap queries answered, by reply (ok, notfound, temp, perm)")
        .labelNames("reply").register(registry);
    lookups = Counter.builder().name("mtasts_postfix_lookups_total")
        .help("Keys answered, by what the lookup found (enforce, testing, none, no-policy,"
            + " unavailable, parent-key, address, not-a-domain, timeout, too-large)")
        .labelNames("outcome").register(registry);
    fetches = Counter.builder().name("mtasts_postfix_policy_fetches_total")
        .help("Policies fetched and stored").register(registry);
    refreshFailures = Counter.builder().name("mtasts_postfix_refresh_failures_total")
        .help("Failed refreshes of cached policies, by RFC 8460 result type")
        .labelNames("result_type").register(registry);
    storeErrors = Counter.builder().name("mtasts_postfix_store_errors_total")
        .help("Policy store read or write failures").register(registry);
    malformed = Counter.builder().name("mtasts_postfix_malformed_requests_total")
        .help("Connections closed because a request was not a valid netstring").register(registry);
    rejected = Counter.builder().name("mtasts_postfix_rejected_connections_total")
        .help("Connections refused because max_connections were open").register(registry);
    connections = Gauge.builder().name("mtasts_postfix_connections")
        .help("Open client connections").register(registry);
    duration = Histogram.builder().name("mtasts_postfix_query_duration_seconds")
        .help("Time from a request to its reply").classicOnly()
        .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30)
        .register(registry);
  }

  /**
   * Registers the gauge of the cache's size, once the cache exists.
   *
   * @param cachedDomains how many domains the cache holds, read at each scrape
   */
  public void watchCache(LongSupplier cachedDomains) {
    GaugeWithCallback.builder().name("mtasts_postfix_cached_domains")
        .help("Domains held in the policy cache's memory")
        .callback(cb -> cb.call(cachedDomains.getAsLong())).register(registry);
  }

  /**
   * The registry to expose.
   *
   * @return the registry
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Counts one answered query.
   *
   * @param reply the reply's status word, counted under its lower-case name
   * @param outcome the lookup outcome word
   * @param nanos the time from request to reply
   */
  public void answered(Reply.Kind reply, String outcome, long nanos) {
    CounterDataPoint q = queriesByKind.get(reply.ordinal());
    if (q == null) {
      q = queries.labelValues(reply.name().toLowerCase(Locale.ROOT));
      queriesByKind.set(reply.ordinal(), q);
    }
    q.inc();
    CounterDataPoint l = lookupsByOutcome.get(outcome);
    if (l == null) {
      // Outcome words are a fixed set (see Answer), so the map stays small.
      l = lookupsByOutcome.computeIfAbsent(outcome, o -> lookups.labelValues(o));
    }
    l.inc();
    duration.observe(nanos / 1e9);
  }

  /** Counts a connection closed for a malformed request. */
  public void malformed() {
    malformed.inc();
  }

  /** Counts a connection refused over the limit. */
  public void rejected() {
    rejected.inc();
  }

  /** Counts a connection opened. */
  public void opened() {
    connections.inc();
  }

  /** Counts a connection closed. */
  public void closed() {
    connections.dec();
  }

  @Override
  public void fetched(String domain) {
    fetches.inc();
  }

  @Override
  public void refreshFailed(String domain, String resultType) {
    refreshFailures.labelValues(resultType).inc();
  }

  @Override
  public void storeFailed(String domain) {
    storeErrors.inc();
  }
}
