/**
 * Test kit for MTA-STS integration tests. The loopback DNS, HTTPS and SMTP servers and the test
 * certificate authority arrive in a later release; this package is the place they will live.
 */
@NullMarked
package dev.mtasts.testkit;

import org.jspecify.annotations.NullMarked;
