/**
 * Test kit for MTA-STS integration tests: a test certificate authority ({@link
 * dev.mtasts.testkit.TestCertificateAuthority}), an HTTPS policy host on loopback ({@link
 * dev.mtasts.testkit.PolicyHost}) and sample policies ({@link dev.mtasts.testkit.SamplePolicies}).
 * The loopback DNS and SMTP servers arrive in a later release.
 *
 * <p>Everything here listens on {@code 127.0.0.1} only. See {@link dev.mtasts.testkit.PolicyHost} for
 * mapping {@code mta-sts.<domain>} to loopback with {@code -Djdk.net.hosts.file}.
 */
@NullMarked
package dev.mtasts.testkit;

import org.jspecify.annotations.NullMarked;
