package dev.mtasts.cli;

import dev.mtasts.store.FilePolicyStore;
import dev.mtasts.store.JdbcPolicyStore;
import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.PolicyStoreException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where the policy cache lives: a directory (the file store) or a database (the JDBC store). */
final class StoreOptions {
  /** The environment variable that holds the database password, so it never shows in `ps`. */
  static final String PASSWORD_ENV = "MTASTS_JDBC_PASSWORD";

  @ArgGroup(exclusive = true)
  Where where = new Where();

  @Option(names = "--jdbc-user", paramLabel = "USER",
      description = "Database user for --jdbc; the password is read from $" + PASSWORD_ENV + ".")
  String user;

  static final class Where {
    @Option(names = "--store", paramLabel = "DIR",
        description = "Policy store directory (default: ~/.cache/mtasts/policies).")
    Path dir;

    @Option(names = "--jdbc", paramLabel = "URL",
        description = "JDBC URL of a shared policy store, e.g. jdbc:postgresql://db/mtasts.")
    String jdbc;
  }

  /**
   * Opens the store the options name.
   *
   * @return the store; the caller closes it
   */
  PolicyStore open() {
    return open(null);
  }

  /**
   * Opens the store the options name; a file store that another process holds (a running MTA)
   * is opened read-only, for commands that only read.
   *
   * @param readOnlyNote told, once, when the store was opened read-only; null to fail with
   *     {@code LOCKED} instead
   * @return the store; the caller closes it
   */
  PolicyStore open(@Nullable Consumer<String> readOnlyNote) {
    if (where.jdbc != null) {
      return JdbcPolicyStore.builder(where.jdbc, user, System.getenv(PASSWORD_ENV)).build();
    }
    Path dir = where.dir != null ? where.dir
        : Path.of(System.getProperty("user.home"), ".cache", "mtasts", "policies");
    try {
      return FilePolicyStore.builder(dir).build();
    } catch (PolicyStoreException e) {
      if (readOnlyNote == null || e.reason() != PolicyStoreException.Reason.LOCKED) {
        throw e;
      }
      FilePolicyStore store = FilePolicyStore.builder(dir).readOnly(true).build();
      OptionalLong holder = store.lockHolder();
      readOnlyNote.accept("the store " + store.directory() + " is in use by "
          + (holder.isPresent() ? "process " + holder.getAsLong() : "another process")
          + ": reading it without changing it");
      return store;
    }
  }

  /** Describes the store for people, without secrets. */
  String describe() {
    if (where.jdbc != null) {
      int q = where.jdbc.indexOf('?');
      return q < 0 ? where.jdbc : where.jdbc.substring(0, q);
    }
    return where.dir != null ? where.dir.toString() : "~/.cache/mtasts/policies";
  }
}
