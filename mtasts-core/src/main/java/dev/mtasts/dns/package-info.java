/**
 * DNS lookups MTA-STS needs: TXT records ({@code _mta-sts}, {@code _smtp._tls}) and MX records.
 *
 * <p>{@link dev.mtasts.dns.DnsClient} is the interface; {@link dev.mtasts.dns.DnsjavaClient} the real
 * implementation. Outcomes are values ({@link dev.mtasts.dns.DnsResult}), never exceptions: "no such
 * name" and "no data" mean the record does not exist, a temporary failure means nothing is known.
 */
@NullMarked
package dev.mtasts.dns;

import org.jspecify.annotations.NullMarked;
