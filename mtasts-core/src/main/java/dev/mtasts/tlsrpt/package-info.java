/**
 * TLS-RPT (RFC 8460): the {@code _smtp._tls} record ({@link dev.mtasts.tlsrpt.TlsRptRecord}), result
 * types and, in later releases, reporting.
 */
@NullMarked
package dev.mtasts.tlsrpt;

import org.jspecify.annotations.NullMarked;
