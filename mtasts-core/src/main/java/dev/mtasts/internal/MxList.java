package dev.mtasts.internal;

import dev.mtasts.policy.MxPattern;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The {@code mx} patterns of a policy, packed into one string: each pattern (lower-case ASCII, at
 * most 255 characters: {@code *.} and a 253-character name) after a character holding its length.
 *
 * <p>Why packed: a sender's cache holds one policy per domain, often hundreds of thousands, and one
 * Latin-1 string per policy costs far less than a list of pattern objects and their strings (see
 * {@code PolicyHeapBenchmark}). Matching goes through the one rule, {@link MxRule}, pattern by
 * pattern, without building any {@link MxPattern}; {@link #get(int)} builds one on demand.
 * Immutable.
 */
public final class MxList extends AbstractList<MxPattern> implements RandomAccess {
  private static final MxList EMPTY = new MxList("", 0);

  private final String text;
  private final int size;

  private MxList(String text, int size) {
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
    if (patterns.isEmpty()) {
      return EMPTY;
    }
    StringBuilder text = new StringBuilder(32 * patterns.size());
    for (MxPattern p : patterns) {
      String value = Objects.requireNonNull(p, "mx pattern").value();
      text.append((char) value.length()).append(value);
    }
    return new MxList(text.toString(), patterns.size());
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
    return new MxList(new String(text, StandardCharsets.ISO_8859_1), count);
  }

  @Override
  public MxPattern get(int index) {
    Objects.checkIndex(index, size);
    int at = 0;
    for (int k = 0; k < index; k++) {
      at += 1 + text.charAt(at);
    }
    return new MxPattern(text.substring(at + 1, at + 1 + text.charAt(at)));
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * Tells whether any pattern matches an MX host (RFC 8461 section 4.1, by {@link MxRule}).
   *
   * @param mxHost the host name from the MX record, any case, with or without a trailing dot
   * @return {@code true} when a pattern matches; never for a host that is not a valid host name
   */
  public boolean anyMatches(String mxHost) {
    String host = HostNames.matchable(mxHost);
    if (host == null) {
      return false;
    }
    int hostLength = MxRule.nameLength(host);
    for (int at = 0; at < text.length(); ) {
      int length = text.charAt(at);
      int start = at + 1;
      if (MxRule.matches(text, start, length, host, hostLength)) {
        return true;
      }
      at = start + length;
    }
    return false;
  }
}
