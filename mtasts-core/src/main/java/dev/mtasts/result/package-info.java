/**
 * What went wrong, in the words of RFC 8460: the {@link dev.mtasts.result.ResultType result types}
 * of section 4.3 and the {@link dev.mtasts.result.Failure} that carries one. Every other package
 * speaks of failures with these two types; none depends on the TLS-RPT machinery of {@code
 * dev.mtasts.tlsrpt}.
 */
@NullMarked
package dev.mtasts.result;

import org.jspecify.annotations.NullMarked;
