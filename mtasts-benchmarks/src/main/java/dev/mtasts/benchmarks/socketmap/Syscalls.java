package dev.mtasts.benchmarks.socketmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Counts a server's system calls over one load run with {@code perf stat} on the syscall
 * tracepoints (every thread of the process), and gives them per query. Needs root and perf.
 */
final class Syscalls {
  /** Calls seen less often than this per query are left out of the line. */
  private static final double SHOWN_FROM = 0.005;

  private Syscalls() {}

  /**
   * Runs the load with the server's system calls counted.
   *
   * @param dir where perf writes its counts
   * @param pid the server's process id
   * @param load the run
   * @return the system calls per query, the most frequent first, and the run's query count
   * @throws Exception when perf or the run fails
   */
  static String perQuery(Path dir, long pid, Callable<SocketmapLoad.Result> load)
      throws Exception {
    Path out = dir.resolve("perf-" + pid + ".csv");
    // perf counts while its command runs; cat ends when its input is closed after the run.
    Process perf = new ProcessBuilder("perf", "stat", "-x", ",", "-o", out.toString(),
        "-e", "syscalls:sys_enter_*", "-p", Long.toString(pid), "--", "cat")
        .redirectErrorStream(true).redirectOutput(dir.resolve("perf.log").toFile()).start();
    Thread.sleep(2000); // perf opens hundreds of counters on every thread before it counts
    SocketmapLoad.Result r;
    try {
      r = load.call();
    } finally {
      perf.getOutputStream().close();
      if (!perf.waitFor(60, TimeUnit.SECONDS)) {
        perf.destroy();
      }
    }
    if (perf.exitValue() != 0) {
      throw new IOException("perf stat failed: " + Files.readString(dir.resolve("perf.log")));
    }
    Map<String, Long> counts = parse(Files.readAllLines(out));
    long all = counts.values().stream().mapToLong(Long::longValue).sum();
    List<Map.Entry<String, Long>> shown = new ArrayList<>(counts.entrySet());
    shown.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.2f in all", (double) all
        / r.queries()));
    for (Map.Entry<String, Long> e : shown) {
      double each = (double) e.getValue() / r.queries();
      if (each >= SHOWN_FROM) {
        sb.append(String.format(Locale.ROOT, ", %s %.2f", e.getKey(), each));
      }
    }
    return sb.append(String.format(Locale.ROOT, " (%,d queries)", r.queries())).toString();
  }

  /** The nonzero counts of perf's CSV lines ({@code count,unit,event,...}), by system call. */
  static Map<String, Long> parse(List<String> lines) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : lines) {
      String[] f = line.split(",", -1);
      if (line.startsWith("#") || f.length < 3 || !f[2].startsWith("syscalls:sys_enter_")
          || !f[0].chars().allMatch(Character::isDigit) || f[0].isEmpty()) {
        continue;
      }
      long n = Long.parseLong(f[0]);
      if (n > 0) {
        counts.merge(f[2].substring("syscalls:sys_enter_".length()), n, Long::sum);
      }
    }
    return counts;
  }
}
