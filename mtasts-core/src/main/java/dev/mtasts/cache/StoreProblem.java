package dev.mtasts.cache;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A stored entry that could not be used: a torn, altered or foreign file, or a database row that
 * does not hold a valid policy. Problems are never silent: {@link PolicyStore#loadAll()} returns
 * them beside the policies it could read, {@link PolicyStore#load(String)} throws a {@link
 * PolicyStoreException} for them, and stores log them.
 *
 * <p>A damaged file is set aside (renamed, never deleted), so the next start does not trip over it
 * again and an operator can still look at it; {@link #setAsideAs()} tells where it went.
 */
public final class StoreProblem {
  private final @Nullable String domain;
  private final String location;
  private final String message;
  private final @Nullable String setAsideAs;

  /**
   * Creates a problem report.
   *
   * @param domain the domain the entry belongs to, or {@code null} when that is unknown
   * @param location where the entry is: a file path, or a table and row
   * @param message what is wrong with it, for people
   * @param setAsideAs where the damaged entry was moved, or {@code null} when it was left in place
   */
  public StoreProblem(
      @Nullable String domain, String location, String message, @Nullable String setAsideAs) {
    this.domain = domain;
    this.location = Objects.requireNonNull(location, "location");
    this.message = Objects.requireNonNull(message, "message");
    this.setAsideAs = setAsideAs;
  }

  /**
   * Returns the domain the damaged entry belongs to.
   *
   * @return the domain, or empty when it cannot be told (for example a foreign file name)
   */
  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  /**
   * Returns where the entry was found.
   *
   * @return a file path, or a table and row
   */
  public String location() {
    return location;
  }

  /**
   * Returns what is wrong with the entry.
   *
   * @return a message meant for people; quoted input in it is escaped
   */
  public String message() {
    return message;
  }

  /**
   * Returns where the damaged entry was moved.
   *
   * @return the new path, or empty when the entry was left in place
   */
  public Optional<String> setAsideAs() {
    return Optional.ofNullable(setAsideAs);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StoreProblem p
        && Objects.equals(domain, p.domain)
        && location.equals(p.location)
        && message.equals(p.message)
        && Objects.equals(setAsideAs, p.setAsideAs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, location, message, setAsideAs);
  }

  @Override
  public String toString() {
    return location
        + ": "
        + message
        + (setAsideAs == null ? "" : " (set aside as " + setAsideAs + ")");
  }
}
