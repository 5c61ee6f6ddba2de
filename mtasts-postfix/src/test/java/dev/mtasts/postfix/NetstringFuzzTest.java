package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mtasts.postfix.internal.Keys;
import dev.mtasts.postfix.internal.MalformedFrameException;
import dev.mtasts.postfix.internal.Netstrings;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the two netstring parsers (the stream reader and the buffer scanner of the server) and
 * key classification: no exception other than a malformed frame escapes, payloads stay within the
 * limit, and both parsers read the same frames from the same bytes.
 */
class NetstringFuzzTest {
  private static final int MAX = 64;

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"postfix ", ":", ",", "0:,", "12:postfix .com,", "[", "]:25", "ipv6:", "."})
  void frames(byte[] input) throws IOException {
    List<byte[]> streamed = new ArrayList<>();
    boolean streamFailed = false;
    NetstringReader reader = new NetstringReader(new ByteArrayInputStream(input), MAX);
    try {
      byte[] frame;
      while ((frame = reader.next()) != null) {
        streamed.add(frame);
      }
    } catch (MalformedFrameException | EOFException e) {
      streamFailed = true;
    }
    List<byte[]> scanned = new ArrayList<>();
    boolean scanFailed = false;
    ByteBuffer buf = ByteBuffer.wrap(input);
    try {
      byte[] frame;
      while ((frame = Netstrings.take(buf, MAX)) != null) {
        scanned.add(frame);
      }
      // Bytes left over are an incomplete frame: the stream reader sees end of input there.
      scanFailed = buf.hasRemaining();
    } catch (MalformedFrameException e) {
      scanFailed = true;
    }
    assertEquals(streamFailed, scanFailed);
    assertEquals(streamed.size(), scanned.size());
    for (int i = 0; i < streamed.size(); i++) {
      assertTrue(streamed.get(i).length <= MAX);
      assertArrayEquals(streamed.get(i), scanned.get(i));
      String text = new String(streamed.get(i), StandardCharsets.UTF_8);
      Keys.Key k = Keys.classify(text);
      if (k.kind() == Keys.Kind.DOMAIN) {
        assertTrue(!k.domain().isEmpty() && !k.domain().startsWith("."), k.domain());
      }
      byte[] encoded = Netstrings.encode(text);
      assertEquals(text, new String(Netstrings.take(ByteBuffer.wrap(encoded), Integer.MAX_VALUE
          / 2), StandardCharsets.UTF_8));
    }
  }
}
