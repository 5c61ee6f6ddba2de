package dev.mtasts.policy;

import dev.mtasts.internal.MxList;
import dev.mtasts.internal.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An MTA-STS policy (RFC 8461 section 3.2), as served at {@code
 * https://mta-sts.<domain>/.well-known/mta-sts.txt}.
 *
 * <p>A policy is only ever built valid: {@code version} is {@code STSv1}, {@code maxAge} lies between
 * 0 and {@link #MAX_AGE_LIMIT} in whole seconds, and {@code mx} holds at least one pattern unless the
 * mode is {@link Mode#NONE}. Unknown fields of a parsed body are ignored, as the RFC requires.
 *
 * <pre>{@code
 * ParseResult<Policy> result = Policy.parse(bodyBytes);
 * if (result instanceof ParseResult.Valid<Policy> valid) {
 *   boolean ok = valid.get().permits("mx1.example.com");
 * }
 * }</pre>
 *
 * @param version the policy version, always {@value #VERSION}
 * @param mode what a sender does when validation fails
 * @param maxAge how long the policy may be cached after it was fetched
 * @param mx the permitted MX host patterns, in policy order
 */
public record Policy(String version, Mode mode, Duration maxAge, List<MxPattern> mx) {
  /** The only policy version RFC 8461 defines. */
  public static final String VERSION = "STSv1";

  /** The largest {@code max_age} RFC 8461 allows: 31557600 seconds (a year of 365.25 days). */
  public static final Duration MAX_AGE_LIMIT = Duration.ofSeconds(31_557_600L);

  /** The largest policy body the parser accepts, in bytes (RFC 8461 section 3.3 suggests 64 KiB). */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /**
   * Creates a policy; the list of patterns is copied.
   *
   * @param version the policy version, always {@value #VERSION}
   * @param mode what a sender does when validation fails
   * @param maxAge how long the policy may be cached after it was fetched
   * @param mx the permitted MX host patterns, in policy order
   * @throws IllegalArgumentException when the version is not {@value #VERSION}, {@code maxAge} is
   *     negative, over {@link #MAX_AGE_LIMIT} or not whole seconds, or {@code mx} is empty while the
   *     mode is not {@link Mode#NONE}
   */
  public Policy {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(maxAge, "maxAge");
    mx = MxList.copyOf(mx);
    if (!VERSION.equals(version)) {
      throw new IllegalArgumentException("version must be " + VERSION);
    }
    if (maxAge.isNegative() || maxAge.compareTo(MAX_AGE_LIMIT) > 0 || maxAge.getNano() != 0) {
      throw new IllegalArgumentException(
          "maxAge must be whole seconds from 0 to " + MAX_AGE_LIMIT.getSeconds());
    }
    if (mx.isEmpty() && mode != Mode.NONE) {
      throw new IllegalArgumentException("a policy in mode " + mode + " needs at least one mx");
    }
  }

  /**
   * Creates an {@value #VERSION} policy.
   *
   * @param mode the mode
   * @param maxAge the maximum cache lifetime
   * @param mx the MX patterns
   * @return the policy
   * @throws IllegalArgumentException as {@link #Policy(String, Mode, Duration, List)} does
   */
  public static Policy of(Mode mode, Duration maxAge, List<MxPattern> mx) {
    return new Policy(VERSION, mode, maxAge, mx);
  }

  /**
   * Parses a policy body exactly as fetched: the bytes are checked as they are, so a byte order mark,
   * NUL, bare CR or invalid UTF-8 is reported rather than decoded away. Lines may end in LF or CRLF
   * (RFC 8461 erratum 6253).
   *
   * <p>Bodies over {@link #MAX_BODY_BYTES} are rejected without being parsed. This method never
   * throws for bad input.
   *
   * @param body the body of the HTTPS response
   * @return the policy with any warnings, or the errors found
   */
  public static ParseResult<Policy> parse(byte[] body) {
    return PolicyParser.parse(body);
  }

  /**
   * Parses a policy body given as text; the text is encoded as UTF-8 and handed to {@link
   * #parse(byte[])}.
   *
   * @param body the policy text
   * @return the policy with any warnings, or the errors found
   */
  public static ParseResult<Policy> parse(String body) {
    return PolicyParser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Tells whether the policy permits an MX host: at least one {@code mx} pattern matches it (RFC 8461
   * section 4.1). A host that is not a valid host name is never permitted.
   *
   * @param mxHost the host name from the MX record, in any case, with or without a trailing dot
   * @return {@code true} when a pattern matches
   */
  public boolean permits(String mxHost) {
    return ((MxList) mx).anyMatches(mxHost);
  }

  /**
   * Renders the policy as a body: {@code version}, {@code mode}, each {@code mx}, {@code max_age},
   * one per line, each line ending in CRLF. {@link #parse(byte[])} reads it back to an equal policy
   * whenever the text fits in {@link #MAX_BODY_BYTES} (a policy parsed from a body near that limit
   * can render larger, since its lines are written in their canonical spacing).
   *
   * @return the policy text
   */
  public String toText() {
    StringBuilder sb = new StringBuilder(64 + 32 * mx.size());
    for (String line : toLines()) {
      sb.append(line).append("\r\n");
    }
    return sb.toString();
  }

  /**
   * Returns the policy as its lines, without line ends, in the order {@link #toText()} writes them.
   * This is the shape of the {@code policy-string} of a TLS-RPT report (RFC 8460 section 4.4).
   *
   * @return the lines
   */
  public List<String> toLines() {
    String[] lines = new String[3 + mx.size()];
    int i = 0;
    lines[i++] = "version: " + version;
    lines[i++] = "mode: " + mode.token();
    for (MxPattern pattern : mx) {
      lines[i++] = "mx: " + pattern.value();
    }
    lines[i] = "max_age: " + maxAge.getSeconds();
    return List.of(lines);
  }
}
