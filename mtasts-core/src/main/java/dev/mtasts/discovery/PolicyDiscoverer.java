package dev.mtasts.discovery;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.PolicyFetcher;
import dev.mtasts.internal.Admission;
import dev.mtasts.internal.Futures;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.StsRecord;
import dev.mtasts.result.ResultType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Discovers the MTA-STS policy of a domain: the {@code _mta-sts} TXT record first, and only when it
 * holds exactly one valid STS record, the policy over HTTPS (RFC 8461 section 3).
 *
 * <p>Caching is the business of the caller (see {@code mtasts-cache}). Thread-safe; build one and
 * share it, because it bounds how much network work runs at once: at most {@link
 * Builder#maxConcurrent(int)} TXT lookups and policy fetches are under way together (each fetch holds
 * one HTTPS connection). The others wait their turn in a queue of at most {@link
 * Builder#maxWaiting(int)} entries, fetches that follow a lookup before new lookups; a lookup that
 * finds the queue full, or waits longer than {@link Builder#maxWait(Duration)}, is answered at once
 * with a temporary failure of reason {@link DnsResult.Reason#LOCAL_LIMIT} ("nothing known, keep
 * what you have"), never with "no policy". So a burst of cold domains whose policy hosts never answer
 * holds a bounded number of sockets, threads and bytes.
 *
 * <pre>{@code
 * PolicyDiscoverer discoverer = PolicyDiscoverer.builder(
 *         DnsjavaClient.builder().build(), HttpsPolicyFetcher.builder().build())
 *     .maxConcurrent(64)
 *     .build();
 * PolicyState outcome = discoverer.discover("example.com"); // no cache: for tools
 * }</pre>
 */
public final class PolicyDiscoverer {
  /** The default of {@link Builder#maxConcurrent(int)}: 128 lookups and fetches at once. */
  public static final int DEFAULT_MAX_CONCURRENT = 128;

  /** The default of {@link Builder#maxWaiting(int)}: 10,000 waiting lookups. */
  public static final int DEFAULT_MAX_WAITING = 10_000;

  /** The default of {@link Builder#maxWait(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

  private final DnsClient dns;
  private final PolicyFetcher fetcher;
  private final Admission admission;

  private PolicyDiscoverer(Builder b) {
    this.dns = b.dns;
    this.fetcher = b.fetcher;
    this.admission = new Admission("policy lookups and fetches", b.maxConcurrent, b.maxWaiting,
        b.maxWait);
  }

  /**
   * Starts a builder, for a discoverer with other limits than the defaults.
   *
   * @param dns the DNS client for the TXT lookup
   * @param fetcher the policy fetcher
   * @return the builder
   */
  public static Builder builder(DnsClient dns, PolicyFetcher fetcher) {
    return new Builder(dns, fetcher);
  }

  /**
   * Returns how many TXT lookups and policy fetches are under way now.
   *
   * @return the count, at most {@link Builder#maxConcurrent(int)}
   */
  public int running() {
    return admission.running();
  }

  /**
   * Returns how many TXT lookups and policy fetches wait for their turn now.
   *
   * @return the count
   */
  public int waiting() {
    return admission.waiting();
  }

  /**
   * Looks up and parses the {@code _mta-sts} TXT record of a domain, without fetching the policy.
   * This is what a sender does to check whether its cached policy is current.
   *
   * <p>When the discoverer is at its limit and the lookup cannot wait its turn, the outcome is a
   * {@link RecordLookup.Failed} of reason {@link DnsResult.Reason#LOCAL_LIMIT}.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the outcome; the future never completes exceptionally for DNS outcomes
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  public CompletableFuture<RecordLookup> lookupRecordAsync(String domain) {
    String name = "_mta-sts." + HostName.normalize(domain);
    return admission.submit(Admission.Lane.NEW,
        () -> dns.txtAsync(name).thenApply(result -> toRecordLookup(name, result)),
        refused -> new RecordLookup.Failed(DnsResult.Reason.LOCAL_LIMIT,
            name + ": lookup " + refused));
  }

  /**
   * Blocking form of {@link #lookupRecordAsync(String)}.
   *
   * @param domain the policy domain
   * @return the outcome
   */
  public RecordLookup lookupRecord(String domain) {
    return Futures.join(lookupRecordAsync(domain));
  }

  /**
   * Fetches the policy of a domain over HTTPS without looking at its TXT record; for a sender that
   * has just read the record with {@link #lookupRecordAsync(String)}.
   *
   * <p>The fetch waits for its turn ahead of new lookups, as the second half of a discovery. Only
   * when that queue too is full is it not made: a {@link FetchResult.Failed} of type {@link
   * ResultType#STS_POLICY_FETCH_ERROR} whose detail says so.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the fetch outcome; the future never completes exceptionally for HTTPS outcomes
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  public CompletableFuture<FetchResult> fetchPolicyAsync(String domain) {
    String normal = HostName.normalize(domain);
    return admission.submit(Admission.Lane.CONTINUATION, () -> fetcher.fetchAsync(normal),
        refused -> new FetchResult.Failed(ResultType.STS_POLICY_FETCH_ERROR,
            "policy fetch for " + normal + " " + refused,
            List.of()));
  }

  /**
   * Discovers the policy of a domain, without a cache: for tools and tests. (A sender uses {@code
   * MtaSts}, whose RFC 8461 section 5.1 cache keeps a policy through DNS and HTTPS failures.) The
   * details of each step, with warnings and problems, come from {@link #lookupRecordAsync(String)}
   * and {@link #fetchPolicyAsync(String)}.
   *
   * @param domain the policy domain (U-labels are converted to A-labels)
   * @return the state a sender would apply; the future never completes exceptionally for DNS or
   *     HTTPS outcomes
   * @throws IllegalArgumentException when {@code domain} is not a valid host name
   */
  public CompletableFuture<PolicyState> discoverAsync(String domain) {
    String normal = HostName.normalize(domain);
    return lookupRecordAsync(normal).thenCompose(lookup -> {
      if (lookup instanceof RecordLookup.Present present) {
        return fetchPolicyAsync(normal).thenApply(fetch -> toState(normal, present, fetch));
      }
      if (lookup instanceof RecordLookup.Absent absent) {
        return CompletableFuture.completedFuture(new PolicyState.NoPolicy(normal, absent.detail()));
      }
      RecordLookup.Failed failed = (RecordLookup.Failed) lookup;
      return CompletableFuture.completedFuture(
          new PolicyState.Unavailable(normal, failed.detail()));
    });
  }

  /**
   * Blocking form of {@link #discoverAsync(String)}.
   *
   * @param domain the policy domain
   * @return the state a sender would apply
   */
  public PolicyState discover(String domain) {
    return Futures.join(discoverAsync(domain));
  }

  private static PolicyState toState(String domain, RecordLookup.Present present,
      FetchResult fetch) {
    if (fetch instanceof FetchResult.Fetched fetched) {
      return new PolicyState.Applied(domain, present.record().id(), fetched.policy(),
          fetched.fetchedAt(), Optional.empty());
    }
    FetchResult.Failed failed = (FetchResult.Failed) fetch;
    return new PolicyState.PolicyFailure(domain, failed.failure());
  }

  static RecordLookup toRecordLookup(String name, DnsResult<List<String>> result) {
    if (result instanceof DnsResult.Answer<List<String>> answer) {
      ParseResult<StsRecord> parsed = StsRecord.parse(answer.value());
      if (parsed instanceof ParseResult.Valid<StsRecord> valid) {
        return new RecordLookup.Present(valid.get(), answer.ttl(), valid.warnings());
      }
      List<Problem> problems = new ArrayList<>(parsed.errors());
      problems.addAll(parsed.warnings());
      Problem first = parsed.errors().get(0);
      NoPolicyReason reason = switch (first.kind()) {
        case NO_RECORD -> NoPolicyReason.NO_STS_RECORD;
        case MULTIPLE_RECORDS -> NoPolicyReason.MULTIPLE_STS_RECORDS;
        default -> answer.value().size() == 1 && !isStsRecord(answer.value().get(0))
            ? NoPolicyReason.NO_STS_RECORD
            : NoPolicyReason.INVALID_STS_RECORD;
      };
      return new RecordLookup.Absent(reason, name + ": " + first, problems);
    }
    if (result instanceof DnsResult.NoSuchName) {
      return new RecordLookup.Absent(NoPolicyReason.NO_SUCH_NAME,
          name + " does not exist (NXDOMAIN)", List.of());
    }
    if (result instanceof DnsResult.NoData) {
      return new RecordLookup.Absent(NoPolicyReason.NO_TXT_RECORD,
          name + " has no TXT records", List.of());
    }
    DnsResult.TemporaryFailure<List<String>> failure =
        (DnsResult.TemporaryFailure<List<String>>) result;
    return new RecordLookup.Failed(failure.reason(), name + ": " + failure.detail());
  }

  /**
   * Tells whether a lone record is an STS record at all: it begins with {@code v=STSv1} followed by
   * its end, a space, a tab or {@code ;}. A lone {@code v=spf1 ...} is no STS record, not an invalid
   * one.
   */
  private static boolean isStsRecord(String record) {
    String version = "v=STSv1";
    if (!record.startsWith(version)) {
      return false;
    }
    if (record.length() == version.length()) {
      return true;
    }
    char next = record.charAt(version.length());
    return next == ';' || next == ' ' || next == '\t';
  }


  /**
   * Configures a {@link PolicyDiscoverer}: how much network work it runs at once, and how much may
   * wait.
   */
  public static final class Builder {
    private final DnsClient dns;
    private final PolicyFetcher fetcher;
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
    private int maxWaiting = DEFAULT_MAX_WAITING;
    private Duration maxWait = DEFAULT_MAX_WAIT;

    private Builder(DnsClient dns, PolicyFetcher fetcher) {
      this.dns = Objects.requireNonNull(dns, "dns");
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /**
     * Sets how many TXT lookups and policy fetches may be under way at once (default {@link
     * #DEFAULT_MAX_CONCURRENT}). Each running fetch holds one HTTPS connection, each lookup one DNS
     * socket.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder maxConcurrent(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConcurrent must be at least 1");
      }
      this.maxConcurrent = n;
      return this;
    }

    /**
     * Sets how many lookups may wait for their turn (default {@link #DEFAULT_MAX_WAITING}); a
     * lookup beyond that is answered at once with a {@link DnsResult.Reason#LOCAL_LIMIT} temporary
     * failure. Fetches that follow a lookup have a queue of the same size of their own.
     *
     * @param n at least 0; 0 means nothing waits
     * @return this builder
     */
    public Builder maxWaiting(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxWaiting must not be negative");
      }
      this.maxWaiting = n;
      return this;
    }

    /**
     * Sets how long a lookup may wait for its turn before it is answered with a {@link
     * DnsResult.Reason#LOCAL_LIMIT} temporary failure (default {@link #DEFAULT_MAX_WAIT}). A fetch
     * that follows a lookup waits until it runs; its own deadline starts then.
     *
     * @param wait a positive duration
     * @return this builder
     */
    public Builder maxWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("maxWait must be positive");
      }
      this.maxWait = wait;
      return this;
    }

    /**
     * Builds the discoverer.
     *
     * @return a new discoverer with limits of its own
     */
    public PolicyDiscoverer build() {
      return new PolicyDiscoverer(this);
    }
  }
}
