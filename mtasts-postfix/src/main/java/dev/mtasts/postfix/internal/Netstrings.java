package dev.mtasts.postfix.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Netstrings ({@code <length>:<bytes>,}), the framing of Postfix's socketmap protocol. Reading is
 * strict and bounded: a length of more than the cap, a length with no digits or too many, a missing
 * colon or comma each end the connection with a {@link MalformedFrameException}.
 */
public final class Netstrings {
  private Netstrings() {}

  /** Reads netstrings from one connection. Not thread-safe: one reader per connection. */
  public static final class Reader {
    private final InputStream in;
    private final int maxLength;
    private final int maxDigits;

    /**
     * Creates a reader.
     *
     * @param in the connection's input, buffered by the caller
     * @param maxLength the longest payload accepted
     */
    public Reader(InputStream in, int maxLength) {
      this.in = in;
      this.maxLength = maxLength;
      this.maxDigits = Integer.toString(maxLength).length();
    }

    /**
     * Reads the next netstring.
     *
     * @return its payload, or {@code null} when the client closed the connection between frames
     * @throws MalformedFrameException when the bytes are not a netstring within the limits
     * @throws EOFException when the client closed the connection inside a frame
     * @throws IOException when reading fails
     */
    public byte[] next() throws IOException {
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

  /**
   * Takes one netstring from the start of a buffer's remaining bytes, for non-blocking reads.
   *
   * @param buf the bytes read so far, between position and limit
   * @param maxLength the longest payload accepted
   * @return the payload, with the position moved past the netstring; or {@code null} when the
   *     netstring is not complete yet (the position is unchanged)
   * @throws MalformedFrameException when the bytes cannot start a netstring within the limits
   */
  public static byte[] take(ByteBuffer buf, int maxLength) throws MalformedFrameException {
    long frame = frame(buf, maxLength);
    if (frame < 0) {
      return null;
    }
    byte[] payload = new byte[(int) frame];
    buf.get((int) (frame >>> 32), payload);
    buf.position((int) (frame >>> 32) + payload.length + 1);
    return payload;
  }

  /**
   * Takes one netstring from the start of a buffer's remaining bytes into an array, for a reader
   * that reuses one array for every request.
   *
   * @param buf the bytes read so far, between position and limit
   * @param maxLength the longest payload accepted
   * @param into where the payload goes, at least {@code maxLength} bytes long
   * @return the payload's length, with the position moved past the netstring; or -1 when the
   *     netstring is not complete yet (the position is unchanged)
   * @throws MalformedFrameException when the bytes cannot start a netstring within the limits
   */
  public static int take(ByteBuffer buf, int maxLength, byte[] into)
      throws MalformedFrameException {
    long frame = frame(buf, maxLength);
    if (frame < 0) {
      return -1;
    }
    int length = (int) frame;
    int payloadStart = (int) (frame >>> 32);
    buf.get(payloadStart, into, 0, length);
    buf.position(payloadStart + length + 1);
    return length;
  }

  /**
   * Finds the netstring at the start of a buffer's remaining bytes, leaving the position.
   *
   * @return the index of its payload (high 32 bits) and the payload's length (low 32 bits); or -1
   *     when it is not complete yet
   */
  private static long frame(ByteBuffer buf, int maxLength) throws MalformedFrameException {
    int maxDigits = 1;
    for (int m = maxLength; m >= 10; m /= 10) {
      maxDigits++;
    }
    int start = buf.position();
    int limit = buf.limit();
    int i = start;
    long length = 0; // ten digits may pass the limit of an int
    while (true) {
      if (i == limit) {
        return -1;
      }
      byte c = buf.get(i);
      if (c == ':') {
        break;
      }
      if (c < '0' || c > '9') {
        throw new MalformedFrameException("a netstring length holds "
            + Escape.quote(new byte[] {c}, 0, 1) + " where a digit or ':' belongs");
      }
      if (i - start >= maxDigits) {
        throw new MalformedFrameException("a netstring length has more than " + maxDigits
            + " digits (requests are at most " + maxLength + " bytes)");
      }
      length = length * 10 + (c - '0');
      i++;
    }
    if (i == start) {
      throw new MalformedFrameException("a netstring has no length before ':'");
    }
    if (length > maxLength) {
      throw new MalformedFrameException("a netstring of " + length + " bytes is over the limit of "
          + maxLength);
    }
    int payloadStart = i + 1;
    if (limit - payloadStart < length + 1) {
      return -1;
    }
    byte end = buf.get(payloadStart + (int) length);
    if (end != ',') {
      throw new MalformedFrameException("a netstring of " + length + " bytes ends with "
          + Escape.quote(new byte[] {end}, 0, 1) + " instead of ','");
    }
    return ((long) payloadStart << 32) | length;
  }

  /**
   * Writes one netstring.
   *
   * @param out where to
   * @param payload the bytes
   * @throws IOException when writing fails
   */
  public static void write(OutputStream out, byte[] payload) throws IOException {
    out.write(Integer.toString(payload.length).getBytes(StandardCharsets.US_ASCII));
    out.write(':');
    out.write(payload);
    out.write(',');
  }

  /**
   * Encodes one netstring.
   *
   * @param payload the text, as UTF-8
   * @return the netstring bytes
   */
  public static byte[] encode(String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    byte[] head = (p.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + p.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(p, 0, out, head.length, p.length);
    out[out.length - 1] = ',';
    return out;
  }
}
