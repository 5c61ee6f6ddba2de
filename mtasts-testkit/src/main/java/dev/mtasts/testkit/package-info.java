/**
 * Test kit for MTA-STS integration tests: {@link dev.mtasts.testkit.LoopbackDnsServer}, an
 * authoritative DNS server on 127.0.0.1 with its data and faults given in code, and {@link
 * dev.mtasts.testkit.SamplePolicies}. The loopback HTTPS and SMTP servers and the test certificate
 * authority arrive in a later release; this package is the place they will live.
 */
@NullMarked
package dev.mtasts.testkit;

import org.jspecify.annotations.NullMarked;
