package dev.mtasts.tlsrpt;

import dev.mtasts.policy.HostName;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code policy} object of a TLS-RPT report (RFC 8460 section 4.4): which policy was applied to
 * a policy domain. Sessions are counted per applied policy, so a report holds one entry per distinct
 * applied policy of the day.
 *
 * @param policyType the type
 * @param policyString the policy as strings: the MTA-STS policy lines ({@link Policy#toLines()}), the
 *     lines of an invalid MTA-STS policy as received, or one string per TLSA record; empty when no
 *     policy was found or it could not be fetched
 * @param policyDomain the policy domain, lower-case A-labels
 * @param mxHost the {@code mx} patterns of an MTA-STS policy; empty otherwise
 */
public record AppliedPolicy(PolicyType policyType, List<String> policyString, String policyDomain,
    List<String> mxHost) {

  /**
   * Creates an applied policy; the lists are copied and the domain is normalised to A-labels.
   *
   * @param policyType the type
   * @param policyString the policy as strings: the MTA-STS policy lines ({@link Policy#toLines()}),
   *     the lines of an invalid MTA-STS policy as received, or one string per TLSA record; empty
   *     when no policy was found or it could not be fetched
   * @param policyDomain the policy domain, lower-case A-labels
   * @param mxHost the {@code mx} patterns of an MTA-STS policy; empty otherwise
   * @throws IllegalArgumentException when the domain is not a valid domain name
   */
  public AppliedPolicy {
    Objects.requireNonNull(policyType, "policyType");
    policyString = List.copyOf(policyString);
    mxHost = List.copyOf(mxHost);
    policyDomain = domain(policyDomain);
  }

  /**
   * An applied MTA-STS policy ({@code testing} or {@code enforce}).
   *
   * @param domain the policy domain
   * @param policy the policy
   * @return the applied policy, with the policy lines and the {@code mx} patterns
   */
  public static AppliedPolicy sts(String domain, Policy policy) {
    List<String> mx = new ArrayList<>(policy.mx().size());
    for (MxPattern pattern : policy.mx()) {
      mx.add(pattern.value());
    }
    return new AppliedPolicy(PolicyType.STS, policy.toLines(), domain, mx);
  }

  /**
   * An MTA-STS policy that the domain announces but that could not be fetched or was invalid
   * (docs/decisions.md, decision 11): type {@code sts} with no policy strings and no MX patterns.
   *
   * @param domain the policy domain
   * @return the applied policy
   */
  public static AppliedPolicy stsUnavailable(String domain) {
    return new AppliedPolicy(PolicyType.STS, List.of(), domain, List.of());
  }

  /**
   * An MTA-STS policy that was fetched but is invalid (docs/decisions.md, decision 11; RFC 8460 section 4.4 asks for the
   * policy "declared by the receiving site, including any errors"): type {@code sts}, the lines as
   * received, and no MX patterns, since none of them applied.
   *
   * @param domain the policy domain
   * @param receivedLines the lines of the policy as received, bounded by the caller (the fetcher
   *     keeps at most 32 lines of 256 characters)
   * @return the applied policy; {@link #stsUnavailable(String)} when there are no lines
   */
  public static AppliedPolicy stsInvalid(String domain, List<String> receivedLines) {
    return new AppliedPolicy(PolicyType.STS, receivedLines, domain, List.of());
  }

  /**
   * No policy: neither MTA-STS (or an MTA-STS policy in mode {@code none}) nor DANE.
   *
   * @param domain the policy domain
   * @return the applied policy
   */
  public static AppliedPolicy noPolicyFound(String domain) {
    return new AppliedPolicy(PolicyType.NO_POLICY_FOUND, List.of(), domain, List.of());
  }

  /**
   * A DANE policy, for MTAs that validate DANE themselves and count its sessions through {@link
   * TlsRptCollector#success(AppliedPolicy)} and {@link TlsRptCollector#failure(AppliedPolicy,
   * SessionFailure)}.
   *
   * @param tlsaBaseDomain the TLSA base domain (RFC 8460 section 1.1)
   * @param tlsaRecords each TLSA record as its four fields in presentation format, e.g. {@code "3 0 1
   *     1F85...085D"}
   * @return the applied policy
   */
  public static AppliedPolicy tlsa(String tlsaBaseDomain, List<String> tlsaRecords) {
    return new AppliedPolicy(PolicyType.TLSA, tlsaRecords, tlsaBaseDomain, List.of());
  }

  private static String domain(String domain) {
    Objects.requireNonNull(domain, "policyDomain");
    return HostName.normalize(domain);
  }
}
