/**
 * The MTA-STS policy cache of RFC 8461 section 5.1. {@link dev.mtasts.cache.CachedPolicy} is a
 * policy as a sender remembers it; a {@link dev.mtasts.cache.PolicyStore} keeps such policies across
 * restarts (in memory by default; in files or a database shared by a fleet with the stores of the
 * {@code mtasts-cache} module).
 */
@NullMarked
package dev.mtasts.cache;

import org.jspecify.annotations.NullMarked;
