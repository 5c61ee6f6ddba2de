package dev.mtasts.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

/**
 * {@code mtasts demo}: the library's main job shown offline. Loopback DNS, an HTTPS policy host,
 * SMTP servers with STARTTLS and a TLS-RPT endpoint are started in this process, and a real sender
 * (the Jakarta Mail relay example on the {@code MtaSts} front door) delivers through them while each
 * step is told for a person.
 *
 * <p>The policy fetch connects to {@code mta-sts.<domain>} by name, through the JVM's resolver
 * (Java 17 has no resolver per HTTP client), and the relay connects to the MX hosts by name. So the
 * demo's host names must resolve to loopback without any DNS query: when this JVM was not started
 * with a hosts file ({@code -Djdk.net.hosts.file}) that maps them, the demo runs in a second JVM
 * started with a hosts file of its own that lists exactly these names, and nothing else resolves.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Show MTA-STS and TLS-RPT at work, offline: a sender refusing a bad MX host, a cached"
        + " policy outliving DNS, a testing domain reported, and the next day's report.",
    description = {
      "Starts, on loopback only, a DNS server, an HTTPS policy host, SMTP servers with STARTTLS, an"
          + " HTTPS endpoint for TLS-RPT reports and a test certificate authority, then sends mail"
          + " through the library's front door (MtaSts) and the Jakarta Mail relay example,"
          + " telling each step: an enforce domain whose first MX host presents a certificate for"
          + " another name, the same domain after its TXT record is removed and its policy host is"
          + " down, a testing domain with a bad certificate, and the TLS-RPT report of the next"
          + " (simulated) day, printed as JSON.",
      "",
      "Needs no network: nothing leaves the loopback interface, and it runs in a network namespace"
          + " that has only loopback. The host names of the demo resolve to 127.0.0.1 through a"
          + " hosts file given to the JVM (-Djdk.net.hosts.file); without one, the demo starts a"
          + " second JVM with its own."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the demo ran and every step came out as told",
      "2:the demo could not run: a loopback server or the second JVM could not start, or the"
          + " JVM's hosts file does not map the demo's host names",
      "3:internal error (please report it), or a step came out otherwise than told"
    })
final class DemoCommand implements Callable<Integer> {
  /** Set in the second JVM, so that it never starts a third. */
  static final String CHILD_PROPERTY = "mtasts.demo.child";

  private static final String HOSTS_PROPERTY = "jdk.net.hosts.file";

  /** How long the second JVM may run before it is stopped. */
  private static final long CHILD_TIMEOUT_SECONDS = 120;

  private final Io io;

  DemoCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws Exception {
    try {
      if (mapsDemoNames(System.getProperty(HOSTS_PROPERTY))) {
        return new DemoRun(io).run();
      }
      if (Boolean.getBoolean(CHILD_PROPERTY)) {
        io.error("demo: the JVM's hosts file does not map the demo's host names to 127.0.0.1");
        return ExitCodes.USAGE_OR_IO;
      }
      return inSecondJvm();
    } catch (IOException | UncheckedIOException e) {
      io.error("demo: cannot run: " + Terminal.safe(String.valueOf(e.getMessage())));
      return ExitCodes.USAGE_OR_IO;
    }
  }

  /**
   * Whether a hosts file, the JVM's ({@code jdk.net.hosts.file}), maps every host name of the demo
   * to 127.0.0.1, so that the JVM resolves them without asking DNS. The file is read, never a name
   * looked up: a lookup of a name the file does not list would go to the system's resolver.
   *
   * @param file the hosts file, or null when the JVM has none
   * @return whether the demo can run in this JVM
   */
  static boolean mapsDemoNames(@Nullable String file) {
    if (file == null || file.isBlank()) {
      return false;
    }
    Map<String, String> hosts = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Paths.get(file), StandardCharsets.UTF_8)) {
        int hash = line.indexOf('#');
        String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
        for (int i = 1; i < fields.length; i++) {
          hosts.putIfAbsent(fields[i].toLowerCase(Locale.ROOT), fields[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return DemoRun.HOST_NAMES.stream().allMatch(n -> "127.0.0.1".equals(hosts.get(n)));
  }

  /** The hosts file of the second JVM: the demo's names, on loopback. */
  static String hostsFile() {
    StringBuilder sb = new StringBuilder("# mtasts demo: these names, and no others, resolve\n");
    for (String name : DemoRun.HOST_NAMES) {
      sb.append("127.0.0.1 ").append(name).append('\n');
    }
    return sb.toString();
  }

  private int inSecondJvm() throws IOException, InterruptedException {
    Path hosts = Files.createTempFile("mtasts-demo-hosts", ".txt");
    try {
      Files.writeString(hosts, hostsFile(), StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>();
      command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-D" + HOSTS_PROPERTY + "=" + hosts);
      command.add("-D" + CHILD_PROPERTY + "=true");
      // A short run: the client compiler alone halves the time; the library's own INFO lines
      // (a report delivered) would only repeat the story.
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Main.class.getName());
      command.add("demo");
      Process child = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      child.getOutputStream().close();
      // Copied on a thread of its own, so that the time limit holds even when the second JVM
      // hangs with its output open.
      Thread copier = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            io.println(line);
            io.out().flush();
          }
        } catch (IOException e) {
          // the second JVM is gone; its exit code tells the rest
        }
      }, "mtasts-demo-output");
      copier.setDaemon(true);
      copier.start();
      if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        child.destroyForcibly();
        io.error("demo: the second JVM did not finish within " + CHILD_TIMEOUT_SECONDS + " s");
        return ExitCodes.INTERNAL;
      }
      copier.join(TimeUnit.SECONDS.toMillis(10)); // the last lines, already written by the child
      return child.exitValue();
    } finally {
      Files.deleteIfExists(hosts);
    }
  }
}
