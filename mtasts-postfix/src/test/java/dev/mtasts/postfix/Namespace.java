package dev.mtasts.postfix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class inside a private network and mount namespace ({@code unshare --net
 * --mount}, as root): only a loopback interface, and {@code /etc/resolv.conf} pointing at
 * 127.0.0.1, where the lab starts dnsmasq. Nothing inside can reach the host's network, and the
 * host's ports (25, 53, 443) stay untouched.
 */
final class Namespace {
  private Namespace() {}

  /** Why the lab cannot run here, or null when it can. */
  static String missing(String... programs) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "it needs root, to make a network namespace (run .ci/run as root)";
    }
    for (String p : programs) {
      if (!Files.isExecutable(Path.of(p))) {
        return p + " is not installed (.ci/run installs it with apt-get)";
      }
    }
    for (String p : List.of("/usr/bin/unshare", "/usr/sbin/ip", "/usr/bin/mount")) {
      if (!Files.isExecutable(Path.of(p)) && !Files.isExecutable(Path.of("/bin/" + Path.of(p)
          .getFileName()))) {
        return p + " is not installed";
      }
    }
    return null;
  }

  /**
   * Runs {@code mainClass} with the test class path in a new namespace and waits for it.
   *
   * @return the exit code; the output is in {@code dir/lab.log}
   */
  static int run(Path dir, Class<?> mainClass, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    // The Postfix daemons run as the postfix user and must reach the scratch directory.
    for (Path p = dir; p != null && p.getNameCount() > 0; p = p.getParent()) {
      if (p.startsWith(System.getProperty("java.io.tmpdir")) || p.equals(dir)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    Path resolv = dir.resolve("resolv.conf");
    Files.writeString(resolv, "nameserver 127.0.0.1\noptions attempts:1 timeout:2\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "--mount", "--", "sh", "-c",
        "ip link set lo up && mount --bind \"$0\" /etc/resolv.conf && shift && exec \"$@\"",
        resolv.toString(), "-", java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.log.dev.mtasts.postfix=info", mainClass.getName(),
        dir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("lab.log").toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      return -1;
    }
    return p.exitValue();
  }
}
