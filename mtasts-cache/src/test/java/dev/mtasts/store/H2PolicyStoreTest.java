package dev.mtasts.store;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC store on an in-memory H2 database: the portable SQL path. */
class H2PolicyStoreTest extends JdbcPolicyStoreContract {
  private static JdbcDataSource h2;

  @BeforeAll
  static void startDatabase() {
    h2 = new JdbcDataSource();
    // Kept while the JVM runs; each test uses its own table.
    h2.setURL("jdbc:h2:mem:mtasts-store-test;DB_CLOSE_DELAY=-1");
  }

  @Override
  protected DataSource dataSource() {
    return h2;
  }

  @Override
  protected JdbcPolicyStore.Dialect expectedDialect() {
    return JdbcPolicyStore.Dialect.PORTABLE;
  }
}
