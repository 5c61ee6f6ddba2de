package dev.mtasts.dns;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one DNS lookup.
 *
 * <p>Only {@link NoSuchName} and {@link NoData} say that a record does not exist. A {@link
 * TemporaryFailure} says nothing about the record, so a caller must never treat it as "no policy" when
 * it has something cached (RFC 8461 section 5.1).
 *
 * @param <T> the type of the answer
 */
public sealed interface DnsResult<T>
    permits DnsResult.Answer, DnsResult.NoSuchName, DnsResult.NoData, DnsResult.TemporaryFailure {

  /**
   * Tells whether the lookup proved the record absent (NXDOMAIN or NODATA).
   *
   * @return {@code true} for {@link NoSuchName} and {@link NoData}
   */
  default boolean isAbsent() {
    return this instanceof NoSuchName || this instanceof NoData;
  }

  /**
   * Records were found.
   *
   * @param value the records
   * @param ttl the smallest TTL of the answer's records
   * @param <T> the type of the answer
   */
  record Answer<T>(T value, Duration ttl) implements DnsResult<T> {
    /**
     * Creates an answer.
     *
     * @param value the records
     * @param ttl the smallest TTL of the answer's records
     */
    public Answer {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(ttl, "ttl");
    }
  }

  /**
   * The name does not exist (NXDOMAIN).
   *
   * @param <T> the type the answer would have had
   */
  record NoSuchName<T>() implements DnsResult<T> {}

  /**
   * The name exists but has no records of the type asked for (NODATA).
   *
   * @param <T> the type the answer would have had
   */
  record NoData<T>() implements DnsResult<T> {}

  /**
   * The lookup failed for a reason that may pass: nothing is known about the records.
   *
   * @param reason the kind of failure
   * @param detail what happened, for people; safe to log
   * @param <T> the type the answer would have had
   */
  record TemporaryFailure<T>(Reason reason, String detail) implements DnsResult<T> {
    /**
     * Creates a temporary failure.
     *
     * @param reason the kind of failure
     * @param detail what happened, for people; safe to log
     */
    public TemporaryFailure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a lookup failed temporarily. */
  enum Reason {
    /** The server answered SERVFAIL. */
    SERVER_FAILURE,
    /** The server answered REFUSED. */
    REFUSED,
    /** No answer came in time. */
    TIMEOUT,
    /** The answer was truncated and the retry over TCP failed. */
    TRUNCATED,
    /** The answer could not be used: malformed, a CNAME loop, too many redirects. */
    BAD_ANSWER,
    /** Any other failure: network errors, other response codes. */
    OTHER,
    /**
     * The lookup was not made: this process already had as many discoveries under way and waiting
     * as it allows (see {@code PolicyDiscoverer.Builder}). It says nothing about the domain.
     */
    LOCAL_LIMIT
  }
}
