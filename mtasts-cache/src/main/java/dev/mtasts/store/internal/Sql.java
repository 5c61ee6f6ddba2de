package dev.mtasts.store.internal;

import dev.mtasts.cache.CachedPolicy;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.regex.Pattern;

/**
 * The SQL text of the JDBC store for one table, in two dialects: PostgreSQL (single-statement
 * upsert, {@code FOR UPDATE SKIP LOCKED} leases) and portable SQL (conditional {@code UPDATE}, then
 * {@code INSERT}, retried on a duplicate key; used for H2 and anything else).
 *
 * <p>One row per domain. A row whose {@code fetched_at} is null holds only a lease (a domain leased
 * before any policy was stored) and is not a policy.
 */
public final class Sql {
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  /** The columns, in the order every query selects them. */
  private static final String COLUMNS =
      "domain, policy_id, fetched_at, policy_text, lease_owner, lease_until";

  public final String createTable;
  public final String probe;
  public final String selectOne;
  public final String selectAll;
  public final String upsert;
  public final String updateIfNotNewer;
  public final String insert;
  public final String delete;
  public final String leaseLockRow;
  public final String leaseSet;
  public final String leaseInsertIfAbsent;
  public final String leaseConditionalSet;
  public final String leaseInsert;
  public final String releasePlaceholder;
  public final String releaseLease;

  /**
   * Builds the statements.
   *
   * @param table the table name, optionally schema-qualified; checked
   * @param postgres whether to use the PostgreSQL statements
   * @throws IllegalArgumentException when the table name is not a plain SQL identifier
   */
  public Sql(String table, boolean postgres) {
    checkTable(table);
    String t = table;
    createTable =
        "CREATE TABLE IF NOT EXISTS "
            + t
            + " (domain VARCHAR(253) NOT NULL PRIMARY KEY,"
            + " policy_id VARCHAR(32),"
            + " fetched_at TIMESTAMP WITH TIME ZONE,"
            + " policy_text "
            + (postgres ? "TEXT" : "VARCHAR(" + EntryFormat.MAX_POLICY_BYTES + ")")
            + ","
            + " lease_owner VARCHAR(" + Domains.MAX_OWNER_LENGTH + "),"
            + " lease_until TIMESTAMP WITH TIME ZONE)";
    probe = "SELECT " + COLUMNS + " FROM " + t + " WHERE 1 = 0";
    selectOne =
        "SELECT policy_id, fetched_at, policy_text FROM "
            + t
            + " WHERE domain = ? AND fetched_at IS NOT NULL";
    selectAll =
        "SELECT domain, policy_id, fetched_at, policy_text FROM "
            + t
            + " WHERE fetched_at IS NOT NULL";
    // PostgreSQL: one statement; the WHERE keeps a row fetched later, unless the database's own
    // clock says that "later" lies in the future beyond the skew tolerance: such a row was written
    // by an MTA whose clock ran ahead, and must not pin its policy for the fleet.
    // 1 row = stored, 0 = kept.
    upsert =
        "INSERT INTO "
            + t
            + " AS cur (domain, policy_id, fetched_at, policy_text) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (domain) DO UPDATE SET policy_id = EXCLUDED.policy_id,"
            + " fetched_at = EXCLUDED.fetched_at, policy_text = EXCLUDED.policy_text"
            + " WHERE cur.fetched_at IS NULL OR cur.fetched_at <= EXCLUDED.fetched_at"
            + " OR cur.fetched_at > CURRENT_TIMESTAMP + INTERVAL '"
            + CachedPolicy.CLOCK_SKEW_TOLERANCE.toSeconds() + " seconds'";
    // Portable: update when not newer; when no row was updated, insert; a duplicate key means a
    // row appeared meanwhile, so update again. The last parameter is the store clock's now plus
    // the skew tolerance: a row fetched after it was written by a clock that ran ahead.
    updateIfNotNewer =
        "UPDATE "
            + t
            + " SET policy_id = ?, fetched_at = ?, policy_text = ?"
            + " WHERE domain = ? AND (fetched_at IS NULL OR fetched_at <= ? OR fetched_at > ?)";
    insert = "INSERT INTO " + t + " (domain, policy_id, fetched_at, policy_text) VALUES (?, ?, ?, ?)";
    delete = "DELETE FROM " + t + " WHERE domain = ? AND fetched_at IS NOT NULL";
    // PostgreSQL leases: lock the row unless another transaction holds it (SKIP LOCKED), decide,
    // update, commit. An absent row is created holding the lease.
    leaseLockRow =
        "SELECT lease_owner, lease_until FROM " + t + " WHERE domain = ? FOR UPDATE SKIP LOCKED";
    leaseSet = "UPDATE " + t + " SET lease_owner = ?, lease_until = ? WHERE domain = ?";
    leaseInsertIfAbsent =
        "INSERT INTO "
            + t
            + " (domain, lease_owner, lease_until) VALUES (?, ?, ?) ON CONFLICT (domain) DO NOTHING";
    // Portable leases: one conditional UPDATE decides atomically; an absent row is inserted.
    leaseConditionalSet =
        "UPDATE "
            + t
            + " SET lease_owner = ?, lease_until = ? WHERE domain = ? AND (lease_owner IS NULL"
            + " OR lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)";
    leaseInsert = "INSERT INTO " + t + " (domain, lease_owner, lease_until) VALUES (?, ?, ?)";
    releasePlaceholder =
        "DELETE FROM " + t + " WHERE domain = ? AND lease_owner = ? AND fetched_at IS NULL";
    releaseLease =
        "UPDATE "
            + t
            + " SET lease_owner = NULL, lease_until = NULL WHERE domain = ? AND lease_owner = ?";
  }

  /**
   * Checks a table name.
   *
   * @param table the name
   * @return the name
   * @throws IllegalArgumentException when it is not {@code [schema.]name} of letters, digits and
   *     underscores
   */
  public static String checkTable(String table) {
    if (!IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "the table name must be [schema.]name of letters, digits and underscores: "
              + Text.quote(table));
    }
    return table;
  }

  /**
   * Tells whether a statement failed on a duplicate key.
   *
   * @param e the failure
   * @return {@code true} for an integrity constraint violation (SQLSTATE class 23)
   */
  public static boolean isDuplicateKey(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      String state = x.getSQLState();
      if (x instanceof SQLIntegrityConstraintViolationException
          || (state != null && state.startsWith("23"))) {
        return true;
      }
    }
    return false;
  }
}
