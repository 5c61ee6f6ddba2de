package dev.mtasts.store;

import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.PolicyStoreException;
import dev.mtasts.cache.StoreProblem;
import static dev.mtasts.store.Fixtures.cached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opened read-only beside the store that holds the directory (a running MTA): it reads what
 * the holder stores, as the holder stores it, and never changes the directory.
 */
class FilePolicyStoreReadOnlyTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;

  private Path storeDir() {
    return dir.resolve("store");
  }

  private FilePolicyStore holder() {
    return FilePolicyStore.builder(storeDir()).build();
  }

  private FilePolicyStore readOnly(Consumer<? super StoreProblem> listener) {
    return FilePolicyStore.builder(storeDir()).readOnly(true).problemListener(listener).build();
  }

  /** Every file of the directory with its bytes, time and identity, and the directory's time. */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> files = new TreeMap<>();
    files.put("/", Files.getLastModifiedTime(storeDir()).toString());
    try (Stream<Path> list = Files.list(storeDir())) {
      for (Path p : list.toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        files.put(p.getFileName().toString(),
            Base64.getEncoder().encodeToString(Files.readAllBytes(p)) + " "
                + a.lastModifiedTime() + " " + a.fileKey());
      }
    }
    return files;
  }

  @Test
  void readsWhatALockedStoreHoldsAndSeesLaterSavesByTheHolder() {
    try (FilePolicyStore holder = holder()) {
      holder.save(cached("a.example", 1));
      try (FilePolicyStore reader = readOnly(p -> {})) {
        assertTrue(reader.readOnly());
        assertFalse(holder.readOnly());
        assertEquals(OptionalLong.of(PID), reader.lockHolder(), "the holder is this JVM");
        assertEquals(Optional.of(cached("a.example", 1)), reader.load("a.example"));
        assertEquals(List.of(cached("a.example", 1)), reader.loadAll().policies());

        holder.save(cached("a.example", 3));
        holder.save(cached("b.example", 2));
        assertEquals(Optional.of(cached("a.example", 3)), reader.load("a.example"));
        assertEquals(Optional.of(cached("b.example", 2)), reader.load("b.example"));
        LoadedPolicies all = reader.loadAll();
        assertEquals(Set.of(cached("a.example", 3), cached("b.example", 2)),
            new HashSet<>(all.policies()));
        assertEquals(List.of(), all.problems());

        holder.delete("b.example");
        assertEquals(Optional.empty(), reader.load("b.example"));
      }
      // Closing the reader released nothing: the holder still holds the directory and writes.
      PolicyStoreException again = assertThrows(PolicyStoreException.class, this::holder);
      assertEquals(PolicyStoreException.Reason.LOCKED, again.reason());
      assertTrue(holder.save(cached("c.example", 4)));
    }
  }

  @Test
  void writesThrowLockedAndLeaveTheDirectoryByteForByteUnchanged() throws Exception {
    try (FilePolicyStore holder = holder()) {
      holder.save(cached("good.example", 1));
      holder.save(cached("bad.example", 2));
      Path bad = storeDir().resolve("bad.example.sts");
      Files.writeString(bad, "torn");
      Files.writeString(storeDir().resolve("Not_A_Domain.sts"), "x");
      Path temp = storeDir().resolve(".tmp-deadbeef-7");
      Files.writeString(temp, "half an entry");
      Map<String, String> before = snapshot();

      List<StoreProblem> heard = new CopyOnWriteArrayList<>();
      try (FilePolicyStore reader = readOnly(heard::add)) {
        LoadedPolicies all = reader.loadAll();
        assertEquals(List.of(cached("good.example", 1)), all.policies());
        assertEquals(2, all.problems().size(), all.problems().toString());
        for (StoreProblem p : all.problems()) {
          assertEquals(Optional.empty(), p.setAsideAs(), p.toString());
          assertTrue(p.message().contains("left in place"), p.message());
        }
        assertEquals(new HashSet<>(all.problems()), new HashSet<>(heard));

        PolicyStoreException corrupt =
            assertThrows(PolicyStoreException.class, () -> reader.load("bad.example"));
        assertEquals(PolicyStoreException.Reason.CORRUPT, corrupt.reason());
        assertEquals(bad.toString(), corrupt.location());
        assertFalse(corrupt.getMessage().contains("set aside as"), corrupt.getMessage());
        assertEquals(3, heard.size());

        String lock = storeDir().resolve(".lock").toString();
        List<Executable> writes = List.of(
            () -> reader.save(cached("new.example", 5)),
            () -> reader.save(cached("bad.example", 6)),
            () -> reader.saveAll(List.of(cached("good.example", 7), cached("new.example", 8))),
            () -> reader.saveAll(List.of()),
            () -> reader.delete("good.example"),
            () -> reader.delete("bad.example"),
            () -> reader.tryLease("good.example", "reader", Duration.ofMinutes(5)));
        for (Executable write : writes) {
          PolicyStoreException e = assertThrows(PolicyStoreException.class, write);
          assertEquals(PolicyStoreException.Reason.LOCKED, e.reason());
          assertEquals(lock, e.location());
          assertTrue(e.getMessage().contains("opened read-only")
              && e.getMessage().contains("belongs to process " + PID), e.getMessage());
        }
        // Reading on after the refusals still works, and still changes nothing.
        assertEquals(Optional.of(cached("good.example", 1)), reader.load("good.example"));
      }
      assertEquals(before, snapshot());
      // The holder finds the damage where it was and deals with it as usual.
      assertTrue(holder.loadAll().problems().stream().anyMatch(p -> p.setAsideAs().isPresent()));
      assertFalse(Files.exists(temp));
    }
  }

  @Test
  void twoReadOnlyStoresBesideAHolder() {
    try (FilePolicyStore holder = holder()) {
      holder.save(cached("a.example", 1));
      FilePolicyStore first = readOnly(p -> {});
      try (FilePolicyStore second = readOnly(p -> {})) {
        assertEquals(Optional.of(cached("a.example", 1)), first.load("a.example"));
        assertEquals(Optional.of(cached("a.example", 1)), second.load("a.example"));
        first.close();
        assertThrows(IllegalStateException.class, () -> first.load("a.example"));

        holder.save(cached("a.example", 3));
        assertEquals(Optional.of(cached("a.example", 3)), second.load("a.example"));
        assertEquals(PolicyStoreException.Reason.LOCKED,
            assertThrows(PolicyStoreException.class, this::holder).reason());
      }
    }
    // With the holder closed, the directory opens for writing again.
    try (FilePolicyStore next = holder()) {
      assertEquals(Optional.of(cached("a.example", 3)), next.load("a.example"));
    }
  }

  @Test
  void withoutAHolderNoneIsNamedAndNothingIsCreated() throws Exception {
    Path missing = dir.resolve("missing");
    PolicyStoreException e = assertThrows(PolicyStoreException.class,
        () -> FilePolicyStore.builder(missing).readOnly(true).build());
    assertEquals(PolicyStoreException.Reason.IO, e.reason());
    assertFalse(Files.exists(missing));

    try (FilePolicyStore holder = holder()) {
      holder.save(cached("a.example", 1));
    }
    // The lock file still names this JVM, but no store holds the directory: no holder is known.
    try (FilePolicyStore reader = readOnly(p -> {})) {
      assertEquals(OptionalLong.empty(), reader.lockHolder());
      assertEquals(Optional.of(cached("a.example", 1)), reader.load("a.example"));
      PolicyStoreException refused =
          assertThrows(PolicyStoreException.class, () -> reader.delete("a.example"));
      assertTrue(refused.getMessage().contains("belongs to the process that holds its lock"),
          refused.getMessage());
    }
  }

  /**
   * Another process holds the directory and writes to it all the time: the reader names it, reads
   * its completed saves intact while it writes, and leaves its lock alone.
   */
  @Test
  void readsBesideAHolderInAnotherProcess() throws Exception {
    Path stderr = dir.resolve("child-stderr.txt");
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        CrashWriterMain.class.getName(), storeDir().toString(), "0", "100000")
        .redirectError(stderr.toFile())
        .start();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
      assertEquals("open", out.readLine(), () -> "the child did not open it: " + read(stderr));
      try (FilePolicyStore reader = readOnly(p -> {})) {
        assertEquals(OptionalLong.of(child.pid()), reader.lockHolder());
        for (int round = 0; round < 20; round++) {
          String line = out.readLine();
          assertNotNull(line, () -> "the child ended early: " + read(stderr));
          long completed = Long.parseLong(line);
          String domain = CrashWriterMain.domain(completed);
          // The entry holds this save or a later one of the same domain, never a torn file.
          CachedPolicy stored = reader.load(domain).orElseThrow();
          long seq = Long.parseLong(stored.id().substring(2));
          assertTrue(seq >= completed && (seq - completed) % CrashWriterMain.DOMAINS == 0,
              domain + " holds save " + seq + " after save " + completed);
          assertEquals(CrashWriterMain.entry(seq), stored);
          LoadedPolicies all = reader.loadAll();
          assertEquals(List.of(), all.problems());
          for (CachedPolicy p : all.policies()) {
            assertEquals(CrashWriterMain.entry(Long.parseLong(p.id().substring(2))), p);
          }
        }
        PolicyStoreException refused =
            assertThrows(PolicyStoreException.class, () -> reader.save(cached("x.example", 1)));
        assertTrue(refused.getMessage().contains("process " + child.pid()), refused.getMessage());
      }
      PolicyStoreException locked = assertThrows(PolicyStoreException.class, this::holder);
      assertTrue(locked.getMessage().contains("process " + child.pid()), locked.getMessage());
      assertTrue(child.isAlive(), () -> "the child stopped: " + read(stderr));
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Closing any channel on the lock file drops the locks this JVM holds on it: a reader beside a
   * holder of the same JVM must not open it, or another process could take the directory.
   */
  @Test
  void aReaderBesideAHolderOfThisJvmLeavesItsLockInForce() throws Exception {
    try (FilePolicyStore holder = holder()) {
      holder.save(cached("a.example", 1));
      try (FilePolicyStore reader = readOnly(p -> {})) {
        assertEquals(List.of(cached("a.example", 1)), reader.loadAll().policies());
      }
      Path stderr = dir.resolve("child-stderr.txt");
      Process child = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
          CrashWriterMain.class.getName(), storeDir().toString(), "0", "1")
          .redirectError(stderr.toFile())
          .start();
      try {
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals("", out, "the other process opened the store");
        assertTrue(read(stderr).contains("LOCKED"), read(stderr));
        assertTrue(read(stderr).contains("process " + PID), read(stderr));
      } finally {
        child.destroyForcibly();
      }
      assertTrue(holder.save(cached("a.example", 2)));
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
