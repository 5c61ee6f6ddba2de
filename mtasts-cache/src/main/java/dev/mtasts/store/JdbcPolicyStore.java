package dev.mtasts.store;

import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.Lease;
import dev.mtasts.cache.StoreProblem;
import dev.mtasts.cache.PolicyStoreException;
import dev.mtasts.store.internal.CorruptEntryException;
import dev.mtasts.store.internal.Domains;
import dev.mtasts.store.internal.EntryFormat;
import dev.mtasts.store.internal.Sql;
import dev.mtasts.store.internal.UrlDataSource;
import dev.mtasts.store.internal.Text;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A policy store in one database table, reached through any {@link DataSource}: the store for a
 * fleet of MTAs that share their cache. It needs only {@code java.sql} and the application's JDBC
 * driver.
 *
 * <pre>{@code
 * PolicyStore store = JdbcPolicyStore.builder(dataSource).table("mtasts_policy").build();
 * }</pre>
 *
 * <h2>Schema</h2>
 *
 * <p>The table is created when absent ({@code CREATE TABLE IF NOT EXISTS}), one row per domain:
 *
 * <pre>
 * domain      VARCHAR(253) PRIMARY KEY    lower-case A-label
 * policy_id   VARCHAR(32)                 the _mta-sts record id
 * fetched_at  TIMESTAMP WITH TIME ZONE    null: the row holds only a lease
 * policy_text TEXT (PostgreSQL) or VARCHAR(65536)
 * lease_owner VARCHAR(255)
 * lease_until TIMESTAMP WITH TIME ZONE
 * </pre>
 *
 * <p>Times are kept to the microsecond: {@code fetchedAt} is truncated to microseconds when saved.
 *
 * <h2>Dialects</h2>
 *
 * <p>On PostgreSQL (detected from the driver, or set with {@link Builder#dialect}) a save is one
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} statement and a lease is taken with {@code
 * SELECT ... FOR UPDATE SKIP LOCKED}, so an MTA never waits for a row another MTA is working on.
 * Elsewhere (H2 and other databases) the store uses portable SQL: a conditional {@code UPDATE}, an
 * {@code INSERT} when no row exists, and a retry when a concurrent writer inserted first; a lease
 * is one conditional {@code UPDATE}. Both keep the {@link PolicyStore} contract under concurrent
 * writers: the entry fetched last wins. A row whose {@code fetched_at} lies in the future (more than
 * {@link CachedPolicy#CLOCK_SKEW_TOLERANCE} ahead) was written by an MTA whose clock ran ahead; any
 * save replaces it. On PostgreSQL "the future" is the database's own clock, so one MTA's fast
 * clock cannot pin a row for the fleet; elsewhere it is the store's {@link Clock}.
 *
 * <h2>Rows that do not parse</h2>
 *
 * <p>A row whose policy text, id or domain is not valid (edited by hand, written by a broken tool)
 * is reported, never treated as absent: {@link #load(String)} throws a {@link PolicyStoreException}
 * with {@link PolicyStoreException.Reason#CORRUPT}; {@link #loadAll()} leaves the row out and
 * returns a {@link StoreProblem} for it; both tell the {@linkplain Builder#problemListener
 * listener} and log a warning. The row itself is left as it is, for an operator to look at; the next
 * successful {@link #save(CachedPolicy)} of the domain replaces it.
 *
 * <h2>Timeouts</h2>
 *
 * <p>No call waits for the database longer than the {@linkplain Builder#timeout timeout} (10
 * seconds by default): every statement has it as its query timeout, every connection as its network
 * timeout, and a data source without a login timeout of its own gets it as one. A database that is
 * down, frozen or cut off fails the call with a {@link PolicyStoreException}. Connection pools have
 * their own acquisition timeout; set it no longer than this one.
 *
 * <h2>Leases</h2>
 *
 * <p>Lease times come from the store's {@link Clock}; MTAs sharing a table need clocks in step
 * (NTP) to well within the lease duration. {@link #delete(String)} removes a domain's lease with its
 * policy.
 */
public final class JdbcPolicyStore implements PolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcPolicyStore.class);
  private static final int MAX_ATTEMPTS = 5;

  /** Which SQL the store speaks. */
  public enum Dialect {
    /** PostgreSQL 9.5 or later: {@code ON CONFLICT} upserts and {@code SKIP LOCKED} leases. */
    POSTGRESQL,
    /** Portable SQL, used for H2 and any other database. */
    PORTABLE
  }

  private final DataSource dataSource;
  private final String table;
  private final Dialect dialect;
  private final Sql sql;
  private final Clock clock;
  private final Consumer<? super StoreProblem> listener;
  private final int timeoutMillis;
  private final int timeoutSeconds;
  private volatile boolean closed;

  private JdbcPolicyStore(Builder b, Dialect dialect) {
    this.dataSource = b.dataSource;
    this.table = b.table;
    this.dialect = dialect;
    this.sql = new Sql(b.table, dialect == Dialect.POSTGRESQL);
    this.clock = b.clock;
    this.listener = b.listener;
    this.timeoutMillis = millis(b.timeout);
    this.timeoutSeconds = seconds(b.timeout);
  }

  /**
   * Starts configuring a store on a JDBC URL, for a process without a connection pool: each store
   * call opens a connection through {@link java.sql.DriverManager} (the driver must be on the class
   * path). A fleet of MTAs usually gives a pooled {@link DataSource} to {@link
   * #builder(DataSource)} instead.
   *
   * @param jdbcUrl for example {@code jdbc:postgresql://db.example.net/mail}
   * @param user the user, or {@code null} for the URL's own
   * @param password the password, or {@code null}; it never appears in logs or messages
   * @return a builder
   */
  public static Builder builder(String jdbcUrl, @Nullable String user, @Nullable String password) {
    return builder(new UrlDataSource(Objects.requireNonNull(jdbcUrl, "jdbcUrl"), user, password));
  }

  /**
   * Starts configuring a store.
   *
   * @param dataSource where the table is
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Returns the dialect in use.
   *
   * @return the dialect given or detected
   */
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public Optional<CachedPolicy> load(String domain) {
    checkOpen();
    String d = Domains.normalize(domain);
    try (Connection c = connection();
        PreparedStatement st = prepare(c, sql.selectOne)) {
      st.setString(1, d);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        try {
          return Optional.of(decodeRow(d, rs.getString(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3)));
        } catch (CorruptEntryException e) {
          StoreProblem p = new StoreProblem(d, location(d), e.getMessage(), null);
          report(p);
          throw new PolicyStoreException(
              PolicyStoreException.Reason.CORRUPT, d, location(d), e.getMessage(), null);
        }
      }
    } catch (SQLException e) {
      throw failure(d, "cannot load the policy", e);
    }
  }

  @Override
  public LoadedPolicies loadAll() {
    checkOpen();
    List<CachedPolicy> policies = new ArrayList<>();
    List<StoreProblem> problems = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      // PostgreSQL streams a result set with a fetch size only inside a transaction.
      c.setAutoCommit(false);
      try (PreparedStatement st = prepare(c, sql.selectAll)) {
        st.setFetchSize(1000);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            String d = rs.getString(1);
            try {
              policies.add(decodeRow(d, rs.getString(2), rs.getObject(3, OffsetDateTime.class), rs.getString(4)));
            } catch (CorruptEntryException e) {
              StoreProblem p =
                  new StoreProblem(
                      d != null && Domains.isNormal(d) ? d : null, location(d), e.getMessage(), null);
              report(p);
              problems.add(p);
            }
          }
        }
        c.commit();
      } finally {
        restore(c, autoCommit);
      }
    } catch (SQLException e) {
      throw failure(null, "cannot load the policies", e);
    }
    return new LoadedPolicies(policies, problems);
  }

  @Override
  public boolean save(CachedPolicy policy) {
    checkOpen();
    String d = Domains.normalize(policy.domain());
    String id = Domains.checkId(policy.id());
    String text = policy.policy().toText();
    EntryFormat.checkPolicyLength(text.length()); // ASCII: characters are bytes
    OffsetDateTime fetchedAt = timestamp(policy.fetchedAt());
    try (Connection c = connection()) {
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement st = prepare(c, sql.upsert)) {
          st.setString(1, d);
          st.setString(2, id);
          st.setObject(3, fetchedAt);
          st.setString(4, text);
          return st.executeUpdate() > 0;
        }
      }
      boolean sawDuplicate = false;
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        try (PreparedStatement st = prepare(c, sql.updateIfNotNewer)) {
          st.setString(1, id);
          st.setObject(2, fetchedAt);
          st.setString(3, text);
          st.setString(4, d);
          st.setObject(5, fetchedAt);
          st.setObject(6, timestamp(clock.instant().plus(CachedPolicy.CLOCK_SKEW_TOLERANCE)));
          if (st.executeUpdate() > 0) {
            return true;
          }
        }
        if (sawDuplicate) {
          // The row exists (the insert said so) and was fetched later, not in the future: keep it.
          return false;
        }
        try (PreparedStatement st = prepare(c, sql.insert)) {
          st.setString(1, d);
          st.setString(2, id);
          st.setObject(3, fetchedAt);
          st.setString(4, text);
          st.executeUpdate();
          return true;
        } catch (SQLException e) {
          if (!Sql.isDuplicateKey(e)) {
            throw e;
          }
          sawDuplicate = true;
        }
      }
      return false;
    } catch (SQLException e) {
      throw failure(d, "cannot save the policy", e);
    }
  }

  @Override
  public boolean delete(String domain) {
    checkOpen();
    String d = Domains.normalize(domain);
    try (Connection c = connection();
        PreparedStatement st = prepare(c, sql.delete)) {
      st.setString(1, d);
      return st.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure(d, "cannot delete the policy", e);
    }
  }

  @Override
  public Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
    checkOpen();
    String d = Domains.normalize(domain);
    Domains.checkOwner(owner);
    Domains.checkTtl(ttl);
    Instant now = clock.instant();
    OffsetDateTime until = timestamp(now.plus(ttl));
    Lease lease = new Lease(d, owner, until.toInstant());
    try (Connection c = connection()) {
      boolean granted =
          dialect == Dialect.POSTGRESQL
              ? leasePostgres(c, d, owner, now, until)
              : leasePortable(c, d, owner, now, until);
      return granted ? Optional.of(lease) : Optional.empty();
    } catch (SQLException e) {
      throw failure(d, "cannot take a lease", e);
    }
  }

  private boolean leasePostgres(
      Connection c, String d, String owner, Instant now, OffsetDateTime until) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    boolean granted = false;
    try {
      try (PreparedStatement lock = prepare(c, sql.leaseLockRow)) {
        lock.setString(1, d);
        try (ResultSet rs = lock.executeQuery()) {
          if (rs.next()) {
            String holder = rs.getString(1);
            OffsetDateTime heldUntil = rs.getObject(2, OffsetDateTime.class);
            if (holder == null
                || heldUntil == null
                || !heldUntil.toInstant().isAfter(now)
                || holder.equals(owner)) {
              try (PreparedStatement set = prepare(c, sql.leaseSet)) {
                set.setString(1, owner);
                set.setObject(2, until);
                set.setString(3, d);
                granted = set.executeUpdate() == 1;
              }
            }
          } else {
            // No row, or a row another transaction has locked (skipped): only the first is ours.
            try (PreparedStatement insert = prepare(c, sql.leaseInsertIfAbsent)) {
              insert.setString(1, d);
              insert.setString(2, owner);
              insert.setObject(3, until);
              granted = insert.executeUpdate() == 1;
            }
          }
        }
      }
      if (granted) {
        c.commit();
      } else {
        c.rollback();
      }
      return granted;
    } catch (SQLException e) {
      rollbackQuietly(c, e);
      throw e;
    } finally {
      restore(c, autoCommit);
    }
  }

  private boolean leasePortable(
      Connection c, String d, String owner, Instant now, OffsetDateTime until) throws SQLException {
    try (PreparedStatement set = prepare(c, sql.leaseConditionalSet)) {
      set.setString(1, owner);
      set.setObject(2, until);
      set.setString(3, d);
      set.setObject(4, timestamp(now));
      set.setString(5, owner);
      if (set.executeUpdate() > 0) {
        return true;
      }
    }
    try (PreparedStatement insert = prepare(c, sql.leaseInsert)) {
      insert.setString(1, d);
      insert.setString(2, owner);
      insert.setObject(3, until);
      return insert.executeUpdate() == 1;
    } catch (SQLException e) {
      if (Sql.isDuplicateKey(e)) {
        return false; // the row exists and another owner's lease holds
      }
      throw e;
    }
  }

  @Override
  public boolean release(Lease lease) {
    checkOpen();
    String d = Domains.normalize(lease.domain());
    try (Connection c = connection()) {
      try (PreparedStatement st = prepare(c, sql.releasePlaceholder)) {
        st.setString(1, d);
        st.setString(2, lease.owner());
        if (st.executeUpdate() > 0) {
          return true;
        }
      }
      try (PreparedStatement st = prepare(c, sql.releaseLease)) {
        st.setString(1, d);
        st.setString(2, lease.owner());
        return st.executeUpdate() > 0;
      }
    } catch (SQLException e) {
      throw failure(d, "cannot release the lease", e);
    }
  }

  /** Does nothing to the data source, which belongs to the caller; later calls fail. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "JdbcPolicyStore[" + table + ", " + dialect + (closed ? ", closed]" : "]");
  }

  // ---------------------------------------------------------------------------------------------

  private static CachedPolicy decodeRow(
      @Nullable String domain,
      @Nullable String id,
      @Nullable OffsetDateTime fetchedAt,
      @Nullable String text)
      throws CorruptEntryException {
    if (domain == null || !Domains.isNormal(domain)) {
      throw new CorruptEntryException(
          "the domain is not a lower-case A-label: " + (domain == null ? "null" : Text.quote(domain)));
    }
    if (id == null || !Domains.isValidId(id)) {
      throw new CorruptEntryException(
          "the policy id is not 1 to 32 letters and digits: " + (id == null ? "null" : Text.quote(id)));
    }
    if (fetchedAt == null) {
      throw new CorruptEntryException("fetched_at is missing");
    }
    if (text == null) {
      throw new CorruptEntryException("policy_text is missing");
    }
    ParseResult<Policy> parsed = Policy.parse(text.getBytes(StandardCharsets.UTF_8));
    if (!(parsed instanceof ParseResult.Valid<Policy> valid)) {
      throw new CorruptEntryException("the stored policy text does not parse: " + parsed.errors());
    }
    return new CachedPolicy(domain, id, valid.get(), fetchedAt.toInstant());
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private String location(@Nullable String domain) {
    return "table " + table + ", row " + (domain == null ? "null" : Text.quote(domain));
  }

  private PolicyStoreException failure(@Nullable String domain, String what, SQLException e) {
    String where = domain == null ? "table " + table : location(domain);
    return new PolicyStoreException(
        PolicyStoreException.Reason.DATABASE,
        domain,
        where,
        what + ": " + e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]",
        e);
  }

  private void report(StoreProblem p) {
    LOG.warn("policy store: {}", p);
    try {
      listener.accept(p);
    } catch (RuntimeException e) {
      LOG.warn("policy store: the problem listener failed", e);
    }
  }

  /**
   * Returns a connection in auto-commit mode, whatever the pool's default, so that each statement
   * of the single-statement operations is committed on its own. A pool resets the mode when the
   * connection is returned; a plain data source closes it.
   */
  private Connection connection() throws SQLException {
    return open(dataSource, timeoutMillis);
  }

  /** A connection of the data source, in auto-commit mode, whose socket reads are bounded. */
  private static Connection open(DataSource dataSource, int timeoutMillis) throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      try {
        // A server that stops answering (frozen, or a dead link) fails the call instead of
        // hanging the thread: a socket read waits at most this long.
        c.setNetworkTimeout(Runnable::run, timeoutMillis);
      } catch (SQLFeatureNotSupportedException | AbstractMethodError e) {
        LOG.debug("the JDBC driver cannot bound network reads; the query timeout still applies");
      }
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** A timeout in milliseconds for JDBC, which takes an int. */
  private static int millis(Duration timeout) {
    return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
  }

  /** A timeout in whole seconds, rounded up, for JDBC's query and login timeouts. */
  private static int seconds(Duration timeout) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (timeout.toMillis() + 999) / 1000));
  }

  /** Prepares a statement that the database cancels after the store's timeout. */
  private PreparedStatement prepare(Connection c, String statement) throws SQLException {
    PreparedStatement st = c.prepareStatement(statement);
    try {
      st.setQueryTimeout(timeoutSeconds);
    } catch (SQLFeatureNotSupportedException e) {
      LOG.debug("the JDBC driver cannot time out queries");
    }
    return st;
  }

  private static void restore(Connection c, boolean autoCommit) {
    try {
      if (c.getAutoCommit() != autoCommit) {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      LOG.debug("cannot restore auto-commit", e);
    }
  }

  private static void rollbackQuietly(Connection c, SQLException cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the policy store " + this + " is closed");
    }
  }

  /** Configures a {@link JdbcPolicyStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String table = "mtasts_policy";
    private @Nullable Dialect dialect;
    private boolean createSchema = true;
    private Clock clock = Clock.systemUTC();
    private Consumer<? super StoreProblem> listener = p -> {};
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets how long one call may wait for the database: each statement's query timeout, the
     * connection's network timeout ({@link Connection#setNetworkTimeout}), and the data source's
     * login timeout when it has none of its own. A database that stops answering then fails the
     * call with a {@link PolicyStoreException} instead of hanging it. Default: 10 seconds.
     *
     * @param timeout the limit; at least one millisecond
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is under one millisecond
     */
    public Builder timeout(Duration timeout) {
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("the timeout must be at least 1 ms");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the table.
     *
     * @param table {@code name} or {@code schema.name}, letters, digits and underscores; default
     *     {@code mtasts_policy}
     * @return this builder
     * @throws IllegalArgumentException when the name is not such an identifier
     */
    public Builder table(String table) {
      this.table = Sql.checkTable(Objects.requireNonNull(table, "table"));
      return this;
    }

    /**
     * Sets the dialect instead of detecting it from the driver's product name.
     *
     * @param dialect the dialect
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets whether {@link #build()} creates the table when it is absent.
     *
     * @param create default {@code true}; with {@code false} the table must exist
     * @return this builder
     */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /**
     * Sets the clock that lease times are taken from.
     *
     * @param clock the clock; default the system clock in UTC
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets who hears of rows that do not parse, in addition to the log.
     *
     * @param listener the listener; default none
     * @return this builder
     */
    public Builder problemListener(Consumer<? super StoreProblem> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Connects once: detects the dialect, creates the table when absent and checks its columns.
     *
     * @return the store
     * @throws PolicyStoreException with {@link PolicyStoreException.Reason#DATABASE} when the
     *     database cannot be reached or the table cannot be created or lacks a column
     */
    public JdbcPolicyStore build() {
      try {
        if (dataSource.getLoginTimeout() == 0) {
          // Connecting to a server that accepts but never answers would otherwise wait forever.
          dataSource.setLoginTimeout(seconds(timeout));
        }
      } catch (SQLException | UnsupportedOperationException e) {
        LOG.debug("the data source keeps its login timeout", e);
      }
      // auto-commit: the CREATE TABLE must be committed
      try (Connection c = open(dataSource, millis(timeout))) {
        Dialect d = dialect;
        if (d == null) {
          String product = c.getMetaData().getDatabaseProductName();
          d =
              product != null && product.toLowerCase(Locale.ROOT).contains("postgresql")
                  ? Dialect.POSTGRESQL
                  : Dialect.PORTABLE;
        }
        Sql statements = new Sql(table, d == Dialect.POSTGRESQL);
        if (!probe(c, statements)) {
          if (!createSchema) {
            throw new PolicyStoreException(
                PolicyStoreException.Reason.DATABASE,
                null,
                "table " + table,
                "the table does not exist or lacks a column, and schema creation is off",
                null);
          }
          try (Statement st = c.createStatement()) {
            st.execute(statements.createTable);
          } catch (SQLException e) {
            // Another MTA may have created it at the same moment; the probe below decides.
            LOG.debug("creating {} failed", table, e);
          }
          if (!probe(c, statements)) {
            throw new PolicyStoreException(
                PolicyStoreException.Reason.DATABASE,
                null,
                "table " + table,
                "the table could not be created, or exists without the columns "
                    + "domain, policy_id, fetched_at, policy_text, lease_owner, lease_until",
                null);
          }
        }
        return new JdbcPolicyStore(this, d);
      } catch (SQLException e) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.DATABASE,
            null,
            "table " + table,
            "cannot connect: " + e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]",
            e);
      }
    }

    private static boolean probe(Connection c, Sql statements) {
      try (Statement st = c.createStatement()) {
        st.executeQuery(statements.probe).close();
        return true;
      } catch (SQLException e) {
        LOG.debug("probing {} failed", statements.probe, e);
        return false;
      }
    }
  }
}
