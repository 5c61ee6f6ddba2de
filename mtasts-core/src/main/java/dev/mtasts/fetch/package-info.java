/**
 * Fetching the policy over HTTPS (RFC 8461 section 3.3).
 *
 * <p>{@link dev.mtasts.fetch.PolicyFetcher} is the interface; {@link
 * dev.mtasts.fetch.HttpsPolicyFetcher} the real implementation on {@code java.net.http}. Every
 * failure carries its RFC 8460 result type.
 */
@NullMarked
package dev.mtasts.fetch;

import org.jspecify.annotations.NullMarked;
