/**
 * TLS-RPT (RFC 8460) for mail senders: the {@code _smtp._tls} record ({@link
 * dev.mtasts.tlsrpt.TlsRptRecord}, {@link dev.mtasts.tlsrpt.TlsRptDiscoverer}), the collector of
 * session outcomes that the decision API feeds ({@link dev.mtasts.tlsrpt.TlsRptCollector}), the
 * RFC 8460 section 4.4 report and its JSON ({@link dev.mtasts.tlsrpt.TlsRptReport}, {@link
 * dev.mtasts.tlsrpt.TlsRptReportWriter}), and the daily delivery by HTTPS or email ({@link
 * dev.mtasts.tlsrpt.TlsRptReporter}).
 */
@NullMarked
package dev.mtasts.tlsrpt;

import org.jspecify.annotations.NullMarked;
