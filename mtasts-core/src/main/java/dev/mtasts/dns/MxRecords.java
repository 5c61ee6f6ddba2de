package dev.mtasts.dns;

import java.util.List;
import java.util.Objects;

/**
 * Where mail for a domain goes, from its MX lookup.
 */
public sealed interface MxRecords permits MxRecords.Explicit, MxRecords.Implicit, MxRecords.NullMx {

  /**
   * Returns the hosts to try, in preference order: the exchangers of {@link Explicit}, the domain
   * itself for {@link Implicit} (RFC 5321 section 5.1), none for a {@link NullMx} (RFC 7505: the
   * domain accepts no mail).
   *
   * @return the host names
   */
  default List<String> hostNames() {
    if (this instanceof Explicit explicit) {
      return explicit.hosts().stream().map(MxHost::host).toList();
    }
    if (this instanceof Implicit implicit) {
      return List.of(implicit.domain());
    }
    return List.of();
  }

  /**
   * The domain has MX records.
   *
   * @param hosts the exchangers ordered by preference (equal preferences in answer order)
   */
  record Explicit(List<MxHost> hosts) implements MxRecords {
    /**
     * Creates the list; it is copied.
     *
     * @param hosts the exchangers ordered by preference (equal preferences in answer order)
     * @throws IllegalArgumentException when {@code hosts} is empty
     */
    public Explicit {
      hosts = List.copyOf(hosts);
      if (hosts.isEmpty()) {
        throw new IllegalArgumentException("an explicit MX list needs at least one host");
      }
    }
  }

  /**
   * The domain has no MX records, so the domain itself is the exchanger (RFC 5321 section 5.1).
   *
   * @param domain the domain, which takes the place of the MX host
   */
  record Implicit(String domain) implements MxRecords {
    /**
     * Creates an implicit MX.
     *
     * @param domain the domain, which takes the place of the MX host
     */
    public Implicit {
      Objects.requireNonNull(domain, "domain");
    }
  }

  /** The domain publishes a null MX ({@code 0 .}, RFC 7505): it accepts no mail. */
  record NullMx() implements MxRecords {}
}
