/**
 * The decision API an MTA calls on every delivery: {@link dev.mtasts.decision.MtaSts}, the front
 * door, gives a {@link dev.mtasts.decision.PolicyLookup} for a recipient domain, which filters the MX
 * candidates and turns each TLS session into a {@link dev.mtasts.decision.Verdict}; a {@link
 * dev.mtasts.decision.VerdictListener} hears every verdict, for TLS-RPT and metrics.
 *
 * <p>The call sequence of an MTA, with the check inside its own TLS handshake ({@code
 * mtasts-examples} has it complete for Jakarta Mail, in {@code dev.mtasts.examples.relay}):
 *
 * <pre>{@code
 * // once, shared by all threads, closed on shutdown
 * MtaSts mtaSts = MtaSts.builder()
 *     .store(FilePolicyStore.builder(dir).build())        // mtasts-cache; memory only without it
 *     .reporting(TlsRptReporter.builder().organizationName("Example Mail")
 *         .contactInfo("tlsrpt@example.net").directory(tlsrptDir))
 *     .build();
 *
 * // per delivery attempt
 * PolicyLookup lookup = mtaSts.lookup("example.com");    // the recipient (or smart host) domain
 * if (lookup.shouldDefer()) { ... }                     // only with deferWhenUnavailable(true)
 * for (String mx : lookup.candidates(mtaSts.mx("example.com"))) { // unlisted hosts: reported, left out
 *   SessionDetails details = SessionDetails.of(localIp, mxIp).withHelo(ehloName);
 *   MtaStsTrustManager trust = mtaSts.trustManager(lookup, mx, details);
 *   SSLContext tls = SSLContext.getInstance("TLS");     // a fresh context per connection
 *   tls.init(null, new TrustManager[] {trust}, null);
 *   // connect to mx (the name, not an address), EHLO
 *   // no STARTTLS offered: if (lookup.starttlsNotSupported(mx, details) instanceof Verdict.Refuse)
 *   //     QUIT and continue with the next MX, having sent nothing
 *   // STARTTLS with tls, and mtaSts.sslParameters(mx) on the socket (SNI, TLS 1.2+), then
 *   // Verdict v = trust.afterHandshake(), or trust.afterHandshake(e) when the handshake threw
 *   // Refuse: continue with the next MX; Deliver or DeliverAndReport: send the message, done
 * }
 * // no MX took the message: lookup.allCandidatesFailed() says defer; before the message is ever
 * // failed for good, mtaSts.recheck("example.com") looks for a new policy
 * }</pre>
 *
 * <p>An MTA that cannot install a trust manager may instead let its handshake accept the
 * certificate and call {@link dev.mtasts.decision.PolicyLookup#verify(String,
 * javax.net.ssl.SSLSession)} before it sends anything; it must not do both for one connection, or
 * the verdict is counted twice.
 */
@NullMarked
package dev.mtasts.decision;

import org.jspecify.annotations.NullMarked;
