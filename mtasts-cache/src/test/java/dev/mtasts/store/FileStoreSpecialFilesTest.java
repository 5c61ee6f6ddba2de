package dev.mtasts.store;

import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.StoreProblem;
import dev.mtasts.cache.PolicyStoreException;
import static dev.mtasts.store.Fixtures.cached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO, a directory or a link to a device where the file store expects an entry: never opened (a
 * FIFO blocks its reader until a writer comes, a device never ends), reported as a damaged entry and
 * set aside. The timeout only stops a run that hangs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileStoreSpecialFilesTest {
  @TempDir Path dir;

  private final List<StoreProblem> heard = new CopyOnWriteArrayList<>();

  private FilePolicyStore open() {
    return FilePolicyStore.builder(dir).problemListener(heard::add).build();
  }

  private void mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is available");
  }

  @Test
  void aFifoIsReportedBesideTheGoodEntriesAndSetAside() throws Exception {
    try (FilePolicyStore store = open()) {
      store.save(cached("a.example", 1));
    }
    Path fifo = dir.resolve("b.example.sts");
    mkfifo(fifo);

    try (FilePolicyStore store = open()) {
      LoadedPolicies all = store.loadAll();

      assertEquals(List.of(cached("a.example", 1)), all.policies());
      assertEquals(1, all.problems().size());
      StoreProblem problem = all.problems().get(0);
      assertEquals(Optional.of("b.example"), problem.domain());
      assertTrue(problem.message().startsWith("not a regular file"), problem.message());
      assertTrue(problem.setAsideAs().isPresent());
      assertTrue(Files.notExists(fifo));
      assertEquals(List.of(problem), heard);
      assertEquals(List.of(), store.loadAll().problems(), "reported once");
    }
  }

  @Test
  void loadingADomainWhoseEntryIsAFifoFailsAsCorruptWithoutBlocking() throws Exception {
    try (FilePolicyStore store = open()) {
      mkfifo(dir.resolve("b.example.sts"));

      PolicyStoreException e =
          assertThrows(PolicyStoreException.class, () -> store.load("b.example"));

      assertEquals(PolicyStoreException.Reason.CORRUPT, e.reason());
      assertEquals(Optional.empty(), store.load("b.example"), "set aside, so nothing is stored");
    }
  }

  @Test
  void savingOverAFifoReplacesIt() throws Exception {
    try (FilePolicyStore store = open()) {
      mkfifo(dir.resolve("b.example.sts"));

      assertTrue(store.save(cached("b.example", 2)));

      assertEquals(Optional.of(cached("b.example", 2)), store.load("b.example"));
      assertEquals(1, heard.size());
    }
  }

  @Test
  void aReadOnlyStoreReportsAFifoWithoutOpeningOrMovingIt() throws Exception {
    try (FilePolicyStore holder = open()) {
      holder.save(cached("a.example", 1));
      Path fifo = dir.resolve("b.example.sts");
      mkfifo(fifo);
      List<StoreProblem> readerHeard = new CopyOnWriteArrayList<>();
      try (FilePolicyStore reader = FilePolicyStore.builder(dir).readOnly(true)
          .problemListener(readerHeard::add).build()) {
        LoadedPolicies all = reader.loadAll();

        assertEquals(List.of(cached("a.example", 1)), all.policies());
        assertEquals(1, all.problems().size());
        assertTrue(all.problems().get(0).message().startsWith("not a regular file"),
            all.problems().get(0).message());
        assertEquals(Optional.empty(), all.problems().get(0).setAsideAs());
        assertEquals(PolicyStoreException.Reason.CORRUPT,
            assertThrows(PolicyStoreException.class, () -> reader.load("b.example")).reason());
        assertEquals(2, readerHeard.size());
        assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class).isOther(),
            "the FIFO is still in place");
      }
      assertEquals(List.of(), heard, "the holder heard of nothing yet");
    }
  }

  @Test
  void aLinkToADeviceOrADirectoryIsNotReadEither() throws Exception {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero));
    Files.createSymbolicLink(dir.resolve("z.example.sts"), zero);
    Files.createDirectory(dir.resolve("d.example.sts"));

    try (FilePolicyStore store = open()) {
      LoadedPolicies all = store.loadAll();

      assertEquals(List.of(), all.policies());
      assertEquals(2, all.problems().size(), all.problems().toString());
      assertTrue(all.problems().stream().allMatch(p -> p.setAsideAs().isPresent()));
      assertTrue(Files.exists(zero), "the link was moved, not what it points to");
    }
  }
}
