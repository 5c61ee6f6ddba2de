package dev.mtasts.tlsrpt;

import dev.mtasts.internal.TlsRptJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TlsRptStore} in a directory: {@code tlsrpt-counts.json} and {@code tlsrpt-pending.json},
 * each written to a temporary file, forced to disk and renamed over the old one, so a crash leaves
 * the old or the new file, never a torn one. A file that cannot be read is moved aside (with a {@code
 * .damaged} suffix) and treated as empty, so a damaged file never stops the MTA. One process per
 * directory.
 */
public final class FileTlsRptStore implements TlsRptStore {
  /** The file of the counts. */
  public static final String COUNTS = "tlsrpt-counts.json";
  /** The file of the pending reports. */
  public static final String PENDING = "tlsrpt-pending.json";

  private static final Logger LOG = LoggerFactory.getLogger(FileTlsRptStore.class);

  private final Path directory;

  /**
   * Creates a store in a directory, which is created when missing.
   *
   * @param directory the directory
   * @throws IOException when the directory cannot be created
   */
  public FileTlsRptStore(Path directory) throws IOException {
    this.directory = Objects.requireNonNull(directory, "directory");
    Files.createDirectories(directory);
  }

  /**
   * Returns the directory.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  @Override
  public synchronized List<DailyCounts> loadCounts() throws IOException {
    byte[] json = read(COUNTS);
    if (json == null) {
      return List.of();
    }
    try {
      return TlsRptJson.readCounts(json);
    } catch (IllegalArgumentException e) {
      setAside(COUNTS, e);
      return List.of();
    }
  }

  @Override
  public synchronized void saveCounts(List<DailyCounts> counts) throws IOException {
    write(COUNTS, TlsRptJson.writeCounts(counts));
  }

  @Override
  public synchronized List<PendingReport> loadPending() throws IOException {
    byte[] json = read(PENDING);
    if (json == null) {
      return List.of();
    }
    try {
      return TlsRptJson.readPending(json);
    } catch (IllegalArgumentException e) {
      setAside(PENDING, e);
      return List.of();
    }
  }

  @Override
  public synchronized void savePending(List<PendingReport> pending) throws IOException {
    write(PENDING, TlsRptJson.writePending(pending));
  }

  private byte[] read(String name) throws IOException {
    try {
      return Files.readAllBytes(directory.resolve(name));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private void setAside(String name, IllegalArgumentException why) throws IOException {
    Path aside = directory.resolve(name + "." + System.currentTimeMillis() + ".damaged");
    Files.move(directory.resolve(name), aside, StandardCopyOption.REPLACE_EXISTING);
    LOG.warn("TLS-RPT store file {} could not be read ({}); moved to {}", name, why.getMessage(),
        aside.getFileName());
  }

  private void write(String name, byte[] bytes) throws IOException {
    Path target = directory.resolve(name);
    Path temp = directory.resolve(name + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Not every platform can sync a directory; the rename is still atomic.
    }
  }
}
