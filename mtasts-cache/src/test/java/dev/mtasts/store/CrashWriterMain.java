package dev.mtasts.store;

import dev.mtasts.cache.CachedPolicy;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link FileStoreCrashTest}: saves entries in a loop and prints the sequence
 * number of each save once it has returned. It stops by itself after {@code limit} saves, so a
 * test that dies before killing it leaves no process behind for long.
 *
 * <p>Arguments: the store directory, the first sequence number, the limit.
 */
public final class CrashWriterMain {
  /** How many domains the saves cycle over. */
  static final int DOMAINS = 16;

  private CrashWriterMain() {}

  static String domain(long seq) {
    return "d" + (seq % DOMAINS) + ".crash.example";
  }

  static CachedPolicy entry(long seq) {
    return Fixtures.cached(domain(seq), (int) seq);
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    long limit = Long.parseLong(args[2]);
    PrintStream out = System.out;
    try (FilePolicyStore store = FilePolicyStore.builder(dir).build()) {
      out.println("open");
      out.flush();
      for (long seq = first; seq < first + limit; seq++) {
        if (!store.save(entry(seq))) {
          throw new IllegalStateException("save " + seq + " was refused");
        }
        out.println(seq);
        out.flush();
      }
    }
  }
}
