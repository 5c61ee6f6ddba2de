package dev.mtasts.store;

import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.StoreProblem;
import dev.mtasts.cache.PolicyStoreException;
import static dev.mtasts.store.Fixtures.cached;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilePolicyStoreTest extends PolicyStoreContract {
  @TempDir Path dir;

  @Override
  protected PolicyStore newStore(TestClock clock) {
    return FilePolicyStore.builder(dir.resolve("store")).clock(clock).build();
  }

  private Path storeDir() {
    return ((FilePolicyStore) store).directory();
  }

  private FilePolicyStore reopen(List<StoreProblem> problems) {
    store.close();
    store = FilePolicyStore.builder(dir.resolve("store")).clock(clock).problemListener(problems::add).build();
    return (FilePolicyStore) store;
  }

  private Set<String> fileNames() throws IOException {
    try (Stream<Path> files = Files.list(storeDir())) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void nanosecondsAreKept() {
    CachedPolicy p = cached("example.com", 1, withNanos(Fixtures.T0));
    store.save(p);
    assertEquals(Optional.of(p), store.load("example.com"));
  }

  @Test
  void policiesSurviveARestart() {
    List<CachedPolicy> saved = List.of(cached("a.example", 1), cached("b.example", 2), cached("c.example", 3));
    saved.forEach(store::save);
    store.delete("b.example");

    List<StoreProblem> problems = new ArrayList<>();
    FilePolicyStore reopened = reopen(problems);
    assertEquals(Optional.of(saved.get(0)), reopened.load("a.example"));
    assertEquals(Optional.empty(), reopened.load("b.example"));
    LoadedPolicies all = reopened.loadAll();
    assertEquals(Set.of(saved.get(0), saved.get(2)), new HashSet<>(all.policies()));
    assertEquals(List.of(), all.problems());
    assertEquals(List.of(), problems);
  }

  @Test
  void theEntryFileIsReadableText() throws IOException {
    store.save(cached("example.com", 7));
    String text = Files.readString(storeDir().resolve("example.com.sts"), StandardCharsets.US_ASCII);
    assertTrue(text.startsWith("MTA-STS-POLICY-STORE/1\ndomain: example.com\nid: id7\n"), text);
    assertTrue(text.contains("\n\nversion: STSv1\r\nmode: testing\r\n"), text);
    assertTrue(text.matches("(?s).*\r\ncrc32c: [0-9a-f]{8}\n"), text);
  }

  @Test
  void updatingOneDomainLeavesTheOtherFilesUntouched() throws Exception {
    store.save(cached("a.example", 1));
    store.save(cached("b.example", 2));
    Path a = storeDir().resolve("a.example.sts");
    Path b = storeDir().resolve("b.example.sts");
    byte[] bBytes = Files.readAllBytes(b);
    BasicFileAttributes bBefore = Files.readAttributes(b, BasicFileAttributes.class);
    FileTime past = FileTime.fromMillis(bBefore.lastModifiedTime().toMillis() - 60_000);
    Files.setLastModifiedTime(b, past); // so that a rewrite would show even on a coarse clock
    byte[] aBefore = Files.readAllBytes(a);

    assertTrue(store.save(cached("a.example", 3)));

    assertNotEquals(Arrays.toString(aBefore), Arrays.toString(Files.readAllBytes(a)));
    BasicFileAttributes bAfter = Files.readAttributes(b, BasicFileAttributes.class);
    assertArrayEquals(bBytes, Files.readAllBytes(b));
    assertEquals(past, bAfter.lastModifiedTime());
    assertEquals(bBefore.fileKey(), bAfter.fileKey(), "b's file was not replaced");
    assertEquals(Set.of(".lock", "a.example.sts", "b.example.sts"), fileNames());
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("truncated", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length / 2), "truncated"),
        Arguments.of("flipped byte", (UnaryOperator<byte[]>) b -> flip(b, b.length / 2), "checksum mismatch"),
        Arguments.of("flipped checksum", (UnaryOperator<byte[]>) b -> flip(b, b.length - 3), "checksum mismatch"),
        Arguments.of("empty", (UnaryOperator<byte[]>) b -> new byte[0], "empty"),
        Arguments.of(
            "foreign",
            (UnaryOperator<byte[]>) b -> "{\"mode\":\"enforce\"}\n".getBytes(StandardCharsets.UTF_8),
            "not a policy store entry"),
        Arguments.of(
            "newer format",
            (UnaryOperator<byte[]>)
                b -> new String(b, StandardCharsets.US_ASCII).replace("STORE/1\n", "STORE/2\n").getBytes(StandardCharsets.US_ASCII),
            "version \"2\" is not supported"));
  }

  private static byte[] flip(byte[] b, int at) {
    byte[] copy = b.clone();
    copy[at] ^= 0x04;
    return copy;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void aDamagedEntryIsReportedAndSetAsideNotTreatedAsEmpty(
      String name, UnaryOperator<byte[]> damage, String reason) throws Exception {
    store.save(cached("good.example", 1));
    store.save(cached("bad.example", 2));
    Path bad = storeDir().resolve("bad.example.sts");
    byte[] damaged = damage.apply(Files.readAllBytes(bad));
    Files.write(bad, damaged);

    // loadAll: the good entry loads, the damaged one is a problem, set aside with its bytes.
    List<StoreProblem> heard = new CopyOnWriteArrayList<>();
    FilePolicyStore reopened = reopen(heard);
    LoadedPolicies all = reopened.loadAll();
    assertEquals(List.of(cached("good.example", 1)), all.policies());
    assertEquals(1, all.problems().size(), all.problems().toString());
    StoreProblem problem = all.problems().get(0);
    assertEquals(Optional.of("bad.example"), problem.domain());
    assertEquals(bad.toString(), problem.location());
    assertTrue(problem.message().contains(reason), problem.message());
    Path aside = Path.of(problem.setAsideAs().orElseThrow());
    assertTrue(aside.getFileName().toString().startsWith("bad.example.sts.corrupt-"), aside.toString());
    assertArrayEquals(damaged, Files.readAllBytes(aside), "the damaged bytes are kept");
    assertFalse(Files.exists(bad));
    assertEquals(List.of(problem), heard);

    // load: the same damage throws, naming the domain and the file, and is set aside too.
    Files.write(bad, damaged);
    PolicyStoreException e = assertThrows(PolicyStoreException.class, () -> reopened.load("bad.example"));
    assertEquals(PolicyStoreException.Reason.CORRUPT, e.reason());
    assertEquals(Optional.of("bad.example"), e.domain());
    assertEquals(bad.toString(), e.location());
    assertTrue(e.getMessage().contains(reason) && e.getMessage().contains("set aside as"), e.getMessage());
    assertEquals(2, heard.size());
    Path secondAside = Path.of(heard.get(1).setAsideAs().orElseThrow());
    assertNotEquals(aside, secondAside);
    assertArrayEquals(damaged, Files.readAllBytes(secondAside));

    // Once reported and set aside, the domain is absent and can be saved again.
    assertEquals(Optional.empty(), reopened.load("bad.example"));
    assertTrue(reopened.save(cached("bad.example", 3)));
    assertEquals(Optional.of(cached("bad.example", 3)), reopened.load("bad.example"));
  }

  @Test
  void anEntryCopiedUnderAnotherDomainsNameIsDetected() throws Exception {
    store.save(cached("a.example", 1));
    Files.copy(storeDir().resolve("a.example.sts"), storeDir().resolve("b.example.sts"));
    PolicyStoreException e = assertThrows(PolicyStoreException.class, () -> store.load("b.example"));
    assertEquals(PolicyStoreException.Reason.CORRUPT, e.reason());
    assertTrue(e.getMessage().contains("holds domain \"a.example\""), e.getMessage());
    assertEquals(Optional.of(cached("a.example", 1)), store.load("a.example"));
  }

  @Test
  void savingOverADamagedEntrySetsItAsideFirst() throws Exception {
    List<StoreProblem> heard = new CopyOnWriteArrayList<>();
    FilePolicyStore s = reopen(heard);
    Path file = storeDir().resolve("example.com.sts");
    Files.writeString(file, "garbage");
    assertTrue(s.save(cached("example.com", 1)));
    assertEquals(1, heard.size());
    assertEquals("garbage", Files.readString(Path.of(heard.get(0).setAsideAs().orElseThrow())));
    assertEquals(Optional.of(cached("example.com", 1)), s.load("example.com"));
  }

  @Test
  void aForeignFileNameIsReportedAndOtherFilesAreIgnored() throws Exception {
    store.save(cached("a.example", 1));
    Files.writeString(storeDir().resolve("Not_A_Domain.sts"), "x");
    Files.writeString(storeDir().resolve("README"), "notes");
    LoadedPolicies all = store.loadAll();
    assertEquals(List.of(cached("a.example", 1)), all.policies());
    assertEquals(1, all.problems().size());
    assertEquals(Optional.empty(), all.problems().get(0).domain());
    assertTrue(all.problems().get(0).setAsideAs().isPresent());
    assertEquals("notes", Files.readString(storeDir().resolve("README")));
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    PolicyStoreException e =
        assertThrows(PolicyStoreException.class, () -> FilePolicyStore.builder(dir.resolve("store")).build());
    assertEquals(PolicyStoreException.Reason.LOCKED, e.reason());
    assertTrue(e.location().endsWith(".lock"), e.location());
    // The refused open must not have dropped the first store's lock: it still works.
    assertTrue(store.save(cached("example.com", 1)));
    store.close();
    try (FilePolicyStore again = FilePolicyStore.builder(dir.resolve("store")).build()) {
      assertEquals(Optional.of(cached("example.com", 1)), again.load("example.com"));
    }
  }

  @Test
  void temporaryFilesLeftByACrashAreRemovedByLoadAll() throws Exception {
    store.save(cached("example.com", 1));
    Files.writeString(storeDir().resolve(".tmp-deadbeef-7"), "half an entry");
    FilePolicyStore s = reopen(new ArrayList<>());
    assertEquals(Optional.of(cached("example.com", 1)), s.load("example.com"));
    assertEquals(List.of(cached("example.com", 1)), s.loadAll().policies());
    assertEquals(Set.of(".lock", "example.com.sts"), fileNames());
    assertTrue(s.save(cached("example.com", 2)), "the store's own writes still work");
  }

  @Test
  void manyEntriesLoadInParallel() {
    List<CachedPolicy> batch = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      batch.add(cached("d" + i + ".example", i));
    }
    assertEquals(600, store.saveAll(batch));
    LoadedPolicies all = reopen(new ArrayList<>()).loadAll();
    assertEquals(List.of(), all.problems());
    assertEquals(new HashSet<>(batch), new HashSet<>(all.policies()));
  }
}
