package dev.mtasts.policy;

import dev.mtasts.internal.HostNames;
import dev.mtasts.internal.Text;
import java.util.Objects;
import java.util.Optional;

/**
 * A syntactically valid host name in normal form: lower-case ASCII (A-labels), no trailing dot,
 * labels of 1 to 63 letters, digits and hyphens, at most 253 characters.
 *
 * @param value the name in normal form
 */
public record HostName(String value) {

  /**
   * Wraps a name that is already in normal form.
   *
   * @param value the name in normal form
   * @throws IllegalArgumentException when {@code value} is not in normal form; use {@link
   *     #parse(String)} for names from elsewhere
   */
  public HostName {
    Objects.requireNonNull(value, "value");
    if (HostNames.asciiLength(value) != value.length() || !value.equals(HostNames.normalize(value))) {
      throw new IllegalArgumentException("not a host name in normal form");
    }
  }

  /**
   * Parses and normalises a host name: case is lowered, one trailing root dot removed and U-labels
   * converted to A-labels (IDNA 2003 as implemented by {@link java.net.IDN}, with STD3 rules).
   *
   * @param name a host name, for example {@code "MX1.Example.COM."} or {@code "bücher.example"}
   * @return the normalised name, or empty when {@code name} is not a valid host name
   */
  public static Optional<HostName> parse(String name) {
    String normal = HostNames.normalize(name);
    return normal == null ? Optional.empty() : Optional.of(new HostName(normal));
  }

  /**
   * Normalises a domain or host name given by a caller, as {@link #parse(String)} does: the one
   * normalisation every part of the library applies to the names it is handed.
   *
   * @param name a host name, for example {@code "Example.COM."}
   * @return the normal form, for example {@code "example.com"}
   * @throws IllegalArgumentException when {@code name} is not a valid host name; the message quotes
   *     it escaped
   */
  public static String normalize(String name) {
    String normal = HostNames.normalize(Objects.requireNonNull(name, "name"));
    if (normal == null) {
      throw new IllegalArgumentException("not a valid domain name: " + Text.quote(name));
    }
    return normal;
  }

  @Override
  public String toString() {
    return value;
  }
}
