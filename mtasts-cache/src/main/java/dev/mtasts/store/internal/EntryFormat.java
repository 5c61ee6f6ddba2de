package dev.mtasts.store.internal;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The file format of one stored policy. It is text, so {@code cat} shows an entry, and strict, so
 * a torn, altered or foreign file is told from a valid one:
 *
 * <pre>
 * MTA-STS-POLICY-STORE/1
 * domain: example.com
 * id: 20240101T000000
 * fetched-at: 2025-01-02T03:04:05.123456789Z
 * policy-length: 87
 *
 * version: STSv1\r\n ... max_age: 604800\r\n      (exactly policy-length bytes)
 * crc32c: 0a1b2c3d
 * </pre>
 *
 * <p>Header lines end in LF and come in exactly this order. {@code fetched-at} is ISO-8601 UTC as
 * {@link Instant#toString()} writes it. The policy text is {@link Policy#toText()} (CRLF lines). The
 * last line is the CRC32C, as 8 lower-case hex digits, of every byte before it; nothing follows it.
 */
public final class EntryFormat {
  /** The first bytes of every entry, up to the version. */
  static final String MAGIC_PREFIX = "MTA-STS-POLICY-STORE/";

  /** The format version this code writes and reads. */
  static final int VERSION = 1;

  private static final byte[] HEADER = (MAGIC_PREFIX + VERSION + "\n").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC = MAGIC_PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRC_LABEL = "crc32c: ".getBytes(StandardCharsets.US_ASCII);
  private static final int TRAILER_LENGTH = CRC_LABEL.length + 8 + 1;

  /**
   * The longest policy text a store keeps, in bytes: what {@link Policy#parse(byte[])} reads back.
   * Longer text is refused when saved rather than stored unreadable.
   */
  public static final int MAX_POLICY_BYTES = Policy.MAX_BODY_BYTES;

  /** The largest file that can be a valid entry; anything larger is rejected unread. */
  public static final int MAX_ENTRY_BYTES = MAX_POLICY_BYTES + 1024;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private EntryFormat() {}

  /**
   * Encodes a policy; the domain and id must already be checked.
   *
   * @param policy the policy
   * @return the bytes of the entry
   * @throws IllegalArgumentException when the policy text is over {@link #MAX_POLICY_BYTES}
   */
  public static byte[] encode(CachedPolicy policy) {
    byte[] text = policy.policy().toText().getBytes(StandardCharsets.US_ASCII);
    checkPolicyLength(text.length);
    String fields =
        "domain: "
            + policy.domain()
            + "\nid: "
            + policy.id()
            + "\nfetched-at: "
            + policy.fetchedAt()
            + "\npolicy-length: "
            + text.length
            + "\n\n";
    byte[] head = fields.getBytes(StandardCharsets.US_ASCII);
    int bodyEnd = HEADER.length + head.length + text.length;
    byte[] out = new byte[bodyEnd + TRAILER_LENGTH];
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    System.arraycopy(head, 0, out, HEADER.length, head.length);
    System.arraycopy(text, 0, out, HEADER.length + head.length, text.length);
    CRC32C crc = new CRC32C();
    crc.update(out, 0, bodyEnd);
    System.arraycopy(CRC_LABEL, 0, out, bodyEnd, CRC_LABEL.length);
    long value = crc.getValue();
    int p = bodyEnd + CRC_LABEL.length;
    for (int shift = 28; shift >= 0; shift -= 4) {
      out[p++] = HEX[(int) (value >>> shift) & 0xf];
    }
    out[p] = '\n';
    return out;
  }

  /**
   * Checks the length of a policy text to be stored.
   *
   * @param bytes the length in bytes
   * @throws IllegalArgumentException when it is over {@link #MAX_POLICY_BYTES}
   */
  public static void checkPolicyLength(int bytes) {
    if (bytes > MAX_POLICY_BYTES) {
      throw new IllegalArgumentException(
          "the policy text of "
              + bytes
              + " bytes is over "
              + MAX_POLICY_BYTES
              + " and could not be read back");
    }
  }

  /**
   * Decodes an entry.
   *
   * @param bytes the whole file
   * @param expectedDomain the domain the file is named for
   * @return the policy
   * @throws CorruptEntryException when the bytes are not a valid entry for that domain
   */
  public static CachedPolicy decode(byte[] bytes, String expectedDomain)
      throws CorruptEntryException {
    int len = bytes.length;
    if (len == 0) {
      throw new CorruptEntryException("the file is empty");
    }
    if (len > MAX_ENTRY_BYTES) {
      throw new CorruptEntryException("the file is larger than any entry can be (" + len + " bytes)");
    }
    if (!startsWith(bytes, 0, MAGIC)) {
      throw new CorruptEntryException(
          "not a policy store entry: it does not start with " + MAGIC_PREFIX + VERSION);
    }
    int versionEnd = indexOf(bytes, MAGIC.length, Math.min(len, MAGIC.length + 12), (byte) '\n');
    String version =
        versionEnd < 0
            ? Text.quote(new String(bytes, MAGIC.length, Math.min(len - MAGIC.length, 12), StandardCharsets.ISO_8859_1))
            : new String(bytes, MAGIC.length, versionEnd - MAGIC.length, StandardCharsets.ISO_8859_1);
    if (!String.valueOf(VERSION).equals(version)) {
      throw new CorruptEntryException(
          "entry format version "
              + Text.quote(version)
              + " is not supported (this library reads version "
              + VERSION
              + ")");
    }
    int bodyEnd = len - TRAILER_LENGTH;
    if (bodyEnd < HEADER.length
        || bytes[len - 1] != '\n'
        || !startsWith(bytes, bodyEnd, CRC_LABEL)) {
      throw new CorruptEntryException(
          "the entry is truncated or damaged: it does not end with its checksum line");
    }
    long stored = parseHex(bytes, bodyEnd + CRC_LABEL.length);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bodyEnd);
    if (stored < 0 || stored != crc.getValue()) {
      throw new CorruptEntryException(
          "checksum mismatch: the entry was torn or altered (stored "
              + Text.quote(new String(bytes, bodyEnd + CRC_LABEL.length, 8, StandardCharsets.ISO_8859_1))
              + ", computed "
              + String.format("%08x", crc.getValue())
              + ")");
    }
    Cursor c = new Cursor(bytes, HEADER.length, bodyEnd);
    String domain = c.field("domain");
    String id = c.field("id");
    String fetchedAtText = c.field("fetched-at");
    String lengthText = c.field("policy-length");
    c.emptyLine();
    if (!domain.equals(expectedDomain)) {
      throw new CorruptEntryException(
          "the entry holds domain "
              + Text.quote(domain)
              + " but is stored for "
              + Text.quote(expectedDomain));
    }
    if (!Domains.isValidId(id)) {
      throw new CorruptEntryException("the id is not 1 to 32 letters and digits: " + Text.quote(id));
    }
    Instant fetchedAt;
    try {
      fetchedAt = Instant.parse(fetchedAtText);
    } catch (DateTimeParseException e) {
      throw new CorruptEntryException("fetched-at is not an instant: " + Text.quote(fetchedAtText));
    }
    int textLength = parseLength(lengthText);
    if (textLength != bodyEnd - c.pos) {
      throw new CorruptEntryException(
          "policy-length says "
              + Text.quote(lengthText)
              + " but "
              + (bodyEnd - c.pos)
              + " bytes of policy text follow");
    }
    ParseResult<Policy> parsed = Policy.parse(Arrays.copyOfRange(bytes, c.pos, bodyEnd));
    if (!(parsed instanceof ParseResult.Valid<Policy> valid)) {
      throw new CorruptEntryException("the stored policy text does not parse: " + parsed.errors());
    }
    return new CachedPolicy(domain, id, valid.get(), fetchedAt);
  }

  private static int parseLength(String s) throws CorruptEntryException {
    if (s.isEmpty() || s.length() > 7) {
      throw new CorruptEntryException("policy-length is not a number: " + Text.quote(s));
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new CorruptEntryException("policy-length is not a number: " + Text.quote(s));
      }
      n = n * 10 + (ch - '0');
    }
    return n;
  }

  private static long parseHex(byte[] b, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0 || (b[i] >= 'A' && b[i] <= 'F')) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    if (at < 0 || at + prefix.length > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** Reads {@code name: value\n} lines in order. */
  private static final class Cursor {
    private final byte[] b;
    private final int end;
    int pos;

    Cursor(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    String field(String name) throws CorruptEntryException {
      int nameLength = name.length();
      boolean ok = pos + nameLength + 2 <= end;
      for (int i = 0; ok && i < nameLength; i++) {
        ok = b[pos + i] == name.charAt(i);
      }
      ok = ok && b[pos + nameLength] == ':' && b[pos + nameLength + 1] == ' ';
      if (!ok) {
        throw new CorruptEntryException("malformed header: expected the field " + name);
      }
      int from = pos + nameLength + 2;
      int nl = indexOf(b, from, Math.min(end, from + 300), (byte) '\n');
      if (nl < 0) {
        throw new CorruptEntryException("malformed header: the field " + name + " has no line end");
      }
      for (int i = from; i < nl; i++) {
        if (b[i] < 0x21 || b[i] > 0x7e) {
          throw new CorruptEntryException(
              "malformed header: the field " + name + " holds a byte that is not printable ASCII");
        }
      }
      pos = nl + 1;
      return new String(b, from, nl - from, StandardCharsets.ISO_8859_1);
    }

    void emptyLine() throws CorruptEntryException {
      if (pos >= end || b[pos] != '\n') {
        throw new CorruptEntryException("malformed header: no empty line before the policy text");
      }
      pos++;
    }
  }
}
