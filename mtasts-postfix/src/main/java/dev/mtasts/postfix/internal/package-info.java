/** The socketmap wire format, key handling and the connection loop; not an API. */
package dev.mtasts.postfix.internal;
