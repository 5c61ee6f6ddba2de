package dev.mtasts.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Policy bodies for tests, written as domains publish them (CRLF line ends).
 */
public final class SamplePolicies {
  private SamplePolicies() {}

  /**
   * An enforce policy with two host names and one wildcard, valid for one week.
   *
   * @param domain the policy domain, for example {@code "example.com"}
   * @return the body bytes
   */
  public static byte[] enforce(String domain) {
    return body("enforce", domain);
  }

  /**
   * A testing policy with the same MX patterns as {@link #enforce(String)}.
   *
   * @param domain the policy domain
   * @return the body bytes
   */
  public static byte[] testing(String domain) {
    return body("testing", domain);
  }

  /**
   * A {@code mode: none} policy without MX patterns, as a domain publishes to withdraw MTA-STS.
   *
   * @return the body bytes
   */
  public static byte[] none() {
    return "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Pads a policy body to exactly {@code size} bytes with extension fields ({@code xpad: aaa...},
   * lines of at most 1000 bytes, CRLF), which a parser ignores: the result is still the same valid
   * policy, only larger. Handy to test size limits with a body that would otherwise be accepted.
   *
   * @param policy the policy body, ending in a line end
   * @param size the total size wanted
   * @return the padded body
   * @throws IllegalArgumentException when {@code size} is smaller than the policy, or larger by only
   *     1 to 8 bytes (too little for one padding line)
   */
  public static byte[] padded(byte[] policy, int size) {
    int remaining = size - policy.length;
    if (remaining < 0 || (remaining > 0 && remaining < PAD_LINE_MIN)) {
      throw new IllegalArgumentException("cannot pad " + policy.length + " bytes to " + size);
    }
    byte[] out = java.util.Arrays.copyOf(policy, size);
    int at = policy.length;
    while (remaining > 0) {
      int line = remaining <= PAD_LINE_MAX ? remaining
          : remaining - PAD_LINE_MAX < PAD_LINE_MIN ? remaining - PAD_LINE_MIN : PAD_LINE_MAX;
      byte[] prefix = "xpad: ".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(prefix, 0, out, at, prefix.length);
      java.util.Arrays.fill(out, at + prefix.length, at + line - 2, (byte) 'a');
      out[at + line - 2] = '\r';
      out[at + line - 1] = '\n';
      at += line;
      remaining -= line;
    }
    return out;
  }

  private static final int PAD_LINE_MIN = 9;
  private static final int PAD_LINE_MAX = 1000;

  private static byte[] body(String mode, String domain) {
    String text = "version: STSv1\r\n"
        + "mode: " + mode + "\r\n"
        + "mx: mx1." + domain + "\r\n"
        + "mx: mx2." + domain + "\r\n"
        + "mx: *.backup." + domain + "\r\n"
        + "max_age: 604800\r\n";
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
