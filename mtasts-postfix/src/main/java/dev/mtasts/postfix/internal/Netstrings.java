package dev.mtasts.postfix.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Netstrings ({@code <length>:<bytes>,}), the framing of Postfix's socketmap protocol. Reading is
 * strict and bounded: a length of more than the cap, a length with no digits or too many, a missing
 * colon or comma each end the connection with a {@link MalformedFrameException}.
 */
public final class Netstrings {
  private Netstrings() {}

  /**
   * How many digits the length of a netstring of at most {@code maxLength} bytes may have.
   *
   * @param maxLength the longest payload accepted
   * @return the number of digits of {@code maxLength}
   */
  public static int lengthDigits(int maxLength) {
    int digits = 1;
    for (int m = maxLength; m >= 10; m /= 10) {
      digits++;
    }
    return digits;
  }

  /**
   * How many bytes a whole netstring of at most {@code maxLength} payload bytes may take.
   *
   * @param maxLength the longest payload accepted
   * @return the length digits, the colon, the payload and the comma
   */
  public static int maxFrameBytes(int maxLength) {
    return lengthDigits(maxLength) + 1 + maxLength + 1;
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
    int maxDigits = lengthDigits(maxLength);
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
   * Encodes one netstring.
   *
   * @param payload the text, as UTF-8
   * @return the netstring bytes
   */
  public static byte[] encode(String payload) {
    return encode(payload.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Encodes one netstring.
   *
   * @param p the payload
   * @return the netstring bytes
   */
  public static byte[] encode(byte[] p) {
    byte[] head = (p.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + p.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(p, 0, out, head.length, p.length);
    out[out.length - 1] = ',';
    return out;
  }
}
