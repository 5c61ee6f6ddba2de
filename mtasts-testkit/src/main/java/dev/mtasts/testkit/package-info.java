/**
 * Test kit for MTA-STS integration tests, for this project's tests and for yours:
 *
 * <ul>
 *   <li>{@link dev.mtasts.testkit.LoopbackDnsServer}: an authoritative DNS server on 127.0.0.1 with
 *       its data and faults given in code;
 *   <li>{@link dev.mtasts.testkit.TestCertificateAuthority}: a test CA issuing any certificate a
 *       test needs (valid, expired, wrong name, CN-only, wildcard, self-signed, ...);
 *   <li>{@link dev.mtasts.testkit.PolicyHost}: an HTTPS policy host on loopback with faults;
 *   <li>{@link dev.mtasts.testkit.SmtpServer}: an SMTP server with STARTTLS, or without it;
 *   <li>{@link dev.mtasts.testkit.SamplePolicies}: policy bodies.
 * </ul>
 *
 * <p>Everything here listens on {@code 127.0.0.1} only. See {@link dev.mtasts.testkit.PolicyHost} for
 * mapping {@code mta-sts.<domain>} to loopback with {@code -Djdk.net.hosts.file}.
 *
 * <p>The kit brings Bouncy Castle and WireMock with it, so depend on it in test scope only. On the
 * module path it is the automatic module {@code dev.mtasts.testkit}.
 */
@NullMarked
package dev.mtasts.testkit;

import org.jspecify.annotations.NullMarked;
