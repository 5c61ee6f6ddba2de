/**
 * Certificate checks of an MX host (RFC 8461 section 4.2): PKIX chain validation against a
 * configurable trust store at an injected clock's time, DNS-ID matching of the MX host name, and the
 * negotiated TLS version.
 */
@NullMarked
package dev.mtasts.tls;

import org.jspecify.annotations.NullMarked;
