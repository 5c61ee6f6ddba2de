/**
 * Policy discovery (RFC 8461 section 3): the {@code _mta-sts} TXT record first ({@link
 * dev.mtasts.discovery.RecordLookup}, with the record, its warnings or why there is none), then the
 * policy over HTTPS ({@link dev.mtasts.fetch.FetchResult}). A whole discovery without a cache ends
 * in the {@link dev.mtasts.decision.PolicyState} a sender would apply.
 */
@NullMarked
package dev.mtasts.discovery;

import org.jspecify.annotations.NullMarked;
