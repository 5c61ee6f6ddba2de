/**
 * An SMTP relay that applies MTA-STS with Jakarta Mail (Eclipse Angus Mail): {@link
 * dev.mtasts.examples.relay.MtaStsRelay} delivers one message to the MX hosts of a domain and
 * returns a {@link dev.mtasts.examples.relay.DeliveryResult}. It is an example to read and copy: the
 * MTA-STS part of a real MTA's delivery loop, in one small class.
 */
package dev.mtasts.examples.relay;
