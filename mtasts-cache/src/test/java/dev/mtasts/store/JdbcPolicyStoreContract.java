package dev.mtasts.store;

import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.Lease;
import dev.mtasts.cache.StoreProblem;
import dev.mtasts.cache.PolicyStoreException;
import static dev.mtasts.store.Fixtures.cached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.TestClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The store contract plus what a shared database adds; subclasses supply the database. */
abstract class JdbcPolicyStoreContract extends PolicyStoreContract {
  private static final AtomicInteger TABLES = new AtomicInteger();

  protected final List<StoreProblem> heard = new CopyOnWriteArrayList<>();
  protected String table;

  protected abstract DataSource dataSource();

  protected abstract JdbcPolicyStore.Dialect expectedDialect();

  @Override
  protected PolicyStore newStore(TestClock clock) {
    table = "policy_" + TABLES.incrementAndGet();
    return JdbcPolicyStore.builder(dataSource())
        .table(table)
        .clock(clock)
        .problemListener(heard::add)
        .build();
  }

  protected void execute(String sql, Object... args) throws SQLException {
    try (Connection c = dataSource().getConnection();
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      st.executeUpdate();
    }
  }

  @Test
  void theDialectIsDetected() {
    assertEquals(expectedDialect(), ((JdbcPolicyStore) store).dialect());
  }

  @Test
  void fetchTimesAreKeptToTheMicrosecond() {
    CachedPolicy p = cached("example.com", 1, withNanos(Fixtures.T0));
    store.save(p);
    assertEquals(Fixtures.T0, store.load("example.com").orElseThrow().fetchedAt());
  }

  @Test
  void anExistingTableIsReusedAndItsRowsKept() {
    store.save(cached("example.com", 1));
    try (JdbcPolicyStore second = JdbcPolicyStore.builder(dataSource()).table(table).build()) {
      assertEquals(Optional.of(cached("example.com", 1)), second.load("example.com"));
    }
    try (JdbcPolicyStore noCreate =
        JdbcPolicyStore.builder(dataSource()).table(table).createSchema(false).build()) {
      assertEquals(1, noCreate.loadAll().policies().size());
    }
  }

  @Test
  void aTableWithoutTheColumnsIsRefused() throws SQLException {
    execute("CREATE TABLE wrong_" + table + " (domain VARCHAR(253) PRIMARY KEY, other VARCHAR(10))");
    PolicyStoreException e =
        assertThrows(
            PolicyStoreException.class,
            () -> JdbcPolicyStore.builder(dataSource()).table("wrong_" + table).build());
    assertEquals(PolicyStoreException.Reason.DATABASE, e.reason());
    assertTrue(e.getMessage().contains("wrong_" + table), e.getMessage());
    PolicyStoreException absent =
        assertThrows(
            PolicyStoreException.class,
            () -> JdbcPolicyStore.builder(dataSource()).table("absent_" + table).createSchema(false).build());
    assertEquals(PolicyStoreException.Reason.DATABASE, absent.reason());
  }

  @Test
  void tableNamesAreCheckedIdentifiers() {
    assertThrows(
        IllegalArgumentException.class,
        () -> JdbcPolicyStore.builder(dataSource()).table("t; DROP TABLE x"));
    assertThrows(IllegalArgumentException.class, () -> JdbcPolicyStore.builder(dataSource()).table("a.b.c"));
  }

  @Test
  void aRowThatDoesNotParseIsReportedNotDropped() throws SQLException {
    store.save(cached("good.example", 1));
    execute(
        "INSERT INTO " + table + " (domain, policy_id, fetched_at, policy_text) VALUES (?, ?, ?, ?)",
        "bad.example",
        "id2",
        OffsetDateTime.ofInstant(Fixtures.T0, ZoneOffset.UTC),
        "version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\n"); // enforce without mx
    execute(
        "INSERT INTO " + table + " (domain, policy_id, fetched_at, policy_text) VALUES (?, ?, ?, ?)",
        "Upper.Example",
        "id3",
        OffsetDateTime.ofInstant(Fixtures.T0, ZoneOffset.UTC),
        Fixtures.policy(3).toText());

    LoadedPolicies all = store.loadAll();
    assertEquals(List.of(cached("good.example", 1)), all.policies());
    assertEquals(2, all.problems().size(), all.problems().toString());
    StoreProblem bad =
        all.problems().stream().filter(p -> p.domain().isPresent()).findFirst().orElseThrow();
    assertEquals(Optional.of("bad.example"), bad.domain());
    assertTrue(bad.message().contains("does not parse"), bad.message());
    assertTrue(bad.location().contains(table), bad.location());
    assertEquals(2, heard.size());

    PolicyStoreException e = assertThrows(PolicyStoreException.class, () -> store.load("bad.example"));
    assertEquals(PolicyStoreException.Reason.CORRUPT, e.reason());
    assertEquals(Optional.of("bad.example"), e.domain());
    assertEquals(3, heard.size());
    // The row is left for an operator, so the next load reports it again.
    assertThrows(PolicyStoreException.class, () -> store.load("bad.example"));

    // A fresh fetch replaces it.
    assertTrue(store.save(cached("bad.example", 4)));
    assertEquals(Optional.of(cached("bad.example", 4)), store.load("bad.example"));
  }

  @Test
  void connectionsHandedOutOutsideAutoCommitStillCommit() {
    DataSource transactional =
        (DataSource)
            Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  try {
                    Object result = method.invoke(dataSource(), args);
                    if (result instanceof Connection c) {
                      c.setAutoCommit(false); // as a pool configured so would
                    }
                    return result;
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    try (JdbcPolicyStore pooled =
        JdbcPolicyStore.builder(transactional).table(table + "_tx").clock(clock).build()) {
      assertTrue(pooled.save(cached("example.com", 1)));
      assertTrue(pooled.tryLease("example.com", "mta-1", java.time.Duration.ofMinutes(1)).isPresent());
      try (JdbcPolicyStore plain = JdbcPolicyStore.builder(dataSource()).table(table + "_tx").clock(clock).build()) {
        assertEquals(Optional.of(cached("example.com", 1)), plain.load("example.com"));
        assertEquals(
            Optional.empty(), plain.tryLease("example.com", "mta-2", java.time.Duration.ofMinutes(1)));
      }
    }
  }

  @Test
  void aLeaseIsStoredInTheRow() throws SQLException {
    store.save(cached("example.com", 1));
    Lease lease =
        store.tryLease("example.com", "mta-7", java.time.Duration.ofMinutes(3)).orElseThrow();
    try (Connection c = dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT lease_owner, lease_until FROM " + table + " WHERE domain = 'example.com'")) {
      assertTrue(rs.next());
      assertEquals("mta-7", rs.getString(1));
      assertEquals(lease.expiresAt(), rs.getObject(2, OffsetDateTime.class).toInstant());
    }
    // Another MTA with its own store object on the same table is refused.
    try (JdbcPolicyStore other =
        JdbcPolicyStore.builder(dataSource()).table(table).clock(clock).build()) {
      assertEquals(Optional.empty(), other.tryLease("example.com", "mta-8", java.time.Duration.ofMinutes(3)));
      clock.advance(java.time.Duration.ofMinutes(3));
      assertTrue(other.tryLease("example.com", "mta-8", java.time.Duration.ofMinutes(3)).isPresent());
    }
  }
}
