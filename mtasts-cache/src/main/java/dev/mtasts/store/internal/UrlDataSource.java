package dev.mtasts.store.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A data source over {@link DriverManager} and a JDBC URL, for a process without a connection pool
 * (a command run, a small daemon). Its text names the URL without its query, where drivers take
 * passwords; the password itself never appears.
 *
 * @param url the JDBC URL
 * @param user the user, or {@code null} for the URL's own
 * @param password the password, or {@code null}
 */
public record UrlDataSource(String url, @Nullable String user, @Nullable String password)
    implements DataSource {

  @Override
  public Connection getConnection() throws SQLException {
    return user == null ? DriverManager.getConnection(url)
        : DriverManager.getConnection(url, user, password);
  }

  @Override
  public Connection getConnection(String u, String p) throws SQLException {
    return DriverManager.getConnection(url, u, p);
  }

  @Override
  public @Nullable PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {
    DriverManager.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() {
    return DriverManager.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  @Override
  public String toString() {
    int q = url.indexOf('?');
    return "UrlDataSource[" + (q < 0 ? url : url.substring(0, q)) + "]";
  }
}
