/**
 * The decision API an MTA calls on every delivery: {@link dev.mtasts.decision.MtaSts} gives a
 * {@link dev.mtasts.decision.PolicyLookup} for a recipient domain, which marks the MX candidates and
 * turns each TLS session into a {@link dev.mtasts.decision.Verdict}.
 *
 * <p>The call sequence of an MTA:
 *
 * <pre>{@code
 * MtaSts mtaSts = MtaSts.builder()...tlsRpt(collector).build(); // once, shared by all threads
 * PolicyLookup lookup = mtaSts.lookup("example.com");    // per delivery (cached by mtasts-cache)
 * for (MxCandidate mx : lookup.candidates(mxHostsInPreferenceOrder)) {
 *   if (!mx.permitted()) continue;                       // a transient failure for this MX
 *   // connect, EHLO; details = SessionDetails.of(localIp, mxIp).withHelo(ehloName)
 *   // without STARTTLS: lookup.starttlsNotSupported(mx.host(), details)
 *   // STARTTLS with mtaSts.sslParameters(mx.host()); after the handshake:
 *   Verdict verdict = lookup.verify(mx.host(), sslSession, details);  // counted for TLS-RPT
 *   if (verdict instanceof Verdict.Refuse) continue;     // try the next MX
 *   // deliver
 * }
 * // every candidate failed: lookup.allCandidatesFailed(), then mtaSts.recheck("example.com")
 * }</pre>
 */
@NullMarked
package dev.mtasts.decision;

import org.jspecify.annotations.NullMarked;
