package dev.mtasts.internal;

import dev.mtasts.policy.MxPattern;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The {@code mx} patterns of a policy, packed: one byte array holding the patterns (lower-case
 * ASCII) separated by a space, which no pattern contains. A cache holds one policy per domain, so
 * this keeps a 3-pattern policy to one array instead of a list, three patterns and three strings.
 * Immutable; {@link #get(int)} builds the {@link MxPattern} on demand, and {@link
 * #anyMatches(String, int)} matches without building any.
 */
public final class MxList extends AbstractList<MxPattern> implements RandomAccess {
  private static final MxList EMPTY = new MxList(new byte[0], 0);
  private static final byte SEPARATOR = ' ';

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
    int length = n - 1;
    for (MxPattern p : patterns) {
      length += Objects.requireNonNull(p, "mx pattern").value().length();
    }
    byte[] text = new byte[length];
    int at = 0;
    for (MxPattern p : patterns) {
      if (at > 0) {
        text[at++] = SEPARATOR;
      }
      String v = p.value();
      v.getBytes(0, v.length(), text, at);
      at += v.length();
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
    int length = count - 1;
    for (int k = 0; k < count; k++) {
      length += ranges[2 * k + 1] - ranges[2 * k];
    }
    byte[] text = new byte[length];
    int at = 0;
    for (int k = 0; k < count; k++) {
      if (k > 0) {
        text[at++] = SEPARATOR;
      }
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
    int start = 0;
    for (int k = 0; k < index; k++) {
      start = end(start) + 1;
    }
    return new MxPattern(new String(text, start, end(start) - start, StandardCharsets.US_ASCII));
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
    int start = 0;
    for (int k = 0; k < size; k++) {
      int end = end(start);
      if (matches(start, end, host, len)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private boolean matches(int start, int end, String host, int len) {
    byte[] t = text;
    if (t[start] != '*') {
      return len == end - start && regionEquals(host, 0, start, len);
    }
    int suffix = end - start - 1;
    int dot = host.indexOf('.');
    return dot > 0 && dot < len && len - dot == suffix && regionEquals(host, dot, start + 1, suffix);
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

  private int end(int start) {
    int e = start;
    while (e < text.length && text[e] != SEPARATOR) {
      e++;
    }
    return e;
  }
}
