package dev.mtasts.postfix;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.store.FilePolicyStore;
import dev.mtasts.store.JdbcPolicyStore;
import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.PolicyStoreException;
import dev.mtasts.cache.ResolverListener;
import dev.mtasts.result.Failure;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.decision.SessionDetails;
import dev.mtasts.decision.Verdict;
import dev.mtasts.decision.VerdictEvent;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.policy.HostName;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import dev.mtasts.postfix.internal.Escape;
import dev.mtasts.tlsrpt.FileTlsRptStore;
import dev.mtasts.tlsrpt.TlsRptCollector;
import dev.mtasts.tlsrpt.TlsRptEmail;
import dev.mtasts.tlsrpt.TlsRptMailer;
import dev.mtasts.tlsrpt.TlsRptReporter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the daemon calls the mtasts library: it builds the policy cache ({@link
 * PolicyResolver} over a file or JDBC store) and the decision facade ({@link MtaSts}) from a
 * {@link DaemonConfig}, and turns the library's answer for a domain into a socketmap reply:
 *
 * <table>
 *   <caption>Replies</caption>
 *   <tr><th>the library's answer</th><th>reply</th></tr>
 *   <tr><td>enforce</td><td>{@code OK secure match=<mx patterns joined by ':', '*.x' written
 *       '.x'> servername=hostname}</td></tr>
 *   <tr><td>testing, none, no policy</td><td>{@code NOTFOUND } (testing as enforce in a {@code
 *       strict_testing} zone)</td></tr>
 *   <tr><td>temporarily unavailable, nothing cached</td><td>{@code NOTFOUND }; {@code TEMP} with
 *       {@code defer_when_unavailable}</td></tr>
 *   <tr><td>DNS or fetch failure with a policy cached</td><td>the cached policy, as above</td></tr>
 * </table>
 *
 * <p>Thread-safe. Close it on shutdown.
 */
