package dev.mtasts.cli;

import dev.mtasts.cache.PolicyStoreException;
import dev.mtasts.postfix.Answer;
import dev.mtasts.postfix.ConfigException;
import dev.mtasts.postfix.DaemonConfig;
import dev.mtasts.postfix.PolicyAnswers;
import dev.mtasts.postfix.PolicyDaemon;
import dev.mtasts.postfix.DaemonEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtasts postfix}: the Postfix socketmap policy server and its one-shot query. */
@Command(
    name = "postfix",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "MTA-STS policy server for Postfix (smtp_tls_policy_maps over socketmap).",
    description = {
      "In main.cf:  smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8462:postfix",
      "The socketmap name (here 'postfix') picks a zone of the configuration file; names without"
          + " a zone of their own use the default zone."
    },
    subcommands = {PostfixCommand.Serve.class, PostfixCommand.Query.class})
final class PostfixCommand implements Callable<Integer> {
  private final Io io;

  PostfixCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    io.error("name a postfix command: serve or query");
    return ExitCodes.USAGE_OR_IO;
  }

  /** The options both commands share; each one given overrides the configuration file. */
  static final class Shared {
    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML configuration file (see mtasts-postfix/examples/mtasts-postfix.yml).")
    Path config;

    @Option(names = "--dns", paramLabel = "HOST[:PORT]",
        description = "Ask this recursive DNS server instead of the system's. Repeatable.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--trust-pem", paramLabel = "FILE",
        description = "Also trust the CA certificates in this PEM file for policy fetches.")
    Path trustPem;

    @Option(names = "--store", paramLabel = "DIR",
        description = "Policy store directory (default: ~/.cache/mtasts/policies).")
    Path store;

    @Option(names = "--jdbc", paramLabel = "URL",
        description = "JDBC URL of a shared policy store; password from $"
            + StoreOptions.PASSWORD_ENV + ".")
    String jdbc;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "Database user for --jdbc.")
    String jdbcUser;

    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "How long each DNS lookup and policy fetch may take (default 10s).")
    String timeout;

    @Option(names = "--defer-when-unavailable",
        description = "Answer TEMP (Postfix defers the mail) instead of NOTFOUND when a policy is"
            + " temporarily unavailable and none is cached.")
    boolean deferWhenUnavailable;

    /** For tests only: RFC 8461 policy hosts are always on port 443. */
    @Option(names = "--policy-port", paramLabel = "PORT", hidden = true)
    Integer policyPort;

    DaemonConfig.Builder builder() {
      DaemonConfig.Builder b = config != null ? DaemonConfig.load(config) : DaemonConfig.builder();
      if (!dns.isEmpty()) {
        b.replaceDns(dns);
      }
      if (trustPem != null) {
        b.trustPem(trustPem);
      }
      if (store != null) {
        b.store(store);
      }
      if (jdbc != null) {
        b.jdbc(jdbc);
      }
      if (jdbcUser != null) {
        b.jdbcUser(jdbcUser);
      }
      if (timeout != null) {
        b.timeout(timeout);
      }
      if (deferWhenUnavailable) {
        b.deferWhenUnavailable(true);
      }
      if (policyPort != null) {
        b.policyPort(policyPort);
      }
      return b;
    }
  }

  /** {@code mtasts postfix serve}. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      header = "Run the socketmap policy server in the foreground (logs to stderr; SIGTERM stops"
          + " it).")
  static final class Serve implements Callable<Integer> {
    private final Io io;

    @Mixin Shared shared = new Shared();

    @Option(names = "--listen", paramLabel = "HOST:PORT|unix:PATH",
        description = "Listen here (default 127.0.0.1:8462). Repeatable.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
        description = "Serve Prometheus metrics at http://HOST:PORT/metrics.")
    String metrics;

    Serve(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      DaemonConfig config;
      try {
        DaemonConfig.Builder b = shared.builder();
        if (!listen.isEmpty()) {
          b.replaceListen(listen);
        }
        if (metrics != null) {
          b.metrics(metrics);
        }
        config = b.build();
      } catch (ConfigException e) {
        io.error(Terminal.safe(e.getMessage()));
        return ExitCodes.USAGE_OR_IO;
      }
      PolicyDaemon daemon;
      try {
        daemon = PolicyDaemon.start(config);
      } catch (ConfigException | PolicyStoreException e) {
        io.error(Terminal.safe(String.valueOf(e.getMessage())));
        return ExitCodes.USAGE_OR_IO;
      } catch (IOException e) {
        io.error("cannot listen: " + Terminal.safe(e.toString()));
        return ExitCodes.USAGE_OR_IO;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        daemon.close();
        stopped.countDown();
      }, "mtasts-postfix-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Runtime.getRuntime().removeShutdownHook(hook);
        daemon.close();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code mtasts postfix query}. */
  @Command(
      name = "query",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      header = "Print the reply the server gives for a key, e.g. 'OK secure match=...' or"
          + " 'NOTFOUND '.",
      description = {
        "The reply is printed exactly as the server sends it inside the netstring (NOTFOUND"
            + " keeps its trailing space). It goes through the same policy store as the server:"
            + " when the store is free, a policy fetched here is cached for the server too.",
        "",
        "Beside a running server, which holds a file store (--store) for itself, the query"
            + " reads that store without writing to it and says so on stderr: it answers from"
            + " the server's cached policies, and a policy it has to fetch is used without being"
            + " stored. The reply, the exit code and the --json line are the same either way.",
        "",
        "With --json, one JSON object on one line: name, key, reply, outcome, detail."
      })
  static final class Query implements Callable<Integer> {
    private final Io io;

    @Mixin Shared shared = new Shared();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "postfix",
        description = "The socketmap name, which picks the zone (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--json", description = "Print one JSON object on one line.")
    boolean json;

    @Parameters(paramLabel = "KEY", description = "The key as Postfix sends it, e.g. example.com.")
    String key;

    Query(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      DaemonConfig config;
      try {
        config = shared.builder().build();
      } catch (ConfigException e) {
        io.error(Terminal.safe(e.getMessage()));
        return ExitCodes.USAGE_OR_IO;
      }
      Answer a;
      try (PolicyAnswers answers = PolicyAnswers.open(config, DaemonEvents.NONE, false)) {
        answers.storeNote().ifPresent(note -> io.error(Terminal.safe(note)));
        a = PolicyDaemon.answer(config, answers, name, key);
      } catch (ConfigException | PolicyStoreException e) {
        io.error(Terminal.safe(String.valueOf(e.getMessage())));
        return ExitCodes.USAGE_OR_IO;
      }
      if (json) {
        io.println(Json.object(g -> {
          g.writeStringField("name", name);
          g.writeStringField("key", key);
          g.writeStringField("reply", a.reply().wire());
          g.writeStringField("outcome", a.outcome());
          g.writeStringField("detail", a.detail());
        }));
      } else {
        io.println(Terminal.safe(a.reply().wire()));
      }
      return ExitCodes.OK;
    }
  }
}
