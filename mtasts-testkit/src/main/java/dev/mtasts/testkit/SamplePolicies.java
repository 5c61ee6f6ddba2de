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
