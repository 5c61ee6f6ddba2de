/**
 * The pure, I/O-free part of MTA-STS (RFC 8461): the {@code _mta-sts} TXT record ({@link
 * dev.mtasts.policy.StsRecord}), the policy body ({@link dev.mtasts.policy.Policy}) and MX host
 * matching ({@link dev.mtasts.policy.MxPattern}).
 *
 * <p>Parsers take untrusted input and never throw for bad input: they return a {@link
 * dev.mtasts.policy.ParseResult} that is either the value or the list of problems found, each with
 * its location and a message. Every type here is immutable and safe to share between threads.
 */
@NullMarked
package dev.mtasts.policy;

import org.jspecify.annotations.NullMarked;
