package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ReportReader} on damaged reports: whatever the bytes, it returns reports or throws {@link
 * ReportReader.NotAReportException} with a message, and nothing else escapes, so one bad file never
 * stops {@code mtasts report}. The damage comes from a fixed seed, so every run checks the same
 * inputs.
 */
class ReportReaderMutationTest {
  private static final int ROUNDS = 1500;

  private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ":", ",", "null", "-1", "1e9",
    "9007199254740993", "\\u0000", "\r\n", "--b", "--b--", "Content-Type: ",
    "application/tlsrpt+gzip", "multipart/report; boundary=", "message/rfc822",
    "Content-Transfer-Encoding: base64", "=\r\n", "\u00ff", "\u001b"};

  @Test
  void damagedReportsAreRefusedWithAMessageAndNeverThrowAnythingElse() throws IOException {
    byte[] json = resource("appendix-b.json");
    List<byte[]> seeds = List.of(json, gzip(json), email(json));
    Random random = new Random(8460);
    int read = 0;
    int refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] seed = seeds.get(round % seeds.size());
      byte[] input = mutate(seed, random, 1 + random.nextInt(4));
      try {
        assertFalse(ReportReader.read(input).isEmpty());
        read++;
      } catch (ReportReader.NotAReportException e) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message");
        refused++;
      } catch (RuntimeException e) {
        throw new AssertionError("round " + round + ": " + e + " for input "
            + Base64.getEncoder().encodeToString(input), e);
      }
    }
    assertEquals(ROUNDS, read + refused);
    assertFalse(refused == 0 || read == 0, "both outcomes occur: read " + read);
  }

  private static byte[] mutate(byte[] seed, Random random, int times) {
    byte[] b = seed.clone();
    for (int i = 0; i < times; i++) {
      int at = b.length == 0 ? 0 : random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> {
          if (b.length > 0) {
            b[at] = (byte) random.nextInt(256);
          }
        }
        case 1 -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(40));
          b = concat(slice(b, 0, at), slice(b, at + len, b.length));
        }
        case 2 -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(40));
          b = concat(slice(b, 0, at + len), slice(b, at, b.length));
        }
        case 3 -> b = concat(concat(slice(b, 0, at),
            TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8)),
            slice(b, at, b.length));
        default -> b = slice(b, 0, at);
      }
    }
    return b;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, Math.max(from, to));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] email(byte[] json) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "From: tlsrpt@sender.example",
        "Subject: Report Domain: company-y.example Submitter: sender.example Report-ID: <a@b>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b\"",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "A report.",
        "--b",
        "Content-Type: application/tlsrpt+gzip",
        "Content-Transfer-Encoding: base64",
        ""));
    lines.addAll(List.of(Base64.getMimeEncoder().encodeToString(gzip(json)).split("\r\n")));
    lines.add("--b--");
    return (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ReportReaderMutationTest.class.getResourceAsStream("/reports/" + name)) {
      return in.readAllBytes();
    }
  }
}
