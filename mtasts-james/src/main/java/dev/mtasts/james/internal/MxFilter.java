package dev.mtasts.james.internal;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.james.MtaStsJames;
import dev.mtasts.policy.Policy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS part of an MX lookup (RFC 8461 section 5, step 2): which of a recipient domain's MX
 * hosts James may connect to at all. Used by the MX lookup of {@code MtaStsRemoteDelivery} before
 * James opens any connection; the certificate checks stay with the transport ({@link
 * ConnectionGuard}).
 *
 * <ul>
 *   <li>{@code enforce}, some hosts listed: the hosts the policy does not list are left out (and
 *       reported as refused, {@code mx-not-in-policy}); James never connects to them.
 *   <li>{@code enforce}, no host listed: every host is kept, and the transport refuses each before
 *       {@code MAIL FROM}. Leaving them all out would defer TLS-RPT reports too, which RFC 8460
 *       section 5.3.1 says must be delivered despite the policy, and an MX lookup cannot tell a
 *       report from other mail (docs/decisions.md, decision 33).
 *   <li>the policy lookup failed with nothing cached, and the facade defers such mail: {@link
 *       Deferral}, so James keeps the mail queued without connecting.
 *   <li>{@code testing}, {@code none}, no policy, a recipient domain that is no domain name: every
 *       host is kept.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class MxFilter {
  private static final Logger LOG = LoggerFactory.getLogger(MxFilter.class);

  private final Supplier<MtaStsJames> shared;

  /** Creates the filter of the {@linkplain MtaStsJames#shared() shared} facade. */
  public MxFilter() {
    this(MtaStsJames::shared);
  }

  MxFilter(Supplier<MtaStsJames> shared) {
    this.shared = shared;
  }

  /** The mail must wait: James is to treat the MX lookup as failed temporarily. */
  public static final class Deferral extends Exception {
    private static final long serialVersionUID = 1L;

    Deferral(String message) {
      super(message);
    }
  }

  /**
   * Filters the MX hosts of a recipient domain by its policy, keeping their order.
   *
   * @param domain the recipient domain, as James looks up its MX hosts
   * @param mxRecords the MX hosts James found, in the order it tries them: host names, with or
   *     without a trailing dot, optionally with {@code :port}
   * @return the entries of {@code mxRecords} James may connect to, unchanged
   * @throws Deferral when the mail must stay queued without any connection
   */
  public List<String> hostsToTry(String domain, List<String> mxRecords) throws Deferral {
    Optional<PolicyLookup> found = lookup(shared, domain);
    if (found.isEmpty()) {
      return mxRecords;
    }
    PolicyLookup lookup = found.get();
    Optional<Policy> policy = lookup.policy();
    if (lookup.status() != PolicyLookup.Status.ENFORCE || policy.isEmpty()) {
      return mxRecords;
    }
    List<String> hosts = new ArrayList<>(mxRecords.size());
    for (String record : mxRecords) {
      hosts.add(hostOf(record));
    }
    if (hosts.stream().noneMatch(policy.get()::permits)) {
      LOG.warn("MTA-STS: {} (enforce) lists none of its {} MX host(s); each is refused before MAIL"
          + " FROM", lookup.domain(), hosts.size());
      return mxRecords;
    }
    Set<String> kept = new HashSet<>(lookup.candidates(hosts));
    List<String> out = new ArrayList<>(kept.size());
    for (int i = 0; i < mxRecords.size(); i++) {
      if (kept.contains(hosts.get(i))) {
        out.add(mxRecords.get(i));
      } else {
        LOG.warn("MTA-STS: {} (enforce) does not list MX {}: not connecting to it",
            lookup.domain(), ConnectionGuard.safe(hosts.get(i)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Looks up the policy of a recipient domain for James, as the MX lookup and the transport both
   * do: a configuration that cannot be read, or a failed lookup that the facade defers, keeps the
   * mail queued (logged here, since James reports such a failure in words of its own).
   *
   * @param shared the shared facade
   * @param domain the recipient domain
   * @return the lookup, or empty when the domain is not a domain name (no MTA-STS)
   * @throws Deferral when the mail must stay queued
   */
  static Optional<PolicyLookup> lookup(Supplier<MtaStsJames> shared, String domain)
      throws Deferral {
    MtaSts mtaSts;
    try {
      mtaSts = shared.get().mtaSts();
    } catch (RuntimeException e) {
      // A configuration that cannot be read must not let mail out without MTA-STS, nor bounce it.
      String message = "MTA-STS is not available (" + e.getMessage() + "); the mail stays queued";
      LOG.error(message);
      throw new Deferral(message);
    }
    PolicyLookup lookup;
    try {
      lookup = mtaSts.lookup(domain);
    } catch (IllegalArgumentException e) {
      LOG.debug("MTA-STS: recipient domain is not a domain name, sent without MTA-STS");
      return Optional.empty();
    }
    if (lookup.shouldDefer()) {
      String message = "MTA-STS: the policy of " + lookup.domain()
          + " could not be looked up (deferWhenUnavailable); the mail stays queued";
      LOG.warn(message);
      throw new Deferral(message);
    }
    return Optional.of(lookup);
  }

  /** The host name of an MX entry: lower case, without {@code :port} and trailing dot. */
  static String hostOf(String record) {
    String host = record.strip().toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && colon < host.length() - 1
        && host.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      host = host.substring(0, colon);
    }
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
