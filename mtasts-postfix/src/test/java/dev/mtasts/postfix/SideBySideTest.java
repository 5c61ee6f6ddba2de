package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our replies next to those of Debian's postfix-mta-sts-resolver for the same DNS and policy
 * hosts. Every difference is listed in the README (Postfix, "Compared with
 * postfix-mta-sts-resolver") with the RFC reason; this test pins that list.
 */
class SideBySideTest {

  @Test
  void differencesAreExactlyTheDocumentedOnes(@TempDir Path dir) throws Exception {
    String missing = Namespace.missing("/usr/sbin/dnsmasq", "/usr/bin/mta-sts-daemon");
    Assumptions.assumeTrue(missing == null, "side-by-side comparison skipped: " + missing);
    int code = Namespace.run(dir, SideBySideLab.class, 120);
    String log = Files.readString(dir.resolve("lab.log"));
    assertEquals(0, code, log);
    Map<String, String> differences = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve("compare.tsv"))) {
      String[] f = line.split("\t", -1);
      if (!sameReply(f[1], f[2])) {
        differences.put(f[0], sorted(f[1]) + " | " + sorted(f[2]));
      }
    }
    assertEquals(EXPECTED, differences, log);
  }

  /** Equal, or both OK with the same match set (the reference daemon orders it at random). */
  static boolean sameReply(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    return a.startsWith("OK ") && b.startsWith("OK ")
        && normalise(a).equals(normalise(b));
  }

  /** The reply with its match= entries in sorted order. */
  static String sorted(String reply) {
    if (!reply.startsWith("OK ")) {
      return reply;
    }
    StringBuilder sb = new StringBuilder();
    for (String word : reply.split(" ")) {
      if (word.startsWith("match=")) {
        word = "match=" + String.join(":", new java.util.TreeSet<>(java.util.List.of(
            word.substring(6).split(":"))));
      }
      sb.append(sb.length() == 0 ? "" : " ").append(word);
    }
    return sb.toString();
  }

  private static String normalise(String reply) {
    StringBuilder sb = new StringBuilder();
    for (String word : reply.split(" ")) {
      if (word.startsWith("match=")) {
        word = "match=" + new java.util.TreeSet<>(java.util.List.of(
            word.substring(6).split(":")));
      }
      sb.append(word).append(' ');
    }
    return sb.toString();
  }

  static final Map<String, String> EXPECTED = new TreeMap<>(Map.of(
      // RFC 8461 section 3.1: id is 1*32(ALPHA / DIGIT); a record with another id is invalid.
      "badid.test", "NOTFOUND  | OK secure match=.mx.badid.test:mx1.badid.test"
          + " servername=hostname",
      "longid.test", "NOTFOUND  | OK secure match=.mx.longid.test:mx1.longid.test"
          + " servername=hostname",
      // RFC 8461 section 3.2: a wildcard is a whole left-most label; "mx*.x" makes the policy
      // invalid (and Postfix would take "mx*" literally).
      "partial.test", "NOTFOUND  | OK secure match=mx*.partial.test servername=hostname"));
}
