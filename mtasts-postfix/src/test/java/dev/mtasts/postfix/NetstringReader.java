package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Escape;
import dev.mtasts.postfix.internal.MalformedFrameException;
import dev.mtasts.postfix.internal.Netstrings;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads netstrings from a blocking stream, the way a client reads the server's replies: the tests'
 * second, independent parser beside the server's {@link Netstrings#take}. Not thread-safe.
 */
final class NetstringReader {
  private final InputStream in;
  private final int maxLength;
  private final int maxDigits;

  /**
   * Creates a reader.
   *
   * @param in the connection's input, buffered by the caller
   * @param maxLength the longest payload accepted
   */
  NetstringReader(InputStream in, int maxLength) {
    this.in = in;
    this.maxLength = maxLength;
    this.maxDigits = Netstrings.lengthDigits(maxLength);
  }

  /**
   * Reads the next netstring.
   *
   * @return its payload, or {@code null} when the client closed the connection between frames
   * @throws MalformedFrameException when the bytes are not a netstring within the limits
   * @throws EOFException when the client closed the connection inside a frame
   * @throws IOException when reading fails
   */
  byte[] next() throws IOException {
    int c = in.read();
    if (c < 0) {
      return null;
    }
    int length = 0;
    int digits = 0;
    while (c != ':') {
      if (c < 0) {
        throw new EOFException("the connection closed inside a netstring length");
      }
      if (c < '0' || c > '9') {
        throw new MalformedFrameException("a netstring length holds " + describe(c)
            + " where a digit or ':' belongs");
      }
      if (++digits > maxDigits) {
        throw new MalformedFrameException("a netstring length has more than " + maxDigits
            + " digits (requests are at most " + maxLength + " bytes)");
      }
      length = length * 10 + (c - '0');
      c = in.read();
    }
    if (digits == 0) {
      throw new MalformedFrameException("a netstring has no length before ':'");
    }
    if (length > maxLength) {
      throw new MalformedFrameException("a netstring of " + length + " bytes is over the limit of "
          + maxLength);
    }
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new EOFException("the connection closed inside a netstring of " + length + " bytes");
    }
    int end = in.read();
    if (end < 0) {
      throw new EOFException("the connection closed before the ',' of a netstring");
    }
    if (end != ',') {
      throw new MalformedFrameException("a netstring of " + length + " bytes ends with "
          + describe(end) + " instead of ','");
    }
    return payload;
  }

  private static String describe(int c) {
    return Escape.quote(new byte[] {(byte) c}, 0, 1);
  }
}
