package dev.mtasts.store.internal;

import dev.mtasts.policy.HostName;
import dev.mtasts.policy.StsRecord;
import java.time.Duration;
import java.util.Optional;

/** Checks of the names and values that stores keep. */
public final class Domains {
  /**
   * The longest policy domain: {@code _mta-sts.<domain>} must still be a host name of at most 253
   * characters (RFC 8461 section 3.1), so the domain has at most 244.
   */
  public static final int MAX_DOMAIN_LENGTH = 253 - "_mta-sts.".length();

  /** The longest lease owner, in characters. */
  public static final int MAX_OWNER_LENGTH = 255;

  private Domains() {}

  /**
   * Normalises a policy domain to lower-case A-labels.
   *
   * @param domain the domain as given
   * @return the normal form
   * @throws IllegalArgumentException when it is not a valid policy domain
   */
  public static String normalize(String domain) {
    String value = HostName.normalize(domain);
    if (value.length() > MAX_DOMAIN_LENGTH) {
      throw new IllegalArgumentException(
          "domain longer than " + MAX_DOMAIN_LENGTH + " characters: " + Text.quote(value));
    }
    if (!isLdh(value)) {
      // HostName guarantees this; it is checked again because the name becomes a file name.
      throw new IllegalArgumentException("not a letter-digit-hyphen domain: " + Text.quote(value));
    }
    return value;
  }

  /**
   * Tells whether a string is a domain in the normal form {@link #normalize(String)} returns.
   *
   * @param name the string
   * @return {@code true} when {@code normalize(name)} would return {@code name} itself
   */
  public static boolean isNormal(String name) {
    if (name.isEmpty() || name.length() > MAX_DOMAIN_LENGTH || !isLdh(name)) {
      return false;
    }
    Optional<HostName> parsed = HostName.parse(name);
    return parsed.isPresent() && parsed.get().value().equals(name);
  }

  /** Only a-z, 0-9, '-' and '.', not starting with '.' (so never a hidden or relative name). */
  private static boolean isLdh(String s) {
    if (s.isEmpty() || s.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a policy id.
   *
   * @param id the id
   * @return {@code true} when it is 1 to 32 ASCII letters and digits
   */
  public static boolean isValidId(String id) {
    if (id.isEmpty() || id.length() > 32) {
      return false;
    }
    try {
      StsRecord.of(id);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Checks a policy id given to a store.
   *
   * @param id the id
   * @return the id
   * @throws IllegalArgumentException when it is not valid
   */
  public static String checkId(String id) {
    if (!isValidId(id)) {
      throw new IllegalArgumentException(
          "the policy id must be 1 to 32 ASCII letters and digits: " + Text.quote(id));
    }
    return id;
  }

  /**
   * Checks a lease owner.
   *
   * @param owner the owner
   * @return the owner
   * @throws IllegalArgumentException when it is empty, too long or holds control characters
   */
  public static String checkOwner(String owner) {
    if (owner.isEmpty() || owner.length() > MAX_OWNER_LENGTH) {
      throw new IllegalArgumentException(
          "the lease owner must be 1 to " + MAX_OWNER_LENGTH + " characters");
    }
    for (int i = 0; i < owner.length(); i++) {
      if (Character.isISOControl(owner.charAt(i))) {
        throw new IllegalArgumentException("the lease owner holds a control character");
      }
    }
    return owner;
  }

  /**
   * Checks a lease duration.
   *
   * @param ttl the duration
   * @return the duration
   * @throws IllegalArgumentException when it is zero or negative
   */
  public static Duration checkTtl(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the lease duration must be positive");
    }
    return ttl;
  }
}
