package dev.mtasts.dns;

import dev.mtasts.internal.Text;
import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;
import org.xbill.DNS.lookup.InvalidZoneDataException;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectLoopException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * The {@link DnsClient} on dnsjava's {@link LookupSession}: a stub resolver that asks recursive
 * servers, over UDP with a TCP retry for truncated answers, and follows CNAME chains.
 *
 * <p>Names are always looked up as absolute names: no search path, no {@code ndots}. A name must be
 * a DNS name of letters, digits, hyphens and underscores (U-labels are converted to A-labels),
 * at most 253 characters without the optional trailing dot, with labels of 1 to 63 characters;
 * anything else is refused at once with an {@link IllegalArgumentException}.
 *
 * <p>How outcomes map to {@link DnsResult}:
 *
 * <table>
 *   <caption>Outcomes</caption>
 *   <tr><th>What happened</th><th>Result</th></tr>
 *   <tr><td>NOERROR with records (after following CNAMEs)</td><td>{@link DnsResult.Answer}, TTL the
 *       smallest of the records</td></tr>
 *   <tr><td>NXDOMAIN</td><td>{@link DnsResult.NoSuchName}</td></tr>
 *   <tr><td>NODATA (NOERROR without records), from the server or from the negative cache</td>
 *       <td>{@link DnsResult.NoData}; for MX an {@link MxRecords.Implicit} answer with TTL 0</td></tr>
 *   <tr><td>SERVFAIL</td><td>{@link DnsResult.Reason#SERVER_FAILURE}</td></tr>
 *   <tr><td>REFUSED (from every server)</td><td>{@link DnsResult.Reason#REFUSED}</td></tr>
 *   <tr><td>any other response code</td><td>{@link DnsResult.Reason#OTHER}</td></tr>
 *   <tr><td>no answer within the per-query timeout, or the lookup's deadline passed</td>
 *       <td>{@link DnsResult.Reason#TIMEOUT}</td></tr>
 *   <tr><td>truncated over UDP and the TCP retry failed</td><td>{@link
 *       DnsResult.Reason#TRUNCATED}</td></tr>
 *   <tr><td>malformed answer, wrong message id or question, CNAME loop, too many CNAMEs, two CNAMEs
 *       for one name, a null MX beside other MX records</td><td>{@link
 *       DnsResult.Reason#BAD_ANSWER}</td></tr>
 *   <tr><td>network errors (port unreachable, connection refused)</td><td>{@link
 *       DnsResult.Reason#OTHER}</td></tr>
 * </table>
 *
 * <p>A server that answers SERVFAIL is not asked again and the next server is not tried (dnsjava's
 * {@link ExtendedResolver} passes answers through); timeouts, network errors, bad answers and
 * REFUSED or other response codes move on to the next attempt: each server is asked up to {@code
 * retries + 1} times, in the order given, until the deadline.
 *
 * <p>TXT records: the character-strings of one record are joined without spaces (RFC 8461 section
 * 3.1); each byte becomes the character of the same value (U+0000 to U+00FF), so bytes outside
 * US-ASCII reach the record parser as they were, never decoded. MX records: ordered by preference,
 * equal preferences in answer order, host names in lower case without the trailing dot. A null MX
 * ({@code .} as the only target, RFC 7505) is {@link MxRecords.NullMx}. A null MX beside other MX
 * records breaks RFC 7505 section 3; it is a {@link DnsResult.Reason#BAD_ANSWER} temporary failure,
 * so mail is neither sent to hosts the domain said it does not want mail at, nor bounced for good
 * while the domain fixes its records.
 *
 * <p>Positive and negative answers are cached in memory for their TTLs (dnsjava's {@link Cache}),
 * unless {@link Builder#cache(boolean)} turns this off; failures are not cached. The TTL of an
 * answer served from the cache is the TTL the record had when it was received, not what is left of
 * it.
 *
 * <p>Instances are immutable and thread-safe; build one and share it. The futures complete on the
 * configured executor and never exceptionally for a DNS outcome. Details of failures are safe to
 * log: text that came from the network is quoted and escaped. Logging is at debug level only.
 */
public final class DnsjavaClient implements DnsClient {
  /** The default time to wait for one answer from one server: 3 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
  /** The default number of retries per server after the first query: 1. */
  public static final int DEFAULT_RETRIES = 1;
  /** The default time a whole lookup may take, all servers, retries and CNAMEs: 10 seconds. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(DnsjavaClient.class);
  private static final int MAX_NAME = 253;
  private static final int MAX_LABEL = 63;

  private final LookupSession session;
  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final int retries;
  private final Duration deadline;
  private final Executor executor;
  private final boolean cache;

  private DnsjavaClient(Builder b) {
    List<InetSocketAddress> list = List.copyOf(b.servers);
    if (list.isEmpty()) {
      list = systemServers();
    }
    servers = list;
    timeout = b.timeout;
    retries = b.retries;
    deadline = b.deadline;
    executor = b.executor == null ? ForkJoinPool.commonPool() : b.executor;
    cache = b.cache;

    List<Resolver> resolvers = new ArrayList<>(servers.size());
    for (InetSocketAddress server : servers) {
      resolvers.add(new ServerResolver(server, timeout));
    }
    // This constructor keeps the order of the servers.
    ExtendedResolver resolver = new ExtendedResolver(resolvers);
    resolver.setRetries(retries + 1); // dnsjava counts attempts per server
    resolver.setTimeout(deadline);
    resolver.setLoadBalance(false);
    LookupSession.LookupSessionBuilder sb =
        LookupSession.builder().resolver(resolver).executor(executor).clearSearchPath();
    if (cache) {
      sb.cache(new Cache(DClass.IN));
    }
    session = sb.build();
  }

  private static List<InetSocketAddress> systemServers() {
    List<InetSocketAddress> system = ResolverConfig.getCurrentConfig().servers();
    if (system.isEmpty()) {
      return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
    }
    return List.copyOf(system);
  }

  /**
   * Returns a builder with the default settings: the system's resolvers (as dnsjava's {@link
   * ResolverConfig} finds them, {@code /etc/resolv.conf} on Unix; the {@code dns.server} system
   * property overrides them), {@link #DEFAULT_TIMEOUT}, {@link #DEFAULT_RETRIES}, {@link
   * #DEFAULT_DEADLINE}, the common fork-join pool and caching on.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the name is not a valid DNS name
   */
  @Override
  public CompletableFuture<DnsResult<List<String>>> txtAsync(String name) {
    String ascii = toQueryName(name);
    return lookup(ascii, Type.TXT, DnsjavaClient::txtAnswer, DnsResult.NoData::new);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the domain is not a valid DNS name
   */
  @Override
  public CompletableFuture<DnsResult<MxRecords>> mxAsync(String domain) {
    String ascii = toQueryName(domain);
    return lookup(
        ascii,
        Type.MX,
        records -> mxAnswer(ascii, records),
        () -> new DnsResult.Answer<>(new MxRecords.Implicit(ascii), Duration.ZERO));
  }

  /**
   * Returns the servers this client asks, in order.
   *
   * @return the servers
   */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  @Override
  public String toString() {
    return "DnsjavaClient[servers="
        + servers
        + ", timeout="
        + timeout
        + ", retries="
        + retries
        + ", deadline="
        + deadline
        + ", cache="
        + cache
        + "]";
  }

  private <T> CompletableFuture<DnsResult<T>> lookup(
      String ascii,
      int type,
      Function<List<Record>, DnsResult<T>> answer,
      Supplier<DnsResult<T>> noData) {
    Name name;
    try {
      name = Name.fromString(ascii, Name.root);
    } catch (TextParseException e) {
      // toQueryName accepts only names dnsjava parses.
      throw new IllegalArgumentException("invalid DNS name: " + Text.quote(ascii), e);
    }
    String what = ascii + "/" + Type.string(type);
    CompletableFuture<LookupResult> future;
    try {
      CompletionStage<LookupResult> stage = session.lookupAsync(name, type);
      future = stage.toCompletableFuture();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return future
        .orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .handleAsync(
            (result, ex) -> {
              DnsResult<T> outcome;
              if (ex != null) {
                outcome = failure(what, ex, noData);
              } else {
                List<Record> records = new ArrayList<>();
                for (Record r : result.getRecords()) {
                  if (r.getType() == type) {
                    records.add(r);
                  }
                }
                outcome = records.isEmpty() ? noData.get() : answer.apply(records);
              }
              if (log.isDebugEnabled()) {
                log.debug("{}: {}", what, summary(outcome));
              }
              return outcome;
            },
            executor);
  }

  /** Maps a failed lookup; package-private for tests. */
  <T> DnsResult<T> failure(
      String what, Throwable thrown, Supplier<DnsResult<T>> noData) {
    Throwable t = ServerResolver.unwrap(thrown);
    if (t instanceof NoSuchDomainException) {
      return new DnsResult.NoSuchName<>();
    }
    if (t instanceof NoSuchRRSetException) {
      return noData.get();
    }
    DnsResult.TemporaryFailure<T> failure = temporaryFailure(what, t);
    if (failure.reason() == DnsResult.Reason.OTHER) {
      log.debug("{}: unexpected failure", what, t);
    }
    return failure;
  }

  /** Describes an outcome for the log without the records' text, which comes from the network. */
  private static String summary(DnsResult<?> outcome) {
    if (outcome instanceof DnsResult.Answer<?> a) {
      Object value = a.value();
      String what =
          value instanceof List<?> list
              ? list.size() + " record(s)"
              : value.getClass().getSimpleName();
      return "answer, " + what + ", TTL " + a.ttl().getSeconds() + " s";
    }
    return outcome.toString(); // the details of failures are already escaped
  }

  /** Classifies everything except NXDOMAIN and NODATA; package-private for tests. */
  <T> DnsResult.TemporaryFailure<T> temporaryFailure(String what, Throwable t) {
    DnsResult.Reason reason;
    String detail;
    if (t instanceof ServerFailedException sf) {
      reason = DnsResult.Reason.SERVER_FAILURE;
      detail = "SERVFAIL for " + what + extendedError(sf.getExtendedRcode());
    } else if (t instanceof ServerResolver.RcodeException rc) {
      reason = rc.rcode() == Rcode.REFUSED ? DnsResult.Reason.REFUSED : DnsResult.Reason.OTHER;
      detail = Rcode.string(rc.rcode()) + " for " + what + " from every server";
    } else if (t instanceof ServerResolver.TruncatedException) {
      reason = DnsResult.Reason.TRUNCATED;
      detail = "truncated answer for " + what + " and the TCP retry failed: " + describe(t.getCause());
    } else if (t instanceof TimeoutException) {
      reason = DnsResult.Reason.TIMEOUT;
      detail = "no answer for " + what + " within the deadline of " + deadline.toMillis() + " ms";
    } else if (t instanceof SocketTimeoutException || isExtendedResolverTimeout(t)) {
      reason = DnsResult.Reason.TIMEOUT;
      detail = "no answer for " + what + " (timeout " + timeout.toMillis() + " ms per query)";
    } else if (t instanceof RedirectLoopException) {
      reason = DnsResult.Reason.BAD_ANSWER;
      detail = "CNAME loop for " + what;
    } else if (t instanceof RedirectOverflowException) {
      reason = DnsResult.Reason.BAD_ANSWER;
      detail = "too many CNAMEs for " + what;
    } else if (t instanceof InvalidZoneDataException) {
      reason = DnsResult.Reason.BAD_ANSWER;
      detail = "invalid answer for " + what + cause(t);
    } else if (t instanceof WireParseException
        || (t instanceof LookupFailedException && t.getCause() instanceof WireParseException)) {
      reason = DnsResult.Reason.BAD_ANSWER;
      detail = "malformed answer for " + what + cause(t);
    } else if (t instanceof IOException) {
      reason = DnsResult.Reason.OTHER;
      detail = "network error for " + what + ": " + describe(t);
    } else {
      reason = DnsResult.Reason.OTHER;
      detail = "lookup of " + what + " failed: " + describe(t);
    }
    return new DnsResult.TemporaryFailure<>(reason, detail);
  }

  /** {@link ExtendedResolver} reports its own deadline as a plain IOException with this message. */
  private static boolean isExtendedResolverTimeout(Throwable t) {
    return t.getClass() == IOException.class
        && t.getMessage() != null
        && t.getMessage().startsWith("Timed out");
  }

  private static String describe(@Nullable Throwable t) {
    if (t == null) {
      return "unknown cause";
    }
    Throwable c = ServerResolver.unwrap(t);
    return c.getClass().getSimpleName() + cause(c);
  }

  private static String cause(@Nullable Throwable t) {
    if (t == null || t.getMessage() == null) {
      return "";
    }
    return ": " + Text.quote(t.getMessage());
  }

  private static String extendedError(@Nullable ExtendedErrorCodeOption ede) {
    if (ede == null) {
      return "";
    }
    String text = ede.getText();
    return " (extended error "
        + ede.getErrorCode()
        + (text == null || text.isEmpty() ? "" : " " + Text.quote(text))
        + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Answers

  /** Joins the character-strings of each record; one byte, one character. */
  static DnsResult<List<String>> txtAnswer(List<Record> records) {
    List<String> texts = new ArrayList<>(records.size());
    for (Record r : records) {
      StringBuilder sb = new StringBuilder();
      for (byte[] s : ((TXTRecord) r).getStringsAsByteArrays()) {
        for (byte b : s) {
          sb.append((char) (b & 0xff));
        }
      }
      texts.add(sb.toString());
    }
    return new DnsResult.Answer<>(List.copyOf(texts), minTtl(records));
  }

  static DnsResult<MxRecords> mxAnswer(String domain, List<Record> records) {
    List<MxHost> hosts = new ArrayList<>(records.size());
    int nulls = 0;
    for (Record r : records) {
      MXRecord mx = (MXRecord) r;
      if (mx.getTarget().equals(Name.root)) {
        nulls++;
      } else {
        hosts.add(new MxHost(mx.getPriority(), mx.getTarget().toString(true).toLowerCase(Locale.ROOT)));
      }
    }
    if (nulls > 0) {
      if (!hosts.isEmpty()) {
        return new DnsResult.TemporaryFailure<>(
            DnsResult.Reason.BAD_ANSWER,
            "null MX beside "
                + hosts.size()
                + " other MX record(s) for "
                + domain
                + " (RFC 7505 section 3)");
      }
      return new DnsResult.Answer<>(new MxRecords.NullMx(), minTtl(records));
    }
    hosts.sort(Comparator.comparingInt(MxHost::preference)); // stable
    return new DnsResult.Answer<>(new MxRecords.Explicit(hosts), minTtl(records));
  }

  private static Duration minTtl(List<Record> records) {
    long min = Long.MAX_VALUE;
    for (Record r : records) {
      min = Math.min(min, r.getTTL());
    }
    return Duration.ofSeconds(min);
  }

  // ---------------------------------------------------------------------------------------------
  // Names

  /**
   * Checks a name and returns its ASCII form, in lower case, without the trailing dot.
   *
   * @throws IllegalArgumentException when the name is not a valid DNS name
   */
  static String toQueryName(String name) {
    Objects.requireNonNull(name, "name");
    String ascii = name;
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        try {
          ascii = IDN.toASCII(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("invalid DNS name: " + Text.quote(name), e);
        }
        break;
      }
    }
    int len = ascii.length();
    if (len > 0 && ascii.charAt(len - 1) == '.') {
      len--;
    }
    if (len == 0 || len > MAX_NAME) {
      throw new IllegalArgumentException(
          "invalid DNS name (length " + len + "): " + Text.quote(name));
    }
    int labelStart = 0;
    for (int i = 0; i <= len; i++) {
      char c = i < len ? ascii.charAt(i) : '.';
      if (c == '.') {
        int label = i - labelStart;
        if (label == 0 || label > MAX_LABEL) {
          throw new IllegalArgumentException(
              "invalid DNS name (label of " + label + " characters): " + Text.quote(name));
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_')) {
        throw new IllegalArgumentException("invalid DNS name: " + Text.quote(name));
      }
    }
    return ascii.substring(0, len).toLowerCase(Locale.ROOT);
  }

  /** Builds {@link DnsjavaClient}s. Not thread-safe; the clients it builds are. */
  public static final class Builder {
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private int retries = DEFAULT_RETRIES;
    private Duration deadline = DEFAULT_DEADLINE;
    private @Nullable Executor executor;
    private boolean cache = true;

    private Builder() {}

    /**
     * Adds a recursive server to ask, after those added before. Without any, the client asks the
     * system's resolvers.
     *
     * @param server the server's address and port, already resolved
     * @return this builder
     * @throws IllegalArgumentException when the address is unresolved
     */
    public Builder server(InetSocketAddress server) {
      Objects.requireNonNull(server, "server");
      if (server.isUnresolved()) {
        throw new IllegalArgumentException("unresolved server address: " + server);
      }
      servers.add(server);
      return this;
    }

    /**
     * Sets the recursive servers to ask, in order, replacing those added before. An empty list
     * means the system's resolvers.
     *
     * @param servers the servers' addresses and ports, already resolved
     * @return this builder
     * @throws IllegalArgumentException when an address is unresolved
     */
    public Builder servers(Collection<InetSocketAddress> servers) {
      List<InetSocketAddress> copy = List.copyOf(servers);
      this.servers.clear();
      copy.forEach(this::server);
      return this;
    }

    /**
     * Sets how long to wait for one answer from one server. Default {@link #DEFAULT_TIMEOUT}.
     *
     * <p><b>Note:</b> dnsjava checks for expired queries each time its selector thread wakes up,
     * by default once a second (system property {@code dnsjava.nio.selector_timeout}, 1 to 1000
     * milliseconds), so a query times out up to that much later than asked. The {@linkplain
     * #deadline(Duration) deadline} is exact.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException when the duration is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets how many times each server is asked again after a query that failed (timeout, network
     * error, bad answer, REFUSED). Default {@link #DEFAULT_RETRIES}; 0 asks each server once.
     *
     * @param retries 0 to 10
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder retries(int retries) {
      if (retries < 0 || retries > 10) {
        throw new IllegalArgumentException("retries must be 0..10");
      }
      this.retries = retries;
      return this;
    }

    /**
     * Sets how long a whole lookup may take, across servers, retries and CNAME chains; when it
     * passes, the lookup ends with {@link DnsResult.Reason#TIMEOUT}. Default {@link
     * #DEFAULT_DEADLINE}.
     *
     * @param deadline a positive duration
     * @return this builder
     * @throws IllegalArgumentException when the duration is not positive
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * Sets the executor that completes lookups and runs dnsjava's continuations. Default the common
     * fork-join pool. The client does not shut it down.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Turns the in-memory cache of answers (positive and negative, for their TTLs) on or off.
     * Default on.
     *
     * @param cache whether to cache
     * @return this builder
     */
    public Builder cache(boolean cache) {
      this.cache = cache;
      return this;
    }

    /**
     * Builds the client.
     *
     * @return a new client
     */
    public DnsjavaClient build() {
      return new DnsjavaClient(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }
  }
}
