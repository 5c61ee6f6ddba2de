package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Escape;
import dev.mtasts.postfix.internal.Keys;
import dev.mtasts.postfix.internal.Metrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policy server for Postfix: a {@link SocketmapServer} answering {@code
 * smtp_tls_policy_maps} queries from {@link PolicyAnswers}, with optional Prometheus metrics and
 * TLS-RPT reporting. Start it with {@link #start(DaemonConfig)}, stop it with {@link #close()}.
 *
 * <p>Keys that name no domain are answered {@code NOTFOUND } at once, without a lookup: the parent
 * keys Postfix asks after a {@code NOTFOUND} ({@code .example.com}) and address literals.
 */
public final class PolicyDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyDaemon.class);

  private final PolicyAnswers answers;
  private final SocketmapServer server;
  private final @Nullable HTTPServer http;

  private PolicyDaemon(PolicyAnswers answers, SocketmapServer server, @Nullable HTTPServer http) {
    this.answers = answers;
    this.server = server;
    this.http = http;
  }

  /**
   * Opens the policy store, binds the listen addresses and the metrics port, and starts serving.
   *
   * @param config the settings
   * @return the running daemon
   * @throws ConfigException when the settings name a file that cannot be read
   * @throws IOException when an address cannot be bound
   */
  public static PolicyDaemon start(DaemonConfig config) throws IOException {
    Metrics m = new Metrics();
    PolicyAnswers answers = PolicyAnswers.open(config, m, true);
    m.watchCache(answers::cachedDomains);
    SocketmapServer server = null;
    HTTPServer http = null;
    try {
      server = SocketmapServer.start(config.listen(), (name, key) -> {
        long start = System.nanoTime();
        CompletableFuture<Answer> answer = answerAsync(config, answers, name, key);
        if (answer.isDone()) {
          // Answered from the cache: no stage to chain. It completes normally (answerAsync); a
          // failure to count it is answered by the server as for any handler failure.
          return CompletableFuture.completedFuture(answered(m, name, key, answer.join(), start));
        }
        return answer.thenApply(a -> answered(m, name, key, a, start));
      }, m, SocketmapServer.DEFAULT_MAX_REQUEST_BYTES, config.maxConnections());
      if (config.metrics().isPresent()) {
        InetSocketAddress a = config.metrics().get();
        http = HTTPServer.builder().inetAddress(a.getAddress()).port(a.getPort())
            .registry(m.registry()).buildAndStart();
      }
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      answers.close();
      throw e;
    }
    PolicyDaemon d = new PolicyDaemon(answers, server, http);
    LOG.info("serving socketmap on {}{}", server.listening(),
        http == null ? "" : ", metrics on port " + http.getPort());
    return d;
  }

  /** Counts and logs an answer; returns its reply. */
  private static Reply answered(Metrics m, String name, String key, Answer a, long start) {
    m.answered(a.reply().kind(), a.outcome(), System.nanoTime() - start);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {} ({}: {})", Escape.quote(name), Escape.quote(key),
          Escape.quote(a.reply().wire()), a.outcome(), a.detail());
    } else if (a.outcome().equals("unavailable") || a.outcome().equals("timeout")
        || a.outcome().equals("too-large")) {
      LOG.info("{} {} -> {} ({}: {})", Escape.quote(name), Escape.quote(key),
          a.reply().kind(), a.outcome(), a.detail());
    }
    return a.reply();
  }

  /**
   * Answers one socketmap request as the server does, without a server, blocking until the
   * answer is there: for {@code mtasts postfix query} and tests.
   *
   * @param config the settings (for the zone)
   * @param answers the policy answers
   * @param name the socketmap name
   * @param key the key
   * @return the answer
   */
  public static Answer answer(DaemonConfig config, PolicyAnswers answers, String name,
      String key) {
    return answerAsync(config, answers, name, key).join();
  }

  /**
   * Answers one socketmap request as the server does, without a server.
   *
   * @param config the settings (for the zone)
   * @param answers the policy answers
   * @param name the socketmap name
   * @param key the key
   * @return the answer; the future always completes normally
   */
  public static CompletableFuture<Answer> answerAsync(DaemonConfig config,
      PolicyAnswers answers, String name, String key) {
    Keys.Key k = Keys.classify(key);
    return switch (k.kind()) {
      case PARENT -> CompletableFuture.completedFuture(new Answer(Reply.NOT_FOUND, "parent-key",
          "a parent-domain key, answered without a lookup"));
      case ADDRESS -> CompletableFuture.completedFuture(new Answer(Reply.NOT_FOUND, "address",
          "an address literal has no MTA-STS policy"));
      case EMPTY -> CompletableFuture.completedFuture(new Answer(Reply.NOT_FOUND, "not-a-domain",
          "the key names no domain"));
      case DOMAIN -> answers.answerAsync(config.zone(name), k.domain());
    };
  }

  /**
   * The addresses the daemon listens on.
   *
   * @return the addresses, with the ports picked for port 0
   */
  public List<Listen> listening() {
    return server.listening();
  }

  /**
   * The port of the metrics endpoint.
   *
   * @return the port, if metrics are on
   */
  public Optional<Integer> metricsPort() {
    return http == null ? Optional.empty() : Optional.of(http.getPort());
  }

  /** Stops serving, then closes the cache, the store and the reporter. */
  @Override
  public void close() {
    server.close();
    if (http != null) {
      http.close();
    }
    answers.close();
    LOG.info("stopped");
  }
}
