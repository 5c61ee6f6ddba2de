package dev.mtasts.discovery;

import dev.mtasts.dns.DnsResult;
import dev.mtasts.policy.Problem;
import dev.mtasts.policy.StsRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of looking up the {@code _mta-sts} TXT record of a domain.
 */
public sealed interface RecordLookup
    permits RecordLookup.Present, RecordLookup.Absent, RecordLookup.Failed {

  /**
   * Exactly one valid STS record was found.
   *
   * @param record the record
   * @param ttl the DNS TTL of the answer
   * @param warnings tolerated problems of the answer
   */
  record Present(StsRecord record, Duration ttl, List<Problem> warnings) implements RecordLookup {
    /**
     * Creates the outcome; the list is copied.
     *
     * @param record the record
     * @param ttl the DNS TTL of the answer
     * @param warnings tolerated problems of the answer
     */
    public Present {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(ttl, "ttl");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The domain has no usable STS record: the name or the TXT records do not exist, or the answer
   * holds no valid STS record (none, several, or one that does not parse).
   *
   * @param reason which of these
   * @param detail what was found, for people; safe to log
   * @param problems the record parser's errors and warnings, when there was an answer to parse
   */
  record Absent(NoPolicyReason reason, String detail, List<Problem> problems)
      implements RecordLookup {
    /**
     * Creates the outcome; the list is copied.
     *
     * @param reason which of these
     * @param detail what was found, for people; safe to log
     * @param problems the record parser's errors and warnings, when there was an answer to parse
     */
    public Absent {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      problems = List.copyOf(problems);
    }
  }

  /**
   * The lookup failed temporarily; nothing is known about the record.
   *
   * @param reason the kind of DNS failure
   * @param detail what happened, for people; safe to log
   */
  record Failed(DnsResult.Reason reason, String detail) implements RecordLookup {
    /**
     * Creates the outcome.
     *
     * @param reason the kind of DNS failure
     * @param detail what happened, for people; safe to log
     */
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