public final class PolicyAnswers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyAnswers.class);
  /** How many recent answers are kept for reuse (a power of two). */
  private static final int KEPT_ANSWERS = 256;

  private final MtaSts mtaSts;
  private final PolicyResolver resolver;
  private final @Nullable TlsRptCollector collector;
  private final Duration deadline;
  private final boolean deferWhenUnavailable;
  /** Why the file store is read without being held, for people; null when it is held. */
  private final @Nullable String storeNote;
  /**
   * Recent answers, by the hash of the domain as asked: the same key in the same zone with the same
   * cached policy state gets the same answer, so a cache hit builds no reply text and no detail.
   * Slots are replaced as a whole; a thread that misses a fresh slot only builds the answer again.
   */
  private final Kept[] kept = new Kept[KEPT_ANSWERS];

  /**
   * One kept answer: what it was asked and what it rested on.
   *
   * @param key the domain as asked
   * @param domain its normal form
   * @param zone the zone
   * @param state the policy state the answer was built from
   * @param answer the answer
   */
  private record Kept(String key, String domain, Zone zone, PolicyState state, Answer answer) {}

  /** The answers of a facade built elsewhere (a caching one); package-private for the tests. */
  PolicyAnswers(MtaSts mtaSts, @Nullable TlsRptCollector collector, Duration deadline,
      boolean deferWhenUnavailable) {
    this(mtaSts, collector, deadline, deferWhenUnavailable, null);
  }

  private PolicyAnswers(MtaSts mtaSts, @Nullable TlsRptCollector collector, Duration deadline,
      boolean deferWhenUnavailable, @Nullable String storeNote) {
    this.mtaSts = mtaSts;
    this.resolver = mtaSts.cache().orElseThrow();
    this.collector = collector;
    this.deadline = deadline;
    this.deferWhenUnavailable = deferWhenUnavailable;
    this.storeNote = storeNote;
  }

  /** The policy store to build on, and why it is read-only when it is. */
  private record OpenedStore(PolicyStore store, @Nullable String note) {}

  /**
   * Opens the policy store and builds the cache and the decision facade.
   *
   * <p>The server holds a file store for itself. For one query, a file store that another process
   * (the running server) holds is opened {@linkplain FilePolicyStore.Builder#readOnly(boolean)
   * read-only} instead: the answers come from its cached policies, and a policy fetched because it
   * is not cached is applied without being stored; {@link #storeNote()} then tells so.
   *
   * @param config the settings
   * @param events told about fetches and failures (for metrics)
   * @param daemon true for the long-running server (proactive refresh and the TLS-RPT reporter
   *     run); false for one query
   * @return the answers
   * @throws ConfigException when a file named by the settings cannot be read
   * @throws PolicyStoreException when the policy store cannot be opened; for the server, with
   *     {@link PolicyStoreException.Reason#LOCKED} when another process holds the file store
   */
  public static PolicyAnswers open(DaemonConfig config, DaemonEvents events, boolean daemon) {
    Duration t = config.timeout();
    DnsjavaClient.Builder dns = DnsjavaClient.builder()
        .timeout(t.compareTo(DnsjavaClient.DEFAULT_TIMEOUT) < 0 ? t : DnsjavaClient.DEFAULT_TIMEOUT)
        .deadline(t);
    if (!config.dns().isEmpty()) {
      dns.servers(config.dns());
    }
    // Read before the store is opened, so that a bad file leaves no store open behind.
    KeyStore trust = config.trustPem().map(PolicyAnswers::trustStore).orElse(null);
    OpenedStore opened = openStore(config, daemon);
    MtaSts.Builder mb = MtaSts.builder().dnsClient(dns.build()).fetchTimeout(t)
        .store(opened.store())
        .cacheListener(new ResolverListener() {
          @Override
          public void onFetched(String domain, CachedPolicy policy) {
            events.fetched(domain);
          }

          @Override
          public void onRefreshFailure(String domain, Failure failure, int consecutive,
              CachedPolicy cached) {
            events.refreshFailed(domain, failure.resultType().token());
          }

          @Override
          public void onStoreError(String domain, RuntimeException error) {
            events.storeFailed(domain);
          }
        })
        .deferWhenUnavailable(config.deferWhenUnavailable());
    if (config.policyPort() != 0) {
      mb.policyHostPort(config.policyPort());
    }
    if (trust != null) {
      mb.trustStore(trust);
    }
    if (!daemon) {
      mb.cache(c -> c.proactiveRefresh(Duration.ZERO));
    }
    TlsRptCollector collector = null;
    if (daemon && config.tlsrpt().isPresent()) {
      DaemonConfig.TlsRpt r = config.tlsrpt().get();
      try {
        Files.createDirectories(r.stateDir());
        FileTlsRptStore reports = new FileTlsRptStore(r.stateDir());
        collector = TlsRptCollector.builder().store(reports).build();
        mb.reporting(TlsRptReporter.builder()
            .collector(collector)
            .organizationName(r.organization())
            .contactInfo(r.contact())
            .mailFrom(r.mailFrom())
            .mailer(new Sendmail(r.sendmail()))
            .store(reports));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException("cannot start TLS-RPT reporting in " + r.stateDir() + ": "
            + e.getMessage(), e);
      }
    }
    MtaSts mtaSts;
    try {
      mtaSts = mb.build();
    } catch (java.io.UncheckedIOException e) {
      throw new ConfigException("cannot start TLS-RPT reporting: " + e.getMessage(), e);
    }
    // The deadline of one answer: the TXT lookup and the fetch, each within the timeout.
    Duration deadline = t.multipliedBy(2).plusSeconds(1);
    return new PolicyAnswers(mtaSts, collector, deadline, config.deferWhenUnavailable(),
        opened.note());
  }

  /**
   * Tells, for people, that these answers read a file store another process holds (see {@link
   * #open}), naming the store and that process when it is known.
   *
   * @return the note, or empty when the answers hold their store (or use a JDBC store)
   */
  public Optional<String> storeNote() {
    return Optional.ofNullable(storeNote);
  }

  /**
   * Answers one domain for a zone, blocking until the answer is there (at most the lookup
   * deadline).
   *
   * @param zone the zone of the socketmap name
   * @param domain the normalised next-hop domain
   * @return the answer
   */
  public Answer answer(Zone zone, String domain) {
    return answerAsync(zone, domain).join();
  }

  /**
   * Answers one domain for a zone. Never blocks: a cached policy gives a completed future. The
   * future always completes normally.
   *
   * @param zone the zone of the socketmap name
   * @param domain the normalised next-hop domain
   * @return the answer
   */
  public CompletableFuture<Answer> answerAsync(Zone zone, String domain) {
    int slot = domain.hashCode() & (KEPT_ANSWERS - 1);
    Kept k = kept[slot];
    String d;
    if (k != null && k.key().equals(domain)) {
      d = k.domain(); // a valid name: it was looked up before
    } else {
      Optional<HostName> name = HostName.parse(domain);
      if (name.isEmpty()) {
        return CompletableFuture.completedFuture(new Answer(Reply.NOT_FOUND, "not-a-domain",
            Escape.quote(domain) + " is not a valid domain name"));
      }
      d = name.get().value();
    }
    CompletableFuture<Answer> answer = mtaSts.lookupAsync(d)
        .thenApply(lookup -> keptAnswer(slot, domain, d, zone, lookup));
    if (answer.isDone() && !answer.isCompletedExceptionally()) {
      return answer; // from the cache: no timeout to set, nothing failed
    }
    return answer
        .completeOnTimeout(unavailable(d, "timeout", "no answer within " + deadline.toMillis()
            + " ms"), deadline.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          LOG.warn("lookup of {} failed unexpectedly", d, e);
          return unavailable(d, "unavailable", "the lookup failed: " + e);
        });
  }

  /**
   * The answer to a lookup, reused when the slot holds the answer to the same key, zone and policy
   * state. Only answers built from an applied policy are kept: they depend on nothing else, and
   * building them has no side effect.
   */
  private Answer keptAnswer(int slot, String key, String domain, Zone zone, PolicyLookup lookup) {
    PolicyState state = lookup.state();
    Kept k = kept[slot];
    if (k != null && k.key().equals(key) && k.state().equals(state) && k.zone().equals(zone)) {
      return k.answer();
    }
    Answer a = toAnswer(zone, lookup);
    if (state instanceof PolicyState.Applied) {
      kept[slot] = new Kept(key, domain, zone, state, a);
    }
    return a;
  }

  private Answer unavailable(String domain, String outcome, String detail) {
    return new Answer(deferWhenUnavailable
        ? Reply.temp("MTA-STS policy of " + domain + " temporarily unavailable") : Reply.NOT_FOUND,
        outcome, detail);
  }

  private Answer toAnswer(Zone zone, PolicyLookup lookup) {
    PolicyState state = lookup.state();
    String detail = detail(state);
    return switch (lookup.status()) {
      case ENFORCE -> policyReply(zone, lookup.domain(), lookup.policy().orElseThrow(), "enforce",
          detail);
      case TESTING -> zone.strictTesting()
          ? policyReply(zone, lookup.domain(), lookup.policy().orElseThrow(), "testing", detail)
          : new Answer(Reply.NOT_FOUND, "testing", detail);
      case NONE -> new Answer(Reply.NOT_FOUND, "none", detail);
      case NO_POLICY -> {
        if (collector != null && state instanceof PolicyState.PolicyFailure) {
          // RFC 8460 section 4.3.2.1: a policy that cannot be fetched or is invalid is reported;
          // the session that follows goes without MTA-STS. The MX host is not known here.
          collector.onVerdict(new VerdictEvent(lookup, "", SessionDetails.NONE,
              new Verdict.Deliver(), Optional.empty()));
        }
        yield new Answer(Reply.NOT_FOUND, "no-policy", detail);
      }
      case UNAVAILABLE -> unavailable(lookup.domain(), "unavailable", detail);
    };
  }

  private static String detail(PolicyState state) {
    if (state instanceof PolicyState.Applied applied) {
      String s = "policy id " + Escape.quote(applied.id()) + " (" + applied.policy().mode().token()
          + ")";
      if (applied.refreshFailure().isPresent()) {
        s += ", kept from the cache: refresh failed with "
            + applied.refreshFailure().get().resultType().token();
      }
      return s;
    }
    if (state instanceof PolicyState.PolicyFailure failure) {
      return failure.failure().detail();
    }
    return state instanceof PolicyState.Unavailable unavailable ? unavailable.detail()
        : ((PolicyState.NoPolicy) state).detail();
  }

  private static Answer policyReply(Zone zone, String domain, Policy policy, String outcome,
      String detail) {
    StringBuilder sb = new StringBuilder(64 + 32 * policy.mx().size()).append("secure match=");
    boolean first = true;
    for (MxPattern p : policy.mx()) {
      if (!first) {
        sb.append(':');
      }
      first = false;
      // Postfix writes "*.example.com" as ".example.com"; it then matches any depth (see README).
      sb.append(p.isWildcard() ? p.value().substring(1) : p.value());
    }
    if (zone.requireSni()) {
      sb.append(" servername=hostname");
    }
    if (zone.tlsrptAttributes()) {
      // Postfix 3.10 TLSRPT_README, "MTA-STS Support via smtp_tls_policy_maps". policy_failure is
      // never sent: see the README (Postfix, TLSRPT attributes).
      sb.append(" policy_type=sts policy_domain=").append(domain);
      for (MxPattern p : policy.mx()) {
        sb.append(" mx_host_pattern=").append(p.value());
      }
      for (String line : policy.toLines()) {
        sb.append(" { policy_string = ").append(line).append(" }");
      }
    }
    Reply reply = Reply.ok(sb.toString());
    if (reply.bytes().length > Reply.MAX_REPLY_BYTES) {
      // Answering NOTFOUND would drop an enforce policy; Postfix defers on TEMP and retries.
      return new Answer(Reply.temp("the MTA-STS policy of " + domain + " is too large for a"
          + " socketmap reply"), "too-large", detail);
    }
    return new Answer(reply, outcome, detail);
  }

  /**
   * How many domains the cache holds in memory.
   *
   * @return the count
   */
  public long cachedDomains() {
    return resolver.size();
  }

  @Override
  public void close() {
    mtaSts.close(); // the cache, the store, and the TLS-RPT reporter with its collector
  }

  private static OpenedStore openStore(DaemonConfig config, boolean daemon) {
    if (config.jdbc().isPresent()) {
      return new OpenedStore(JdbcPolicyStore.builder(config.jdbc().get(),
          config.jdbcUser().orElse(null), System.getenv("MTASTS_JDBC_PASSWORD")).build(), null);
    }
    Path dir = config.store().orElse(
        Path.of(System.getProperty("user.home"), ".cache", "mtasts", "policies"));
    try {
      return new OpenedStore(FilePolicyStore.builder(dir).build(), null);
    } catch (PolicyStoreException e) {
      if (daemon || e.reason() != PolicyStoreException.Reason.LOCKED) {
        throw e;
      }
      // The server holds the store: answer from what it has cached, and store nothing.
      FilePolicyStore store = FilePolicyStore.builder(dir).readOnly(true).build();
      OptionalLong holder = store.lockHolder();
      String note = "the store " + store.directory() + " is in use by "
          + (holder.isPresent() ? "process " + holder.getAsLong() : "another process")
          + " (the server, or another mtasts command): answering from its cached policies"
          + " without storing anything";
      return new OpenedStore(store, note);
    }
  }

  /** The JDK's trusted roots and the CA certificates of a PEM file, in one trust store. */
  private static KeyStore trustStore(Path pemFile) {
    try {
      Collection<? extends Certificate> extra = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(
              DaemonConfig.readFile(pemFile, "trust_pem")));
      if (extra.isEmpty()) {
        throw new ConfigException("trust_pem " + pemFile + " holds no PEM certificate");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init((KeyStore) null);
      int i = 0;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          for (X509Certificate root : x509.getAcceptedIssuers()) {
            ks.setCertificateEntry("jdk-" + i++, root);
          }
        }
      }
      i = 0;
      for (Certificate c : extra) {
        ks.setCertificateEntry("trust-pem-" + i++, c);
      }
      return ks;
    } catch (IOException e) {
      throw new ConfigException("cannot read trust_pem " + pemFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new ConfigException("trust_pem " + pemFile + " is not a PEM certificate file: "
          + e.getMessage(), e);
    }
  }

  /** Submits {@code mailto:} reports through the local {@code sendmail} program. */
  private static final class Sendmail implements TlsRptMailer {
    private final Path program;

    Sendmail(Path program) {
      this.program = program;
    }

    @Override
    public CompletableFuture<Void> send(TlsRptEmail email) {
      return CompletableFuture.runAsync(() -> {
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "-i", "-f", email.from(),
            "--"));
        cmd.addAll(email.recipients());
        try {
          Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          try (OutputStream in = p.getOutputStream()) {
            in.write(email.message());
          }
          if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(program + " did not finish within 60 s");
          }
          if (p.exitValue() != 0) {
            throw new IllegalStateException(program + " exited with " + p.exitValue());
          }
        } catch (IOException e) {
          throw new IllegalStateException("cannot run " + program + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      });
    }
  }
}
