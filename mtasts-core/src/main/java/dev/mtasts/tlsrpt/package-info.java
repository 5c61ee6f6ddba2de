/** TLS-RPT (RFC 8460): result types and, in later releases, reporting. */
@NullMarked
package dev.mtasts.tlsrpt;

import org.jspecify.annotations.NullMarked;
