package dev.mtasts.cache;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PolicyStore} operation failed. The exception names what was wrong ({@link #reason()}),
 * the domain when the failure concerns one ({@link #domain()}) and where ({@link #location()}: a
 * file path, a lock file, or a table and row).
 *
 * <p>It is unchecked on purpose: stores are called from cache loaders, {@code CompletableFuture}
 * stages and lambdas, where a checked exception would only be wrapped. Callers that can recover
 * (for example by fetching a policy afresh when the stored one is {@link Reason#CORRUPT}) catch it
 * and look at {@link #reason()}.
 */
public class PolicyStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** Reading or writing the storage failed (disk full, permission denied, I/O error). */
    IO,
    /**
     * A stored entry is damaged or is not an entry at all: a torn or altered file, foreign content,
     * a row whose policy text does not parse. The entry was reported, and a file was set aside.
     */
    CORRUPT,
    /** The storage is in use by another store instance (another process or the same JVM). */
    LOCKED,
    /** The database refused a statement or could not be reached. */
    DATABASE
  }

  /** What went wrong. */
  private final Reason reason;

  /** The domain concerned, or {@code null} when the failure is not about one domain. */
  private final @Nullable String domain;

  /** Where: a path, or a table and row. */
  private final String location;

  /**
   * Creates an exception.
   *
   * @param reason what went wrong
   * @param domain the domain concerned, or {@code null} when the failure is not about one domain
   * @param location where: a path, or a table and row
   * @param message what was wrong, for people
   * @param cause the underlying exception, or {@code null}
   */
  public PolicyStoreException(
      Reason reason,
      @Nullable String domain,
      String location,
      String message,
      @Nullable Throwable cause) {
    super(
        compose(Objects.requireNonNull(reason, "reason"), domain, location, message),
        cause);
    this.reason = reason;
    this.domain = domain;
    this.location = Objects.requireNonNull(location, "location");
  }

  private static String compose(
      Reason reason, @Nullable String domain, String location, String message) {
    StringBuilder sb = new StringBuilder(message.length() + location.length() + 48);
    sb.append(reason).append(": ").append(message);
    if (domain != null) {
      sb.append(" (domain ").append(domain).append(", ");
    } else {
      sb.append(" (");
    }
    return sb.append(location).append(')').toString();
  }

  /**
   * Returns what went wrong.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the domain the failure concerns.
   *
   * @return the domain, or empty when the failure is not about a single domain
   */
  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  /**
   * Returns where the failure happened.
   *
   * @return a file path, or a table and row
   */
  public String location() {
    return location;
  }
}
