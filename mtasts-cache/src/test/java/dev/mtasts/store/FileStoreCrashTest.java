package dev.mtasts.store;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.PolicyStoreException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of {@link FilePolicyStore}, proven with a real process: a child JVM saves entries in
 * a loop and reports each completed save; the test kills it with SIGKILL at an arbitrary moment,
 * then reopens the store and checks that every completed save is there, intact, and that nothing
 * torn is visible. Three rounds on one directory, each killed after a different number of saves.
 */
class FileStoreCrashTest {
  @TempDir Path dir;

  @Test
  void aKilledWriterLeavesEveryCompletedEntryIntact() throws Exception {
    Path storeDir = dir.resolve("store");
    Path stderr = dir.resolve("child-stderr.txt");
    Random random = new Random(8461);
    Map<String, Long> lastCompleted = new HashMap<>();
    long nextSeq = 0;
    for (int round = 0; round < 3; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  CrashWriterMain.class.getName(),
                  storeDir.toString(),
                  Long.toString(nextSeq),
                  "100000")
              .redirectError(stderr.toFile())
              .start();
      long maxCompleted = -1;
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        assertEquals("open", out.readLine(), () -> "child did not open the store: " + read(stderr));

        // While the child holds the directory, no other process may open it.
        PolicyStoreException locked =
            org.junit.jupiter.api.Assertions.assertThrows(
                PolicyStoreException.class, () -> FilePolicyStore.builder(storeDir).build());
        assertEquals(PolicyStoreException.Reason.LOCKED, locked.reason());
        assertTrue(locked.getMessage().contains("process " + child.pid()), locked.getMessage());

        int saves = 20 + random.nextInt(40);
        for (int i = 0; i < saves; i++) {
          String line = out.readLine();
          assertNotNull(line, () -> "child ended early: " + read(stderr));
          long seq = Long.parseLong(line);
          lastCompleted.put(CrashWriterMain.domain(seq), seq);
          maxCompleted = seq;
        }
        // SIGKILL: no shutdown hooks, no close(), mid-write or not. Through the handle, because
        // Process.destroyForcibly() would also close our end of the child's output.
        assertTrue(child.toHandle().destroyForcibly());
        child.waitFor();
        // Saves that completed after the last line we read but before the kill were printed too.
        String line;
        while ((line = out.readLine()) != null) {
          long seq = Long.parseLong(line);
          lastCompleted.put(CrashWriterMain.domain(seq), seq);
          maxCompleted = seq;
        }
      } finally {
        child.destroyForcibly();
      }

      try (FilePolicyStore store = FilePolicyStore.builder(storeDir).build()) {
        LoadedPolicies all = store.loadAll();
        assertEquals(List.of(), all.problems(), "no torn or damaged entry after the kill");
        Map<String, CachedPolicy> byDomain =
            all.policies().stream().collect(Collectors.toMap(CachedPolicy::domain, p -> p));
        for (Map.Entry<String, Long> e : lastCompleted.entrySet()) {
          CachedPolicy stored = byDomain.get(e.getKey());
          assertNotNull(stored, "completed entry of " + e.getKey() + " is missing");
          long seq = Long.parseLong(stored.id().substring(2));
          // The one save in flight at the kill may have completed without being reported.
          assertTrue(
              seq == e.getValue() || seq == maxCompleted + 1,
              e.getKey() + " holds save " + seq + ", expected " + e.getValue());
          assertEquals(CrashWriterMain.entry(seq), stored, "entry is intact");
          lastCompleted.put(e.getKey(), seq);
        }
        assertTrue(byDomain.keySet().containsAll(lastCompleted.keySet()));
        assertTrue(
            byDomain.size() <= lastCompleted.size() + 1, "no entry appeared that was never saved");
        for (CachedPolicy p : all.policies()) {
          lastCompleted.put(p.domain(), Long.parseLong(p.id().substring(2)));
          maxCompleted = Math.max(maxCompleted, Long.parseLong(p.id().substring(2)));
        }
      }
      try (Stream<Path> files = Files.list(storeDir)) {
        List<String> leftovers =
            files
                .map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith(".tmp-") || n.contains(".corrupt-"))
                .collect(Collectors.toList());
        assertEquals(List.of(), leftovers, "reopening removed the interrupted write");
      }
      nextSeq = maxCompleted + 2;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
