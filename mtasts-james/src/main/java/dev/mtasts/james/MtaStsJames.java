package dev.mtasts.james;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.dns.DnsClient;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.store.FilePolicyStore;
import dev.mtasts.tlsrpt.TlsRptReporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link MtaSts} of a James server (policy cache, policy store, TLS-RPT collector and
 * reporter), shared by every connection the MTA-STS transports make.
 *
 * <p>The transports and {@link MtaStsRemoteDelivery} ask {@link #shared()} for it. It is there in one
 * of three ways:
 *
 * <ol>
 *   <li>the Guice extension module {@link MtaStsJamesModule} builds it when James starts, from the
 *       configuration file, and {@linkplain #install installs} it;
 *   <li>code of your own (a custom Guice module, a test) builds an {@link MtaSts} the way it wants
 *       and installs it with {@link #install(MtaStsJames)} and {@link #of(MtaSts, AutoCloseable...)};
 *   <li>otherwise the first connection builds it from the configuration file: the file named by the
 *       system property {@value #CONFIG_PROPERTY}, else {@value #DEFAULT_CONFIG} in the working
 *       directory of James, else the defaults. This is the fallback for James servers that load no
 *       Guice extension modules.
 * </ol>
 *
 * <p>The configuration file is a Java properties file; every key is optional, an unknown key is an
 * error:
 *
 * <pre>
 * policy.store          directory of the policy cache       (var/mtasts/policies)
 * dns.servers           resolvers, host[:port], comma separated (the system's resolvers)
 * deferWhenUnavailable  defer when the _mta-sts lookup fails temporarily and nothing is cached
 *                       (false: deliver as without MTA-STS)
 * tlsrpt.enabled        count sessions and send daily TLS-RPT reports to https rua (false)
 * tlsrpt.store          directory of the TLS-RPT counts and pending reports (var/mtasts/tlsrpt)
 * tlsrpt.organization   organization-name of the reports (required when tlsrpt.enabled)
 * tlsrpt.contact        contact-info of the reports; its domain is the submitter (required too)
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class MtaStsJames implements AutoCloseable {
  /** The system property that names the configuration file. */
  public static final String CONFIG_PROPERTY = "mtasts.james.config";
  /** The configuration file used when the system property is not set, relative to James's home. */
  public static final String DEFAULT_CONFIG = "conf/mtasts.properties";

  private static final Logger LOG = LoggerFactory.getLogger(MtaStsJames.class);
  private static final Set<String> KEYS = Set.of("policy.store", "dns.servers",
      "deferWhenUnavailable", "tlsrpt.enabled", "tlsrpt.store", "tlsrpt.organization",
      "tlsrpt.contact");
  private static final AtomicReference<MtaStsJames> SHARED = new AtomicReference<>();

  private final MtaSts mtaSts;
  private final List<AutoCloseable> owned;

  private MtaStsJames(MtaSts mtaSts, List<AutoCloseable> owned) {
    this.mtaSts = Objects.requireNonNull(mtaSts, "mtaSts");
    this.owned = List.copyOf(owned);
  }

  /**
   * Wraps an {@link MtaSts} built by the caller.
   *
   * @param mtaSts the facade (its policy source, verifier, listener and TLS-RPT collector)
   * @param owned what {@link #close()} closes, in this order (e.g. the reporter, the collector, the
   *     policy resolver)
   * @return the shared instance to {@link #install(MtaStsJames) install}
   */
  public static MtaStsJames of(MtaSts mtaSts, AutoCloseable... owned) {
    return new MtaStsJames(mtaSts, List.of(owned));
  }

  /**
   * Builds the instance from a configuration (the keys in the {@linkplain MtaStsJames class
   * documentation}).
   *
   * @param config the configuration
   * @param home the directory relative paths are resolved against (James's working directory)
   * @return the instance; the TLS-RPT reporter, when enabled, is started
   * @throws IllegalArgumentException when a key is unknown or a value is not valid; the message
   *     names the key
   * @throws UncheckedIOException when a store directory cannot be opened
   */
  public static MtaStsJames fromConfig(Properties config, Path home) {
    Set<String> unknown = new TreeSet<>(config.stringPropertyNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown MTA-STS configuration key(s): " + unknown
          + "; known keys are " + new TreeSet<>(KEYS));
    }
    Path policyDir = home.resolve(config.getProperty("policy.store", "var/mtasts/policies"));
    DnsClient dns = dnsClient(config.getProperty("dns.servers", "").strip());
    boolean defer = bool(config, "deferWhenUnavailable");
    boolean tlsRpt = bool(config, "tlsrpt.enabled");

    MtaSts.Builder b = MtaSts.builder().dnsClient(dns)
        .store(FilePolicyStore.builder(policyDir).build())
        .cache(c -> c.owner("james"))
        .deferWhenUnavailable(defer);
    if (tlsRpt) {
      b.reporting(TlsRptReporter.builder()
          .organizationName(required(config, "tlsrpt.organization"))
          .contactInfo(required(config, "tlsrpt.contact"))
          .directory(home.resolve(config.getProperty("tlsrpt.store", "var/mtasts/tlsrpt"))));
    }
    MtaSts mtaSts = b.build();
    return new MtaStsJames(mtaSts, List.of(mtaSts));
  }

  /**
   * Builds the instance from a configuration file.
   *
   * @param file the properties file
   * @param home the directory relative paths are resolved against
   * @return the instance
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it holds an unknown key or a bad value
   */
  public static MtaStsJames fromFile(Path file, Path home) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MTA-STS configuration " + file, e);
    }
    try {
      return fromConfig(p, home);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builds the instance the way the fallback does: from the file named by {@value
   * #CONFIG_PROPERTY}, else {@value #DEFAULT_CONFIG} when it exists, else the defaults; relative
   * paths are resolved against the working directory.
   *
   * @return the instance
   */
  public static MtaStsJames fromDefaultLocation() {
    Path home = Path.of("").toAbsolutePath();
    String named = System.getProperty(CONFIG_PROPERTY);
    Path file = home.resolve(named != null ? named : DEFAULT_CONFIG);
    if (named == null && !Files.exists(file)) {
      LOG.info("MTA-STS: no {}, using the defaults", file);
      return fromConfig(new Properties(), home);
    }
    if (!Files.exists(file)) {
      throw new UncheckedIOException(new NoSuchFileException(file.toString(), null,
          "named by the system property " + CONFIG_PROPERTY));
    }
    LOG.info("MTA-STS: configuration from {}", file);
    return fromFile(file, home);
  }

  /**
   * Makes an instance the one the transports and the mailet use, replacing (and closing) any
   * earlier one.
   *
   * @param instance the instance
   */
  public static void install(MtaStsJames instance) {
    MtaStsJames previous = SHARED.getAndSet(Objects.requireNonNull(instance, "instance"));
    if (previous != null && previous != instance) {
      previous.close();
    }
  }

  /**
   * Removes and closes the installed instance, if any.
   */
  public static void uninstall() {
    MtaStsJames previous = SHARED.getAndSet(null);
    if (previous != null) {
      previous.close();
    }
  }

  /**
   * Returns the instance the transports and the mailet use; builds and installs it from {@link
   * #fromDefaultLocation()} when none is installed, and closes it when the JVM exits.
   *
   * @return the shared instance
   * @throws IllegalArgumentException when the configuration is not valid
   * @throws UncheckedIOException when it cannot be read or a store cannot be opened
   */
  public static MtaStsJames shared() {
    MtaStsJames current = SHARED.get();
    if (current != null) {
      return current;
    }
    synchronized (SHARED) {
      current = SHARED.get();
      if (current == null) {
        current = fromDefaultLocation();
        SHARED.set(current);
        MtaStsJames built = current;
        Runtime.getRuntime().addShutdownHook(new Thread(built::close, "mtasts-james-close"));
      }
      return current;
    }
  }

  /**
   * Returns the facade.
   *
   * @return the MTA-STS facade every connection uses
   */
  public MtaSts mtaSts() {
    return mtaSts;
  }

  /** Closes what this instance owns (the facade with its cache, store and TLS-RPT reporting). */
  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("MTA-STS: closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }

  private static DnsClient dnsClient(String servers) {
    if (servers.isEmpty()) {
      return DnsjavaClient.builder().build();
    }
    List<InetSocketAddress> list = new ArrayList<>();
    for (String s : servers.split(",")) {
      String server = s.strip();
      int colon = server.lastIndexOf(':');
      String host = server;
      int port = 53;
      if (colon > 0 && server.indexOf(':') == colon) {
        host = server.substring(0, colon);
        try {
          port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("dns.servers: not a port in '" + server + "'");
        }
      }
      if (host.isEmpty() || port < 1 || port > 0xffff) {
        throw new IllegalArgumentException("dns.servers: not host[:port]: '" + server + "'");
      }
      list.add(new InetSocketAddress(host, port));
    }
    return DnsjavaClient.builder().servers(list).build();
  }

  private static boolean bool(Properties config, String key) {
    String v = config.getProperty(key, "false").strip().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + ": expected true or false");
    }
    return v.equals("true");
  }

  private static String required(Properties config, String key) {
    String v = config.getProperty(key, "").strip();
    if (v.isEmpty()) {
      throw new IllegalArgumentException(key + " is required when tlsrpt.enabled is true");
    }
    return v;
  }
}
