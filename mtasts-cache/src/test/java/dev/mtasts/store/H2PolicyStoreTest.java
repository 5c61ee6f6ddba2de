package dev.mtasts.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void aLongTimeoutIsTheQueryTimeoutRoundedUpToSeconds() {
    List<Integer> queryTimeouts = new CopyOnWriteArrayList<>();
    DataSource recording = proxy(DataSource.class, h2, (ds, m, a) -> m.getName().equals(
        "getConnection") ? proxy(Connection.class, (Connection) m.invoke(ds, a), (c, cm, ca) -> {
          Object r = cm.invoke(c, ca);
          return r instanceof PreparedStatement st ? proxy(PreparedStatement.class, st,
              (p, pm, pa) -> {
                if (pm.getName().equals("setQueryTimeout")) {
                  // recorded as asked; H2 itself takes no more than about 24 days
                  queryTimeouts.add((Integer) pa[0]);
                  pa = new Object[] {Math.min((Integer) pa[0], 60)};
                }
                return pm.invoke(p, pa);
              }) : r;
        }) : m.invoke(ds, a));
    for (Duration timeout : List.of(Duration.ofMillis(1500), Duration.ofDays(30))) {
      queryTimeouts.clear();
      try (JdbcPolicyStore store = JdbcPolicyStore.builder(recording).table(table)
          .timeout(timeout).build()) {
        store.load("example.com");
      }
      assertFalse(queryTimeouts.isEmpty());
      int expected = timeout.equals(Duration.ofDays(30)) ? 30 * 24 * 3600 : 2;
      assertEquals(expected, queryTimeouts.get(queryTimeouts.size() - 1), timeout.toString());
    }
  }

  /** What a proxy method does with the real object, the method and the arguments. */
  private interface Call<T> {
    Object on(T target, java.lang.reflect.Method method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T target, Call<T> call) {
    InvocationHandler h = (p, m, a) -> {
      try {
        return call.on(target, m, a);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }
}
