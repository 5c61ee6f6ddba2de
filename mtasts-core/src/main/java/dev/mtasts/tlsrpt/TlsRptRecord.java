package dev.mtasts.tlsrpt;

import dev.mtasts.internal.RecordSyntax;
import dev.mtasts.internal.TlsRptRecordParser;
import dev.mtasts.policy.ParseResult;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code _smtp._tls.<domain>} TXT record (RFC 8460 section 3): {@code v=TLSRPTv1; rua=...}, where
 * a domain says where TLS-RPT reports about mail sent to it go.
 *
 * @param rua the report destinations the library can deliver to, {@code mailto:} and {@code https:}
 *     URIs in record order, never empty; URIs of other schemes are left out when parsing (with a
 *     warning)
 * @param extensions unknown fields, in record order (the first of a repeated name), which senders
 *     ignore
 */
public record TlsRptRecord(List<URI> rua, Map<String, String> extensions) {
  /** The longest record the parser accepts, in characters. */
  public static final int MAX_RECORD_LENGTH = 2048;

  /** The TXT record name prefix: reports for {@code example.com} are found at {@code _smtp._tls.example.com}. */
  public static final String PREFIX = "_smtp._tls.";

  /**
   * Creates a record; the list and map are copied, keeping their order.
   *
   * @param rua the report destinations the library can deliver to, {@code mailto:} and {@code
   *     https:} URIs in record order, never empty; URIs of other schemes are left out when parsing
   *     (with a warning)
   * @param extensions unknown fields, in record order (the first of a repeated name), which senders
   *     ignore
   * @throws IllegalArgumentException when {@code rua} is empty or holds a URI that is not an absolute
   *     {@code mailto:} or {@code https:} URI, or an extension has an invalid name or value or is named
   *     {@code v} or {@code rua}
   */
  public TlsRptRecord {
    rua = List.copyOf(rua);
    if (rua.isEmpty()) {
      throw new IllegalArgumentException("a TLS-RPT record needs at least one rua URI");
    }
    for (URI uri : rua) {
      if (!isSupported(uri)) {
        throw new IllegalArgumentException("rua URIs must be mailto: or https: URIs");
      }
    }
    Map<String, String> copy = new LinkedHashMap<>();
    extensions.forEach((name, value) -> {
      if (!RecordSyntax.validName(name) || name.equals("rua") || name.equals("v")) {
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
   * Creates a record with the given destinations and no extensions.
   *
   * @param rua the destinations
   * @return the record
   * @throws IllegalArgumentException when a URI is not a {@code mailto:} or {@code https:} URI
   */
  public static TlsRptRecord of(URI... rua) {
    return new TlsRptRecord(List.of(rua), Map.of());
  }

  /**
   * Parses the TXT answer set of {@code _smtp._tls.<domain>}, each record already joined from its
   * strings without spaces.
   *
   * <p>When the set holds several records, those that do not begin with the literal {@code
   * v=TLSRPTv1;} are discarded and exactly one must remain (RFC 8460 section 3); otherwise the domain
   * does not implement TLS-RPT. A single record is judged by the grammar alone, so {@code v=TLSRPTv1 ;
   * rua=...} is valid (with a warning). Field names and {@code v=TLSRPTv1} are case-sensitive;
   * unknown fields are kept as extensions and ignored. {@code rua} URIs may be separated by commas
   * with whitespace around them; URIs that are not absolute {@code mailto:} (with an address) or
   * {@code https:} (with a host) URIs, or that hold an unencoded {@code !}, are left out with a
   * warning, and a record left without any is invalid. Records over {@link #MAX_RECORD_LENGTH}
   * characters are rejected without being parsed. This method never throws for bad input.
   *
   * @param answer the records of one answer
   * @return the record with any warnings, or the problems found: an invalid result means the domain
   *     gets no reports
   */
  public static ParseResult<TlsRptRecord> parse(List<String> answer) {
    return TlsRptRecordParser.parse(answer);
  }

  /**
   * Parses a single TXT record, as {@link #parse(List)} does for a one-record answer.
   *
   * @param record the record text
   * @return the record with any warnings, or the problems found
   */
  public static ParseResult<TlsRptRecord> parse(String record) {
    return TlsRptRecordParser.parse(List.of(record));
  }

  /**
   * Renders the record as TXT text, {@code v=TLSRPTv1; rua=...} followed by the extensions.
   *
   * @return the record text
   */
  public String toText() {
    StringBuilder sb = new StringBuilder("v=TLSRPTv1; rua=");
    for (int i = 0; i < rua.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(rua.get(i).toASCIIString());
    }
    extensions.forEach((name, value) -> sb.append("; ").append(name).append('=').append(value));
    return sb.toString();
  }

  /**
   * Tells whether the library can deliver reports to a URI: an absolute {@code https:} URI with a
   * host, or a {@code mailto:} URI with an address.
   *
   * @param uri the URI
   * @return {@code true} when supported
   */
  public static boolean isSupported(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if (scheme == null || uri.isOpaque() != scheme.equalsIgnoreCase("mailto")) {
      return false;
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    if (lower.equals("https")) {
      return uri.getHost() != null && !uri.getHost().isEmpty();
    }
    if (lower.equals("mailto")) {
      return !mailtoAddresses(uri).isEmpty();
    }
    return false;
  }

  /**
   * Returns the addresses of a {@code mailto:} URI (RFC 6068): the part before any {@code ?},
   * percent-decoded, split at commas; addresses without an {@code @} are left out.
   *
   * @param uri a {@code mailto:} URI
   * @return the addresses, possibly empty
   */
  public static List<String> mailtoAddresses(URI uri) {
    String ssp = uri.getSchemeSpecificPart();
    if (ssp == null) {
      return List.of();
    }
    int q = ssp.indexOf('?');
    String to = q < 0 ? ssp : ssp.substring(0, q);
    java.util.ArrayList<String> out = new java.util.ArrayList<>(1);
    for (String address : to.split(",", -1)) {
      String a = address.strip();
      int at = a.lastIndexOf('@');
      if (at > 0 && at < a.length() - 1 && a.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }
}
