/**
 * The MTA-STS policy cache. The resolver and the stores arrive in a later release; this package is
 * the place they will live.
 */
@NullMarked
package dev.mtasts.cache;

import org.jspecify.annotations.NullMarked;
