/**
 * Policy discovery (RFC 8461 section 3): the {@code _mta-sts} TXT record first, then the policy over
 * HTTPS, with every outcome a value of the sealed {@link dev.mtasts.discovery.Discovery} type.
 */
@NullMarked
package dev.mtasts.discovery;

import org.jspecify.annotations.NullMarked;
