package dev.mtasts.internal;

import dev.mtasts.policy.MxPattern;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The {@code mx} patterns of a policy, packed: one byte array holding each pattern (lower-case
 * ASCII, at most 255 characters: {@code *.} and a 253-character name) after a byte with its
 * length. A cache holds one policy per domain, so
 * this keeps a 3-pattern policy to one array instead of a list, three patterns and three strings.
 * Immutable; {@link #get(int)} builds the {@link MxPattern} on demand, and {@link
 * #anyMatches(String, int)} matches without building any.
 */
public final class MxList extends AbstractList<MxPattern> implements RandomAccess {
  private static final MxList EMPTY = new MxList(new byte[0], 0);

  private final byte[] text;
  private final int size;

  private MxList(byte[] text, int size) {
    this.text = text;
    this.size = size;
  }

  /**
   * Packs patterns; returns the list itself when it is already packed.
   *
   * @param patterns the patterns, none of them null
   * @return the packed list
   * @throws NullPointerException when the list or a pattern is null
   */
  public static MxList copyOf(List<MxPattern> patterns) {
    if (patterns instanceof MxList packed) {
      return packed;
    }
    int n = patterns.size();
    if (n == 0) {
      return EMPTY;
    }
    int length = n;
    for (MxPattern p : patterns) {
      length += Objects.requireNonNull(p, "mx pattern").value().length();
    }
    byte[] text = new byte[length];
    int at = 0;
    for (MxPattern p : patterns) {
      byte[] ascii = p.value().getBytes(StandardCharsets.US_ASCII);
      text[at++] = (byte) ascii.length;
      System.arraycopy(ascii, 0, text, at, ascii.length);
      at += ascii.length;
    }
    return new MxList(text, n);
  }

  /**
   * Packs patterns straight from a policy body: {@code ranges} holds, for each pattern, the start
   * and end of its bytes in {@code body}; each range must already be a valid pattern ({@link
   * MxSyntax#scan(byte[], int, int)}). Upper-case letters are lowered while copying.
   *
   * @param body the policy body
   * @param ranges start and end offsets, two per pattern
   * @param count the number of patterns
   * @return the packed list
   */
  public static MxList fromBytes(byte[] body, int[] ranges, int count) {
    if (count == 0) {
      return EMPTY;
    }
    int length = count;
    for (int k = 0; k < count; k++) {
      length += ranges[2 * k + 1] - ranges[2 * k];
    }
    byte[] text = new byte[length];
    int at = 0;
    for (int k = 0; k < count; k++) {
      text[at++] = (byte) (ranges[2 * k + 1] - ranges[2 * k]);
      for (int i = ranges[2 * k], end = ranges[2 * k + 1]; i < end; i++) {
        byte c = body[i];
        text[at++] = c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c;
      }
    }
    return new MxList(text, count);
  }

  @Override
  public MxPattern get(int index) {
    Objects.checkIndex(index, size);
    int at = 0;
    for (int k = 0; k < index; k++) {
      at += 1 + (text[at] & 0xff);
    }
    return new MxPattern(new String(text, at + 1, text[at] & 0xff, StandardCharsets.US_ASCII));
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * Tells whether any pattern matches a host already known to be a valid ASCII host name (RFC 8461
   * section 4.1: case-insensitive, a wildcard for exactly one left-most label).
   *
   * @param host the host name, any case
   * @param len its length without a trailing dot
   * @return {@code true} when a pattern matches
   */
  public boolean anyMatches(String host, int len) {
    byte[] t = text;
    int dot = host.indexOf('.');
    for (int at = 0; at < t.length; ) {
      int plen = t[at] & 0xff;
      int start = at + 1;
      at = start + plen;
      if (t[start] != '*') {
        if (len == plen && regionEquals(host, 0, start, len)) {
          return true;
        }
      } else if (dot > 0 && dot < len && len - dot == plen - 1
          && regionEquals(host, dot, start + 1, plen - 1)) {
        return true;
      }
    }
    return false;
  }

  private boolean regionEquals(String host, int hostOffset, int textOffset, int len) {
    byte[] t = text;
    for (int i = 0; i < len; i++) {
      int c = host.charAt(hostOffset + i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != t[textOffset + i]) {
        return false;
      }
    }
    return true;
  }
}
