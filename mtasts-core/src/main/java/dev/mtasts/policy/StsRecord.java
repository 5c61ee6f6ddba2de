package dev.mtasts.policy;

import dev.mtasts.internal.RecordParser;
import dev.mtasts.internal.RecordSyntax;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 section 3.1): {@code v=STSv1; id=...}.
 *
 * <p>The {@code id} tells a sender whether its cached policy is still current; ids are compared for
 * equality only, never ordered.
 *
 * @param id the policy id: 1 to 32 ASCII letters and digits
 * @param extensions unknown fields, in record order (the first of a repeated name), which senders
 *     ignore
 */
public record StsRecord(String id, Map<String, String> extensions) {
  /** The longest record the parser accepts, in characters. */
  public static final int MAX_RECORD_LENGTH = 1024;

  /**
   * Creates a record; the map is copied, keeping its order.
   *
   * @param id the policy id: 1 to 32 ASCII letters and digits
   * @param extensions unknown fields, in record order (the first of a repeated name), which senders
   *     ignore
   * @throws IllegalArgumentException when the id is not 1 to 32 letters and digits, or an extension
   *     has an invalid name or value or is named {@code id} or {@code v}
   */
  public StsRecord {
    Objects.requireNonNull(id, "id");
    if (!RecordSyntax.validId(id)) {
      throw new IllegalArgumentException("the id must be 1 to 32 ASCII letters or digits");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    extensions.forEach((name, value) -> {
      if (!RecordSyntax.validName(name) || name.equals("id") || name.equals("v")) {
        throw new IllegalArgumentException("invalid extension name");
      }
      if (!RecordSyntax.validValue(value)) {
        throw new IllegalArgumentException("invalid extension value");
      }
      copy.put(name, value);
    });
    extensions = Collections.unmodifiableMap(copy);
  }

  /**
   * Creates a record with an id and no extensions.
   *
   * @param id the policy id
   * @return the record
   * @throws IllegalArgumentException when the id is not 1 to 32 letters and digits
   */
  public static StsRecord of(String id) {
    return new StsRecord(id, Map.of());
  }

  /**
   * Parses the TXT answer set of {@code _mta-sts.<domain>}, each record already joined from its
   * strings without spaces.
   *
   * <p>When the set holds several records, those that do not begin with the literal {@code
   * v=STSv1;} are discarded and exactly one must remain (RFC 8461 section 3.1). A single record is
   * judged by the grammar alone, so {@code v=STSv1 ; id=1} is valid (with a warning). Records over
   * {@link #MAX_RECORD_LENGTH} characters are rejected without being parsed. This method never
   * throws for bad input.
   *
   * @param answer the records of one answer
   * @return the record with any warnings, or the problems found: an invalid result means the domain
   *     has no available policy
   */
  public static ParseResult<StsRecord> parse(List<String> answer) {
    return RecordParser.parse(answer);
  }

  /**
   * Parses a single TXT record, as {@link #parse(List)} does for a one-record answer.
   *
   * @param record the record text
   * @return the record with any warnings, or the problems found
   */
  public static ParseResult<StsRecord> parse(String record) {
    return RecordParser.parse(List.of(record));
  }

  /**
   * Renders the record as TXT text, {@code v=STSv1; id=...} followed by the extensions.
   *
   * @return the record text
   */
  public String toText() {
    StringBuilder sb = new StringBuilder("v=STSv1; id=").append(id);
    extensions.forEach((name, value) -> sb.append("; ").append(name).append('=').append(value));
    return sb.toString();
  }
}
