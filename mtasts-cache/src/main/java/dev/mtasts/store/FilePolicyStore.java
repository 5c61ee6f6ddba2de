package dev.mtasts.store;

import dev.mtasts.cache.PolicyStore;
import dev.mtasts.cache.CachedPolicy;
import dev.mtasts.cache.LoadedPolicies;
import dev.mtasts.cache.Lease;
import dev.mtasts.cache.StoreProblem;
import dev.mtasts.cache.PolicyStoreException;
import dev.mtasts.store.internal.CorruptEntryException;
import dev.mtasts.store.internal.Domains;
import dev.mtasts.store.internal.EntryFormat;
import dev.mtasts.store.internal.LeaseTable;
import dev.mtasts.store.internal.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded policy store: one file per domain in a directory of its own. It needs nothing but
 * the JDK.
 *
 * <pre>{@code
 * try (FilePolicyStore store = FilePolicyStore.builder(Path.of("/var/lib/mtasts")).build()) {
 *   LoadedPolicies warm = store.loadAll();
 *   store.save(new CachedPolicy("example.com", "20240101", policy, Instant.now()));
 * }
 * }</pre>
 *
 * <h2>Layout</h2>
 *
 * <ul>
 *   <li>{@code <domain>.sts}: the entry of one domain, named by its lower-case A-label (letters,
 *       digits, hyphens and dots only, so always a safe file name), in the format below.
 *   <li>{@code .lock}: held with an OS file lock while a store has the directory open, holding the
 *       process id of the holder.
 *   <li>{@code .tmp-*}: a write in progress. Left over only by a crash; removed by the next {@link
 *       #loadAll()} of a store that holds the lock. Never read as an entry.
 *   <li>{@code <domain>.sts.corrupt-<UTC timestamp>}: a damaged entry, set aside.
 * </ul>
 *
 * <h2>Entry format (version 1)</h2>
 *
 * <p>Text, so that {@code cat} shows an entry, and strict, so that a torn, altered or foreign file is
 * told from a valid one. Header lines end in LF and come in this order; the policy text is {@link
 * dev.mtasts.policy.Policy#toText()} (CRLF lines), exactly {@code policy-length} bytes; the last
 * line is the CRC32C, in 8 lower-case hex digits, of every byte before it, and nothing follows it.
 *
 * <pre>
 * MTA-STS-POLICY-STORE/1
 * domain: example.com
 * id: 20240101T000000
 * fetched-at: 2025-01-02T03:04:05.123456789Z
 * policy-length: 91
 *
 * version: STSv1
 * mode: enforce
 * mx: mx1.example.com
 * mx: *.mx.example.net
 * max_age: 604800
 * crc32c: 0a1b2c3d
 * </pre>
 *
 * <p>{@code fetched-at} is ISO-8601 in UTC with up to nanoseconds, as {@link
 * java.time.Instant#toString()} writes it. A file larger than an entry can be (65 KiB) is rejected
 * without being read whole. A later format version gets a new number in the first line; this
 * version reports such a file as one it cannot read.
 *
 * <h2>Durability and crashes</h2>
 *
 * <p>An entry is written to a temporary file in the same directory, forced to disk, atomically
 * renamed over the old entry, and the directory is forced, before {@link #save(CachedPolicy)}
 * returns. A crash at any moment therefore leaves either the old or the new entry, never a torn one;
 * updating one domain touches no other file. Where the platform cannot force a directory (Windows),
 * that step is skipped.
 *
 * <h2>Damaged entries</h2>
 *
 * <p>A file that is empty, truncated, altered (checksum mismatch), foreign, of an unknown format
 * version, or named for another domain than it holds is reported (a {@link StoreProblem} to the
 * {@linkplain Builder#problemListener listener} and a warning in the log), renamed to {@code
 * *.corrupt-<timestamp>} and never deleted or read as empty. {@link #load(String)} then throws a
 * {@link PolicyStoreException} with {@link PolicyStoreException.Reason#CORRUPT}; {@link #loadAll()}
 * returns the problem beside the good entries; {@link #save(CachedPolicy)} sets the damaged file
 * aside and stores the new entry. A read-only store (see below) reports the file the same way but
 * leaves it in place.
 *
 * <h2>Opening</h2>
 *
 * <p>Opening a store ({@code builder(dir).build()}) lists and reads nothing: it only takes the lock, so it takes the same time
 * for a hundred or a hundred thousand entries. {@link #load(String)} reads one file; {@link
 * #loadAll()} lists the directory, removes writes left by a crash and reads all entries with
 * several threads. Only one store may have a
 * directory open at a time, in this JVM or any other process; a second open fails with {@link
 * PolicyStoreException.Reason#LOCKED}. Leases are granted within this store only.
 *
 * <p>A store opened {@linkplain Builder#readOnly(boolean) read-only} is the exception: it reads a
 * directory that another store (a running MTA) holds, without taking or touching its lock, for
 * tools that look at what the MTA has cached while it runs. Reading beside the holder is safe
 * because every entry is replaced by an atomic rename: a reader sees the old entry or the new one.
 * Such a store never creates, writes, renames or removes a file: a damaged entry is reported (to
 * the listener and in the log) and left in place for its holder to set aside, leftover {@code
 * .tmp-*} files are left alone, and {@link #save}, {@link #saveAll}, {@link #delete} and {@link
 * #tryLease} throw {@link PolicyStoreException.Reason#LOCKED}, naming the process that holds the
 * lock when it is known ({@link #lockHolder()}). Any number of read-only stores may read beside the
 * holder, or beside no holder at all; closing one releases nothing.
 */
public final class FilePolicyStore implements PolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(FilePolicyStore.class);

  static final String SUFFIX = ".sts";
  static final String LOCK_FILE = ".lock";
  static final String TEMP_PREFIX = ".tmp-";
  static final String ASIDE_INFIX = ".corrupt-";
  private static final int MAX_FILE_NAME = 255;
  private static final int PARALLEL_THRESHOLD = 256;
  private static final DateTimeFormatter ASIDE_STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  /** Directories open in this JVM: a second channel on the lock file would drop the OS lock. */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();
  /** What {@link #read} answers for a path that is not a regular file; compared by identity. */
  private static final byte[] NOT_REGULAR = new byte[0];

  private final Path dir;
  /** The open lock file and its lock; both null for a read-only store. */
  private final @Nullable FileChannel lockChannel;
  private final @Nullable FileLock lock;
  private final boolean readOnly;
  private final OptionalLong holder;
  private final boolean syncDirectory;
  private final Clock clock;
  private final Consumer<? super StoreProblem> listener;
  private final int loadThreads;
  private final LeaseTable leases;
  private final ReentrantLock[] stripes = new ReentrantLock[64];
  private final String tempToken;
  private final String ownTempPrefix;
  private final AtomicLong tempCounter = new AtomicLong();
  private volatile boolean closed;

  private FilePolicyStore(Builder b, Path dir, @Nullable FileChannel lockChannel,
      @Nullable FileLock lock, OptionalLong holder) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.readOnly = lock == null;
    this.holder = holder;
    this.clock = b.clock;
    this.listener = b.listener;
    this.loadThreads = b.loadThreads;
    this.leases = new LeaseTable(b.clock);
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
    byte[] token = new byte[4];
    new SecureRandom().nextBytes(token);
    this.tempToken = HexFormat.of().formatHex(token);
    this.ownTempPrefix = TEMP_PREFIX + tempToken + "-";
    this.syncDirectory = !readOnly && probeDirectorySync(dir);
  }

  /**
   * Starts configuring a store; {@code build()} opens (and creates, when absent) the directory.
   *
   * @param dir the directory; it should hold nothing but the store
   * @return a builder
   */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /**
   * Returns the store's directory.
   *
   * @return the absolute directory
   */
  public Path directory() {
    return dir;
  }

  /**
   * Tells whether this store was opened {@linkplain Builder#readOnly(boolean) read-only}.
   *
   * @return true when the store reads a directory without holding its lock and writes nothing
   */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Returns the process that holds the directory's lock: this process for a store that holds it;
   * for a read-only store, the process that held it when the store was opened, when that is known
   * (the process id the holder wrote into the lock file, if that process is still running, or this
   * process when the holder is a store in this JVM).
   *
   * @return the process id, or empty when no holder is known
   */
  public OptionalLong lockHolder() {
    return holder;
  }

  @Override
  public Optional<CachedPolicy> load(String domain) {
    checkOpen();
    String d = Domains.normalize(domain);
    Path file = entryFile(d);
    byte[] bytes = read(file, d);
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(EntryFormat.decode(bytes, d));
    } catch (CorruptEntryException first) {
      ReentrantLock l = stripe(d);
      l.lock();
      try {
        Entry entry = readEntry(d, file);
        if (entry.problem != null) {
          throw new PolicyStoreException(
              PolicyStoreException.Reason.CORRUPT,
              d,
              file.toString(),
              entry.problem.message()
                  + entry.problem.setAsideAs().map(p -> "; set aside as " + p).orElse(""),
              null);
        }
        return Optional.ofNullable(entry.policy);
      } finally {
        l.unlock();
      }
    }
  }

  @Override
  public LoadedPolicies loadAll() {
    checkOpen();
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (name.endsWith(SUFFIX) && name.charAt(0) != '.') {
          names.add(name);
        } else if (!readOnly && name.startsWith(TEMP_PREFIX) && !name.startsWith(ownTempPrefix)) {
          removeTemporaryFile(p);
        }
      }
    } catch (IOException e) {
      throw new PolicyStoreException(
          PolicyStoreException.Reason.IO, null, dir.toString(), "cannot list the store: " + e, e);
    }
    CachedPolicy[] found = new CachedPolicy[names.size()];
    ConcurrentLinkedQueue<StoreProblem> problems = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Runnable worker =
        () -> {
          int i;
          while ((i = next.getAndIncrement()) < found.length && failure.get() == null) {
            try {
              found[i] = loadListed(names.get(i), problems);
            } catch (RuntimeException e) {
              failure.compareAndSet(null, e);
            }
          }
        };
    int threads = Math.min(loadThreads, names.size() / PARALLEL_THRESHOLD);
    if (threads <= 1) {
      worker.run();
    } else {
      Thread[] pool = new Thread[threads - 1];
      for (int t = 0; t < pool.length; t++) {
        pool[t] = new Thread(worker, "mtasts-file-store-load-" + t);
        pool[t].setDaemon(true);
        pool[t].start();
      }
      worker.run();
      joinAll(pool);
    }
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
    List<CachedPolicy> policies = new ArrayList<>(found.length);
    for (CachedPolicy p : found) {
      if (p != null) {
        policies.add(p);
      }
    }
    return new LoadedPolicies(policies, new ArrayList<>(problems));
  }

  /** Loads one listed file for {@link #loadAll()}; problems are collected rather than thrown. */
  private @Nullable CachedPolicy loadListed(String name, Collection<StoreProblem> problems) {
    String d = name.substring(0, name.length() - SUFFIX.length());
    Path file = dir.resolve(name);
    if (!Domains.isNormal(d)) {
      ReentrantLock l = stripe(name);
      l.lock();
      try {
        if (Files.exists(file)) {
          problems.add(
              setAside(
                  null,
                  file,
                  "the file name is not a lower-case A-label domain followed by " + SUFFIX));
        }
      } finally {
        l.unlock();
      }
      return null;
    }
    byte[] bytes;
    try {
      bytes = read(file, d);
    } catch (PolicyStoreException e) {
      StoreProblem p = new StoreProblem(d, file.toString(), e.getMessage(), null);
      report(p);
      problems.add(p);
      return null;
    }
    if (bytes == null) {
      return null;
    }
    try {
      return EntryFormat.decode(bytes, d);
    } catch (CorruptEntryException first) {
      ReentrantLock l = stripe(d);
      l.lock();
      try {
        Entry entry = readEntry(d, file);
        if (entry.problem != null) {
          problems.add(entry.problem);
        }
        return entry.policy;
      } finally {
        l.unlock();
      }
    }
  }

  @Override
  public boolean save(CachedPolicy policy) {
    checkOpen();
    Prepared p = prepare(policy);
    refuseWriteWhenReadOnly(p.domain, "store the policy");
    boolean saved = write(p);
    if (saved) {
      syncDirectory(p.domain, p.file);
    }
    return saved;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The file store writes the entries with several threads and forces the directory once, which
   * is much faster than saving one by one.
   */
  @Override
  public int saveAll(Collection<CachedPolicy> policies) {
    checkOpen();
    refuseWriteWhenReadOnly(null, "store policies");
    List<Prepared> prepared = new ArrayList<>(policies.size());
    for (CachedPolicy policy : policies) {
      prepared.add(prepare(policy));
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger saved = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Runnable worker =
        () -> {
          int i;
          while ((i = next.getAndIncrement()) < prepared.size() && failure.get() == null) {
            try {
              if (write(prepared.get(i))) {
                saved.incrementAndGet();
              }
            } catch (RuntimeException e) {
              failure.compareAndSet(null, e);
            }
          }
        };
    // Writers wait on the disk, not the CPU: more of them than cores lets the file system batch.
    Thread[] pool = new Thread[Math.min(7, prepared.size() / 64)];
    for (int t = 0; t < pool.length; t++) {
      pool[t] = new Thread(worker, "mtasts-file-store-save-" + t);
      pool[t].setDaemon(true);
      pool[t].start();
    }
    worker.run();
    joinAll(pool);
    if (saved.get() > 0) {
      syncDirectory(null, dir);
    }
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
    return saved.get();
  }

  private Prepared prepare(CachedPolicy policy) {
    String d = Domains.normalize(policy.domain());
    Domains.checkId(policy.id());
    CachedPolicy entry =
        d.equals(policy.domain())
            ? policy
            : new CachedPolicy(d, policy.id(), policy.policy(), policy.fetchedAt());
    return new Prepared(d, entryFile(d), entry, EntryFormat.encode(entry));
  }

  /** Writes one entry unless a later fetch is stored; does not force the directory. */
  private boolean write(Prepared p) {
    ReentrantLock l = stripe(p.domain);
    l.lock();
    try {
      byte[] current = read(p.file, p.domain);
      if (current != null) {
        if (Arrays.equals(current, p.bytes)) {
          return true;
        }
        try {
          CachedPolicy stored = EntryFormat.decode(current, p.domain);
          if (keeps(stored, p.entry)) {
            return false;
          }
        } catch (CorruptEntryException e) {
          Entry entry = readEntry(p.domain, p.file);
          if (entry.policy != null && keeps(entry.policy, p.entry)) {
            return false;
          }
        }
      }
      writeAtomically(p.domain, p.file, p.bytes);
      return true;
    } finally {
      l.unlock();
    }
  }

  /**
   * Tells whether the stored entry outranks a new one: it was fetched later, and not at a time
   * beyond the store clock's now (plus {@link CachedPolicy#CLOCK_SKEW_TOLERANCE}), which only a
   * clock that ran ahead writes. Such an entry is replaced and reported.
   */
  private boolean keeps(CachedPolicy stored, CachedPolicy offered) {
    if (!stored.fetchedAt().isAfter(offered.fetchedAt())) {
      return false;
    }
    if (stored.fetchedInFuture(clock.instant())) {
      LOG.warn("policy store: the entry of {} claims to have been fetched at {}, in the future;"
          + " a clock ran ahead: replacing it with the policy fetched at {}", stored.domain(),
          stored.fetchedAt(), offered.fetchedAt());
      return false;
    }
    return true;
  }

  @Override
  public boolean delete(String domain) {
    checkOpen();
    String d = Domains.normalize(domain);
    refuseWriteWhenReadOnly(d, "delete the entry");
    Path file = entryFile(d);
    ReentrantLock l = stripe(d);
    l.lock();
    try {
      boolean existed;
      try {
        existed = Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.IO, d, file.toString(), "cannot delete the entry: " + e, e);
      }
      if (existed) {
        syncDirectory(d, file);
      }
      return existed;
    } finally {
      l.unlock();
    }
  }

  @Override
  public Optional<Lease> tryLease(String domain, String owner, Duration ttl) {
    checkOpen();
    String d = Domains.normalize(domain);
    String o = Domains.checkOwner(owner);
    Duration t = Domains.checkTtl(ttl);
    // A lease is a promise to fetch and store: only the holder of the directory can keep it.
    refuseWriteWhenReadOnly(d, "lease the domain");
    return leases.tryLease(d, o, t);
  }

  @Override
  public boolean release(Lease lease) {
    checkOpen();
    return leases.release(Domains.normalize(lease.domain()), lease.owner());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (readOnly) {
      return; // it took no lock and registered nothing
    }
    try {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    } catch (IOException e) {
      LOG.warn("policy store {}: cannot release the lock: {}", dir, e.toString());
    } finally {
      OPEN_DIRECTORIES.remove(dir);
    }
  }

  @Override
  public String toString() {
    return "FilePolicyStore[" + dir + (readOnly ? ", read-only" : "")
        + (closed ? ", closed]" : "]");
  }

  // ---------------------------------------------------------------------------------------------

  /** An entry read under its domain's lock: a policy, nothing, or a problem (already set aside). */
  private static final class Entry {
    final @Nullable CachedPolicy policy;
    final @Nullable StoreProblem problem;

    Entry(@Nullable CachedPolicy policy, @Nullable StoreProblem problem) {
      this.policy = policy;
      this.problem = problem;
    }
  }

  private static final class Prepared {
    final String domain;
    final Path file;
    final CachedPolicy entry;
    final byte[] bytes;

    Prepared(String domain, Path file, CachedPolicy entry, byte[] bytes) {
      this.domain = domain;
      this.file = file;
      this.entry = entry;
      this.bytes = bytes;
    }
  }

  /** Reads an entry; the caller holds the domain's lock. A damaged file is set aside and reported. */
  private Entry readEntry(String d, Path file) {
    byte[] bytes = read(file, d);
    if (bytes == null) {
      return new Entry(null, null);
    }
    if (bytes == NOT_REGULAR) {
      return new Entry(null, setAside(d, file, "not a regular file (a FIFO, device, socket or"
          + " directory); it was not opened"));
    }
    try {
      return new Entry(EntryFormat.decode(bytes, d), null);
    } catch (CorruptEntryException e) {
      return new Entry(null, setAside(d, file, e.getMessage()));
    }
  }

  /**
   * Renames a damaged file out of the way and reports it; the caller holds the matching lock. A
   * read-only store only reports it: the file is its holder's to set aside.
   */
  private StoreProblem setAside(@Nullable String d, Path file, String reason) {
    if (readOnly) {
      StoreProblem p = new StoreProblem(d, file.toString(),
          reason + "; left in place, as the store was opened read-only", null);
      report(p);
      return p;
    }
    String name = file.getFileName().toString();
    String suffix = ASIDE_INFIX + ASIDE_STAMP.format(clock.instant());
    int room = MAX_FILE_NAME - suffix.length() - 4;
    String base = (name.length() > room ? name.substring(0, room) : name) + suffix;
    Path target = dir.resolve(base);
    for (int n = 1; Files.exists(target) || Files.isSymbolicLink(target); n++) {
      target = dir.resolve(base + "-" + n);
    }
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      StoreProblem p = new StoreProblem(d, file.toString(), reason + "; it could not be set aside: " + e, null);
      report(p);
      throw new PolicyStoreException(
          PolicyStoreException.Reason.CORRUPT, d, file.toString(), p.message(), e);
    }
    syncDirectory(d, target);
    StoreProblem p = new StoreProblem(d, file.toString(), reason, target.toString());
    report(p);
    return p;
  }

  private void report(StoreProblem p) {
    LOG.warn("policy store: {}", p);
    try {
      listener.accept(p);
    } catch (RuntimeException e) {
      LOG.warn("policy store: the problem listener failed", e);
    }
  }

  /**
   * Reads a whole file, at most one byte more than an entry can be; null when it does not exist. A
   * FIFO, device, socket or directory in the place of an entry is never opened (a FIFO would block
   * the reader for good, a device never end): the answer is then {@link #NOT_REGULAR}, which no
   * entry decodes from, so callers take the path of a damaged entry and {@link #readEntry} sets it
   * aside.
   */
  private byte @Nullable [] read(Path file, String d) {
    try {
      if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
        return NOT_REGULAR;
      }
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new PolicyStoreException(
          PolicyStoreException.Reason.IO, d, file.toString(), "cannot read the entry: " + e, e);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      byte[] bytes = new byte[(int) Math.min(size, EntryFormat.MAX_ENTRY_BYTES + 1L)];
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining() && ch.read(buffer) >= 0) {
        // read on
      }
      return buffer.hasRemaining() ? Arrays.copyOf(bytes, buffer.position()) : bytes;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new PolicyStoreException(
          PolicyStoreException.Reason.IO, d, file.toString(), "cannot read the entry: " + e, e);
    }
  }

  /** Removes a write left unfinished by a crashed process (only one process holds the lock). */
  private void removeTemporaryFile(Path temp) {
    try {
      if (Files.deleteIfExists(temp)) {
        LOG.info("policy store {}: removed {}, left by an interrupted write", dir, temp.getFileName());
      }
    } catch (IOException e) {
      LOG.warn("policy store {}: cannot remove {}: {}", dir, temp.getFileName(), e.toString());
    }
  }

  private void writeAtomically(String d, Path file, byte[] bytes) {
    Path temp = dir.resolve(ownTempPrefix + tempCounter.incrementAndGet());
    try {
      try (FileChannel ch =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new PolicyStoreException(
          PolicyStoreException.Reason.IO, d, file.toString(), "cannot write the entry: " + e, e);
    }
  }

  private void syncDirectory(@Nullable String d, Path what) {
    if (!syncDirectory) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new PolicyStoreException(
          PolicyStoreException.Reason.IO,
          d,
          what.toString(),
          "cannot force the directory to disk: " + e,
          e);
    }
  }

  private static boolean probeDirectorySync(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("policy store {}: the platform cannot force a directory ({})", dir, e.toString());
      return false;
    }
  }

  private Path entryFile(String normalDomain) {
    return dir.resolve(normalDomain + SUFFIX);
  }

  private ReentrantLock stripe(String key) {
    return stripes[(key.hashCode() & 0x7fffffff) % stripes.length];
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the policy store " + dir + " is closed");
    }
  }

  /** Throws {@link PolicyStoreException.Reason#LOCKED} when this store may not write. */
  private void refuseWriteWhenReadOnly(@Nullable String d, String what) {
    if (readOnly) {
      throw new PolicyStoreException(
          PolicyStoreException.Reason.LOCKED,
          d,
          dir.resolve(LOCK_FILE).toString(),
          "cannot " + what + ": the store was opened read-only; the directory belongs to "
              + (holder.isPresent()
                  ? "process " + holder.getAsLong() + ", which holds its lock"
                  : "the process that holds its lock"),
          null);
    }
  }

  private static void joinAll(Thread[] threads) {
    boolean interrupted = false;
    for (Thread t : threads) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures and opens a {@link FilePolicyStore}. */
  public static final class Builder {
    private final Path dir;
    private Clock clock = Clock.systemUTC();
    private Consumer<? super StoreProblem> listener = p -> {};
    private int loadThreads = Math.min(8, Runtime.getRuntime().availableProcessors());
    private boolean readOnly;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Sets the clock that decides when leases lapse and stamps set-aside files.
     *
     * @param clock the clock; default the system clock in UTC
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets who hears of damaged entries, in addition to the log. It is called on the thread that
     * found the problem and must not block.
     *
     * @param listener the listener; default none
     * @return this builder
     */
    public Builder problemListener(Consumer<? super StoreProblem> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets how many threads {@link FilePolicyStore#loadAll()} reads with.
     *
     * @param threads 1 or more; default the number of processors, at most 8
     * @return this builder
     */
    public Builder loadThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      this.loadThreads = threads;
      return this;
    }

    /**
     * Opens the store read-only: it reads a directory that another store, usually a running MTA in
     * another process, holds, without taking its lock, so that a tool can look at what the MTA has
     * cached while it runs. Entries are read as the holder writes them (each is replaced by an
     * atomic rename, so a reader never sees a torn one), and {@link FilePolicyStore#load} sees the
     * holder's later saves.
     *
     * <p>Nothing is ever created, written, renamed or removed: the directory must exist; a damaged
     * entry is reported (to the {@linkplain #problemListener listener} and in the log) but left in
     * place; leftover {@code .tmp-*} files are left alone; {@link FilePolicyStore#save}, {@link
     * FilePolicyStore#saveAll}, {@link FilePolicyStore#delete} and {@link
     * FilePolicyStore#tryLease} throw a {@link PolicyStoreException} with {@link
     * PolicyStoreException.Reason#LOCKED} naming the process that holds the lock, when it is known
     * ({@link FilePolicyStore#lockHolder()}). Any number of read-only stores may be open on a
     * directory, with or without a holder, and {@link FilePolicyStore#close()} releases nothing.
     *
     * @param readOnly true to read without holding the directory; default false: {@link #build()}
     *     creates the directory and takes its lock
     * @return this builder
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * Opens the store: creates the directory when absent and takes its lock. Nothing is listed or
     * read. A {@linkplain #readOnly(boolean) read-only} store instead opens an existing directory
     * and takes no lock.
     *
     * @return the open store
     * @throws PolicyStoreException with {@link PolicyStoreException.Reason#LOCKED} when another
     *     store has the directory open (never for a read-only store), or {@link
     *     PolicyStoreException.Reason#IO} when it cannot be created or locked, or, for a read-only
     *     store, when it is not an existing directory
     */
    public FilePolicyStore build() {
      if (readOnly) {
        return openReadOnly();
      }
      Path real;
      try {
        Files.createDirectories(dir);
        real = dir.toRealPath();
      } catch (IOException e) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.IO,
            null,
            dir.toString(),
            "cannot create the store directory: " + e,
            e);
      }
      Path lockPath = real.resolve(LOCK_FILE);
      boolean added;
      synchronized (OPEN_DIRECTORIES) { // see openReadOnly
        added = OPEN_DIRECTORIES.add(real);
      }
      if (!added) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.LOCKED,
            null,
            lockPath.toString(),
            "the store directory is already open in this JVM; close that store first",
            null);
      }
      FileChannel channel = null;
      boolean opened = false;
      try {
        channel =
            FileChannel.open(
                lockPath,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          String holder = readHolder(channel);
          throw new PolicyStoreException(
              PolicyStoreException.Reason.LOCKED,
              null,
              lockPath.toString(),
              "the store directory is in use by another process"
                  + (holder.isEmpty() ? "" : " (process " + holder + ")")
                  + "; only one MTA process may open a file store",
              null);
        }
        channel.truncate(0);
        channel.write(
            ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
            0);
        FilePolicyStore store = new FilePolicyStore(this, real, channel, lock,
            OptionalLong.of(ProcessHandle.current().pid()));
        opened = true;
        return store;
      } catch (IOException e) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.IO,
            null,
            lockPath.toString(),
            "cannot lock the store directory: " + e,
            e);
      } finally {
        if (!opened) {
          OPEN_DIRECTORIES.remove(real);
          if (channel != null) {
            try {
              channel.close();
            } catch (IOException e) {
              LOG.debug("closing {}", lockPath, e);
            }
          }
        }
      }
    }

    private FilePolicyStore openReadOnly() {
      Path real;
      try {
        real = dir.toRealPath();
      } catch (IOException e) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.IO,
            null,
            dir.toString(),
            "cannot open the store directory read-only: " + e,
            e);
      }
      if (!Files.isDirectory(real)) {
        throw new PolicyStoreException(
            PolicyStoreException.Reason.IO,
            null,
            real.toString(),
            "cannot open the store directory read-only: not a directory",
            null);
      }
      OptionalLong holder;
      // Closing any channel on the lock file would drop a lock this JVM holds on it: the lock file
      // is read only when no store of this JVM has the directory open, and none can open it while
      // it is read.
      synchronized (OPEN_DIRECTORIES) {
        holder = OPEN_DIRECTORIES.contains(real)
            ? OptionalLong.of(ProcessHandle.current().pid())
            : recordedHolder(real.resolve(LOCK_FILE));
      }
      return new FilePolicyStore(this, real, null, null, holder);
    }

    /**
     * The running process, other than this one, whose id a holder wrote into the lock file, if any.
     * A holder that stopped leaves its id behind, so a process that no longer runs is no holder.
     */
    private static OptionalLong recordedHolder(Path lockPath) {
      try {
        if (!Files.readAttributes(lockPath, BasicFileAttributes.class).isRegularFile()) {
          return OptionalLong.empty();
        }
        String text;
        try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.READ)) {
          ByteBuffer buffer = ByteBuffer.allocate(24);
          channel.read(buffer, 0);
          text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        }
        if (text.isEmpty() || text.length() > 18
            || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
          return OptionalLong.empty();
        }
        long pid = Long.parseLong(text);
        // This JVM holds no store of the directory (the caller checked): its own id is stale.
        return pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
            ? OptionalLong.of(pid) : OptionalLong.empty();
      } catch (IOException e) {
        return OptionalLong.empty();
      }
    }

    private static String readHolder(FileChannel channel) {
      try {
        ByteBuffer buffer = ByteBuffer.allocate(24);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        return text.chars().allMatch(Character::isDigit) ? text : Text.quote(text);
      } catch (IOException e) {
        return "";
      }
    }

  }
}
