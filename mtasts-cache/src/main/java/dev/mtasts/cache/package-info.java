/**
 * The MTA-STS policy cache. {@link dev.mtasts.cache.CachedPolicy} is a policy as a sender remembers
 * it; {@link dev.mtasts.cache.PolicyStore} keeps such policies across restarts, in files ({@link
 * dev.mtasts.cache.FilePolicyStore}) or in a database shared by a fleet ({@link
 * dev.mtasts.cache.JdbcPolicyStore}).
 */
@NullMarked
package dev.mtasts.cache;

import org.jspecify.annotations.NullMarked;
