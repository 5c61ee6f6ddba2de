package dev.mtasts.cli;

import dev.mtasts.cache.Resolution;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.PolicyResolver;
import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.PolicyStoreException;
import dev.mtasts.cache.StoreProblem;
import dev.mtasts.policy.HostName;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtasts cache}: inspect and repair the policy cache without touching its files by hand. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Inspect and repair the MTA-STS policy cache.",
    description = {
      "The cache is a directory (--store, the default) or a database shared by a fleet (--jdbc)."
    },
    subcommands = {CacheCommand.ListCommand.class, CacheCommand.ShowCommand.class,
        CacheCommand.RefreshCommand.class, CacheCommand.PurgeCommand.class})
final class CacheCommand implements Callable<Integer> {
  private final Io io;

  CacheCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    io.error("name a cache command: list, show, refresh or purge");
    return ExitCodes.USAGE_OR_IO;
  }

  /** Something to do with an open store. */
  @FunctionalInterface
  interface StoreAction {
    int run(PolicyStore store);
  }

  /** Something to do with a resolver. */
  @FunctionalInterface
  interface ResolverAction {
    int run(PolicyResolver resolver, NetworkOptions.Network net);
  }

  static int withStore(Io io, StoreOptions options, StoreAction action) {
    return withStore(io, options, false, action);
  }

  /**
   * Runs an action on the store.
   *
   * @param readOnly whether the action only reads: a file store that a running MTA holds is then
   *     read beside it (with a note on stderr) instead of refused
   */
  static int withStore(Io io, StoreOptions options, boolean readOnly, StoreAction action) {
    PolicyStore store;
    try {
      store = options.open(readOnly ? note -> io.error(Terminal.safe(note)) : null);
    } catch (PolicyStoreException | IllegalArgumentException e) {
      io.error("cannot open the policy store " + Terminal.safe(options.describe()) + ": "
          + Terminal.safe(String.valueOf(e.getMessage())));
      return ExitCodes.USAGE_OR_IO;
    }
    try (store) {
      return action.run(store);
    } catch (PolicyStoreException e) {
      io.error(Terminal.safe(String.valueOf(e.getMessage())));
      return ExitCodes.USAGE_OR_IO;
    }
  }

  static int withResolver(Io io, NetworkOptions network, StoreOptions options,
      ResolverAction action) {
    NetworkOptions.Network net;
    try {
      net = network.build();
    } catch (NetworkOptions.UnreadableFileException e) {
      io.error(e.getMessage());
      return ExitCodes.USAGE_OR_IO;
    }
    return withStore(io, options, store -> {
      PolicyResolver resolver = ResolveCommand.resolver(net, store);
      try (resolver) {
        return action.run(resolver, net);
      } catch (IllegalArgumentException e) {
        io.error(Terminal.safe(String.valueOf(e.getMessage())));
        return ExitCodes.USAGE_OR_IO;
      }
    });
  }

  static String domain(Io io, String given) {
    Optional<HostName> name = HostName.parse(given);
    if (name.isEmpty()) {
      io.error("not a valid domain name: " + Terminal.safe(given));
      return null;
    }
    return name.get().value();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "List the cached policies.",
      description = {"One line per domain; with --json one object per line: domain, id, mode,"
          + " max_age, mx, fetched_at, expires_at, fresh. Damaged entries are reported on standard"
          + " error (and set aside by the file store); the exit code is then 1."})
  static final class ListCommand implements Callable<Integer> {
    private final Io io;
    @Mixin StoreOptions store = new StoreOptions();
    @Option(names = "--json", description = "Print one JSON object per line.")
    boolean json;

    ListCommand(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return withStore(io, store, true, s -> {
        LoadedPolicies loaded = s.loadAll();
        Instant now = Instant.now();
        List<CachedPolicy> sorted = loaded.policies().stream()
            .sorted(Comparator.comparing(CachedPolicy::domain)).toList();
        for (CachedPolicy p : sorted) {
          io.println(json ? CacheOutput.cachedJson(p, now, false)
              : String.format("%-40s %-8s id=%s expires %s%s", p.domain(), p.policy().mode(),
                  p.id(), p.expiresAt(), p.isFresh(now) ? "" : " (expired)"));
        }
        for (StoreProblem problem : loaded.problems()) {
          io.error(Terminal.safe(problem.toString()));
        }
        return loaded.problems().isEmpty() ? ExitCodes.OK : ExitCodes.INVALID;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "Show one cached policy with its text.",
      description = {"Exit code 1 when the domain is not in the cache."})
  static final class ShowCommand implements Callable<Integer> {
    private final Io io;
    @Mixin StoreOptions store = new StoreOptions();
    @Option(names = "--json", description = "Print one JSON object (with the policy text).")
    boolean json;
    @Parameters(paramLabel = "DOMAIN", description = "The policy domain.")
    String domain;

    ShowCommand(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      String d = domain(io, domain);
      if (d == null) {
        return ExitCodes.USAGE_OR_IO;
      }
      return withStore(io, store, true, s -> {
        Optional<CachedPolicy> p = s.load(d);
        if (p.isEmpty()) {
          io.error(d + " is not in the cache");
          return ExitCodes.INVALID;
        }
        Instant now = Instant.now();
        if (json) {
          io.println(CacheOutput.cachedJson(p.get(), now, true));
        } else {
          CachedPolicy c = p.get();
          io.println(c.domain() + ": id " + c.id() + ", fetched " + c.fetchedAt() + ", expires "
              + c.expiresAt() + (c.isFresh(now) ? "" : " (expired)"));
          for (String line : c.policy().toLines()) {
            io.println("  " + line);
          }
        }
        return ExitCodes.OK;
      });
    }
  }

  @Command(name = "refresh", mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class, sortOptions = false,
      header = "Fetch a domain's policy now and store it.",
      description = {"Fetches regardless of the TXT id, as proactive refresh does. A failure keeps"
          + " the cached policy. Output as for 'mtasts resolve'; exit code 1 when the fetch failed."})
  static final class RefreshCommand implements Callable<Integer> {
    private final Io io;
    @Mixin NetworkOptions network = new NetworkOptions();
    @Mixin StoreOptions store = new StoreOptions();
    @Option(names = "--json", description = "Print one JSON object on one line.")
    boolean json;
    @Parameters(paramLabel = "DOMAIN", description = "The policy domain.")
    String domain;

    RefreshCommand(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return withResolver(io, network, store, (resolver, net) -> {
        var r = resolver.refreshAsync(domain).join();
        ResolveCommand.print(io, r, json);
        return r.source() == dev.mtasts.cache.Resolution.Source.FETCHED ? ExitCodes.OK
            : ExitCodes.INVALID;
      });
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "Remove a domain from the cache.",
      description = {"The next delivery discovers the policy again. Exit code 1 when the domain was"
          + " not in the cache."})
  static final class PurgeCommand implements Callable<Integer> {
    private final Io io;
    @Mixin StoreOptions store = new StoreOptions();
    @Parameters(paramLabel = "DOMAIN", description = "The policy domain.")
    String domain;

    PurgeCommand(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      String d = domain(io, domain);
      if (d == null) {
        return ExitCodes.USAGE_OR_IO;
      }
      return withStore(io, store, s -> {
        if (s.delete(d)) {
          io.println(d + ": purged");
          return ExitCodes.OK;
        }
        io.println(d + ": not in the cache");
        return ExitCodes.INVALID;
      });
    }
  }
}
