package dev.mtasts.policy;

import dev.mtasts.internal.MxRule;
import dev.mtasts.internal.MxSyntax;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code mx} pattern of a policy: a host name ({@code mail.example.com}) or a wildcard suffix
 * ({@code *.example.net}), always in lower-case A-label form.
 *
 * <p>Matching follows RFC 8461 section 4.1: case-insensitive, and a wildcard stands for exactly one
 * whole left-most label, so {@code *.example.com} matches {@code mail.example.com} but neither
 * {@code example.com} nor {@code a.b.example.com}.
 *
 * @param value the pattern, lower case, without a trailing dot
 */
public record MxPattern(String value) {

  /**
   * Creates a pattern from its policy text; upper-case letters are lowered.
   *
   * @param value the pattern, lower case, without a trailing dot
   * @throws IllegalArgumentException when {@code value} is not {@code ["*."] Domain} (RFC 5321) in
   *     A-label form: for example a trailing dot, a U-label, an underscore or a partial wildcard
   */
  public MxPattern {
    Objects.requireNonNull(value, "value");
    int syntax = MxSyntax.scan(value);
    if (syntax == MxSyntax.INVALID) {
      throw new IllegalArgumentException("invalid mx pattern: " + MxSyntax.check(value));
    }
    if (syntax == MxSyntax.VALID_MIXED_CASE) {
      value = value.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Creates a pattern from its policy text.
   *
   * @param value for example {@code "*.example.com"}
   * @return the pattern
   * @throws IllegalArgumentException when the text is not a valid pattern
   */
  public static MxPattern of(String value) {
    return new MxPattern(value);
  }

  /**
   * Tells whether this is a wildcard pattern.
   *
   * @return {@code true} when the pattern starts with {@code *.}
   */
  public boolean isWildcard() {
    return value.charAt(0) == '*';
  }

  /**
   * Tells whether an MX host name matches this pattern.
   *
   * <p>The host is the name from the MX record (not a CNAME target or an address). It is compared
   * case-insensitively, with one trailing root dot removed and U-labels converted to A-labels. A host
   * that is not a syntactically valid name (empty labels, spaces, underscores, more than 253
   * characters, ...) matches nothing.
   *
   * @param mxHost the MX host name
   * @return {@code true} when the host matches
   */
  public boolean matches(String mxHost) {
    return MxRule.matches(value, mxHost);
  }

  @Override
  public String toString() {
    return value;
  }
}
