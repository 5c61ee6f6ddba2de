package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Escape;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The daemon's settings: where it listens, how it reaches DNS and policy hosts, where policies are
 * kept, the zones, metrics and TLS-RPT. Read from a YAML file ({@link #load(Path)}) and overridden
 * by command-line options ({@link Builder}); see {@code mtasts-postfix/examples/mtasts-postfix.yml}.
 * Immutable.
 */
public final class DaemonConfig {
  /** The default of {@link #timeout()}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The default of {@link #maxConnections()}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
  private static final Set<String> TOP_KEYS = Set.of("listen", "dns", "trust_pem", "store", "jdbc",
      "jdbc_user", "timeout", "defer_when_unavailable", "metrics", "max_connections",
      "default_zone", "zones", "tlsrpt");
  private static final Set<String> ZONE_KEYS = Set.of("strict_testing", "require_sni",
      "tlsrpt_attributes");
  private static final Set<String> TLSRPT_KEYS = Set.of("organization", "contact", "mail_from",
      "sendmail", "state_dir");

  private final List<Listen> listen;
  private final List<InetSocketAddress> dns;
  private final @Nullable Path trustPem;
  private final @Nullable Path store;
  private final @Nullable String jdbc;
  private final @Nullable String jdbcUser;
  private final Duration timeout;
  private final boolean deferWhenUnavailable;
  private final @Nullable InetSocketAddress metrics;
  private final int maxConnections;
  private final Zone defaultZone;
  private final Map<String, Zone> zones;
  /** The zone last answered for a name without a zone of its own (see {@link #zone}). */
  private @Nullable Zone lastUnlisted;
  private final @Nullable TlsRpt tlsrpt;
  private final int policyPort;

  /**
   * The in-daemon TLS-RPT reporter's settings (RFC 8460 section 4.4, 5).
   *
   * @param organization the reporting organisation's name ({@code organization-name})
   * @param contact how to reach it ({@code contact-info}), e.g. {@code mailto:tlsrpt@example.net}
   * @param mailFrom the envelope and header sender of {@code mailto:} reports
   * @param sendmail the {@code sendmail} program that submits {@code mailto:} reports, e.g. {@code
   *     /usr/sbin/sendmail}
   * @param stateDir where counts and pending reports survive restarts
   */
  public record TlsRpt(String organization, String contact, String mailFrom, Path sendmail,
      Path stateDir) {
    /**
     * Checks the parts.
     *
     * @param organization the organisation name
     * @param contact the contact
     * @param mailFrom the sender address
     * @param sendmail the sendmail program
     * @param stateDir the state directory
     */
    public TlsRpt {
      Objects.requireNonNull(organization, "organization");
      Objects.requireNonNull(contact, "contact");
      Objects.requireNonNull(mailFrom, "mailFrom");
      Objects.requireNonNull(sendmail, "sendmail");
      Objects.requireNonNull(stateDir, "stateDir");
    }
  }

  private DaemonConfig(Builder b) {
    this.listen = b.listen.isEmpty() ? List.of(Listen.parse(Listen.DEFAULT)) : List.copyOf(b.listen);
    this.dns = List.copyOf(b.dns);
    this.trustPem = b.trustPem;
    this.store = b.store;
    this.jdbc = b.jdbc;
    this.jdbcUser = b.jdbcUser;
    this.timeout = b.timeout;
    this.deferWhenUnavailable = b.deferWhenUnavailable;
    this.metrics = b.metrics;
    this.maxConnections = b.maxConnections;
    this.defaultZone = b.defaultZone;
    this.zones = Map.copyOf(b.zones);
    this.tlsrpt = b.tlsrpt;
    this.policyPort = b.policyPort;
  }

  /**
   * A builder with the defaults: listen on {@value Listen#DEFAULT}, the system's DNS resolvers, the
   * JDK's trusted roots, the file store under {@code ~/.cache/mtasts/policies}, 10 s timeout, no
   * metrics, the default zone for every name, no TLS-RPT.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a YAML configuration file into a builder, so that options can override it.
   *
   * @param file the file
   * @return a builder holding the file's settings
   * @throws ConfigException when the file cannot be read or holds an unknown key or a bad value
   */
  public static Builder load(Path file) {
    String text = new String(readFile(file, "the configuration file"), StandardCharsets.UTF_8);
    return parse(text, file.toString());
  }

  /** The most a file the daemon reads (its configuration, a PEM file) may hold. */
  static final int MAX_FILE_BYTES = 4 << 20;

  /**
   * Reads a file the settings name: a regular file (a FIFO or a device would block or never end)
   * of at most {@value #MAX_FILE_BYTES} bytes.
   *
   * @param file the file
   * @param what what it is, for the message
   * @return its bytes
   * @throws ConfigException when it is not a regular file, is too large or cannot be read
   */
  static byte[] readFile(Path file, String what) {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new ConfigException("cannot read " + what + " " + file + ": not a regular file");
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new ConfigException("cannot read " + what + " " + file + ": larger than "
            + (MAX_FILE_BYTES >> 20) + " MiB");
      }
      return bytes;
    } catch (IOException e) {
      throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads YAML configuration text into a builder.
   *
   * @param text the YAML text
   * @param source the file name, for messages
   * @return a builder holding the settings
   * @throws ConfigException when the text holds an unknown key or a bad value
   */
  public static Builder parse(String text, String source) {
    Object root;
    try (Reader r = new java.io.StringReader(text)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      root = new Yaml(new SafeConstructor(options)).load(r);
    } catch (YAMLException | IOException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    Builder b = new Builder();
    if (root == null) {
      return b;
    }
    Map<String, Object> map = map(root, source, "the top level");
    known(map, TOP_KEYS, source, "");
    for (Object l : list(map.get("listen"), source, "listen")) {
      b.listen(string(l, source, "listen"));
    }
    for (Object d : list(map.get("dns"), source, "dns")) {
      b.dns(string(d, source, "dns"));
    }
    if (map.get("trust_pem") != null) {
      b.trustPem(Path.of(string(map.get("trust_pem"), source, "trust_pem")));
    }
    if (map.get("store") != null && map.get("jdbc") != null) {
      throw new ConfigException(source + ": store and jdbc exclude each other: give one policy"
          + " store");
    }
    if (map.get("store") != null) {
      b.store(Path.of(string(map.get("store"), source, "store")));
    }
    if (map.get("jdbc") != null) {
      b.jdbc(string(map.get("jdbc"), source, "jdbc"));
    }
    if (map.get("jdbc_user") != null) {
      b.jdbcUser(string(map.get("jdbc_user"), source, "jdbc_user"));
    }
    if (map.get("timeout") != null) {
      b.timeout(string(map.get("timeout"), source, "timeout"));
    }
    if (map.get("defer_when_unavailable") != null) {
      b.deferWhenUnavailable(bool(map.get("defer_when_unavailable"), source,
          "defer_when_unavailable"));
    }
    if (map.get("metrics") != null) {
      b.metrics(string(map.get("metrics"), source, "metrics"));
    }
    if (map.get("max_connections") != null) {
      Object n = map.get("max_connections");
      if (!(n instanceof Integer i) || i < 1) {
        throw new ConfigException(source + ": max_connections must be a positive whole number");
      }
      b.maxConnections(i);
    }
    if (map.get("default_zone") != null) {
      b.defaultZone(zone(Zone.DEFAULT_NAME, map.get("default_zone"), source));
    }
    if (map.get("zones") != null) {
      for (Map.Entry<String, Object> z : map(map.get("zones"), source, "zones").entrySet()) {
        b.zone(zone(z.getKey(), z.getValue(), source));
      }
    }
    if (map.get("tlsrpt") != null) {
      Map<String, Object> t = map(map.get("tlsrpt"), source, "tlsrpt");
      known(t, TLSRPT_KEYS, source, "tlsrpt.");
      b.tlsrpt(new TlsRpt(
          required(t, "organization", source), required(t, "contact", source),
          required(t, "mail_from", source),
          Path.of(t.get("sendmail") == null ? "/usr/sbin/sendmail"
              : string(t.get("sendmail"), source, "tlsrpt.sendmail")),
          Path.of(required(t, "state_dir", source))));
    }
    return b;
  }

  private static Zone zone(String name, Object value, String source) {
    Zone d = Zone.defaults(name);
    if (value == null) {
      return d;
    }
    Map<String, Object> z = map(value, source, "zone " + name);
    known(z, ZONE_KEYS, source, "zone " + name + ": ");
    return new Zone(name,
        z.containsKey("strict_testing") ? bool(z.get("strict_testing"), source, "strict_testing")
            : d.strictTesting(),
        z.containsKey("require_sni") ? bool(z.get("require_sni"), source, "require_sni")
            : d.requireSni(),
        z.containsKey("tlsrpt_attributes")
            ? bool(z.get("tlsrpt_attributes"), source, "tlsrpt_attributes")
            : d.tlsrptAttributes());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String source, String where) {
    if (!(o instanceof Map<?, ?> m)) {
      throw new ConfigException(source + ": " + where + " must be a mapping of keys to values");
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw new ConfigException(source + ": " + where + " has a key that is not text");
      }
    }
    return (Map<String, Object>) m;
  }

  private static List<?> list(@Nullable Object o, String source, String key) {
    if (o == null) {
      return List.of();
    }
    if (o instanceof List<?> l) {
      return l;
    }
    return List.of(o);
  }

  private static void known(Map<String, Object> map, Set<String> keys, String source,
      String prefix) {
    for (String k : map.keySet()) {
      if (!keys.contains(k)) {
        throw new ConfigException(source + ": unknown key " + prefix + Escape.quote(k)
            + "; known keys: " + String.join(", ", new java.util.TreeSet<>(keys)));
      }
    }
  }

  private static String string(Object o, String source, String key) {
    if (o instanceof String || o instanceof Number) {
      return o.toString();
    }
    throw new ConfigException(source + ": " + key + " must be text");
  }

  private static String required(Map<String, Object> map, String key, String source) {
    if (map.get(key) == null) {
      throw new ConfigException(source + ": tlsrpt." + key + " is required");
    }
    return string(map.get(key), source, "tlsrpt." + key);
  }

  private static boolean bool(Object o, String source, String key) {
    if (o instanceof Boolean b) {
      return b;
    }
    throw new ConfigException(source + ": " + key + " must be true or false");
  }

  /**
   * Parses a duration: a whole number with {@code ms}, {@code s} or {@code m}, or ISO-8601, from
   * 1 ms to 10 minutes.
   *
   * @param text the value
   * @return the duration, or empty when it is not one or out of range
   */
  public static Optional<Duration> parseDuration(String text) {
    Duration d;
    Matcher m = DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMinutes(n);
      };
    } else {
      try {
        d = Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (d.toMillis() < 1 || d.compareTo(Duration.ofMinutes(10)) > 0) {
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /**
   * Where the server listens.
   *
   * @return the addresses, at least one
   */
  public List<Listen> listen() {
    return listen;
  }

  /**
   * The recursive DNS servers to ask, in order.
   *
   * @return the servers; empty for the system's resolvers
   */
  public List<InetSocketAddress> dns() {
    return dns;
  }

  /**
   * A PEM file of CA certificates trusted for policy fetches besides the JDK's roots.
   *
   * @return the file, if any
   */
  public Optional<Path> trustPem() {
    return Optional.ofNullable(trustPem);
  }

  /**
   * The file store's directory.
   *
   * @return the directory, if set
   */
  public Optional<Path> store() {
    return Optional.ofNullable(store);
  }

  /**
   * The JDBC URL of a shared store; its password comes from {@code $MTASTS_JDBC_PASSWORD}.
   *
   * @return the URL, if set
   */
  public Optional<String> jdbc() {
    return Optional.ofNullable(jdbc);
  }

  /**
   * The database user for {@link #jdbc()}.
   *
   * @return the user, if set
   */
  public Optional<String> jdbcUser() {
    return Optional.ofNullable(jdbcUser);
  }

  /**
   * How long each DNS lookup and policy fetch may take.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether a domain whose policy is temporarily unavailable (nothing cached) is answered {@code
   * TEMP}, which defers its mail, instead of {@code NOTFOUND}.
   *
   * @return the setting (default false)
   */
  public boolean deferWhenUnavailable() {
    return deferWhenUnavailable;
  }

  /**
   * Where Prometheus metrics are served over HTTP.
   *
   * @return the address, if metrics are on
   */
  public Optional<InetSocketAddress> metrics() {
    return Optional.ofNullable(metrics);
  }

  /**
   * How many client connections may be open at once; more are closed at once.
   *
   * @return the limit
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * The zone for a socketmap name.
   *
   * @param name the name Postfix sent
   * @return its zone, or the default zone under that name
   */
  public Zone zone(String name) {
    Zone z = zones.get(name);
    if (z != null) {
      return z;
    }
    // Postfix asks under one or a few names: the last one without a zone of its own is kept, so
    // asking again builds nothing. A record, so any thread sees it whole.
    Zone last = lastUnlisted;
    if (last != null && last.name().equals(name)) {
      return last;
    }
    last = new Zone(name, defaultZone.strictTesting(), defaultZone.requireSni(),
        defaultZone.tlsrptAttributes());
    lastUnlisted = last;
    return last;
  }

  /**
   * The default zone.
   *
   * @return the zone answering names without a zone of their own
   */
  public Zone defaultZone() {
    return defaultZone;
  }

  /**
   * The named zones.
   *
   * @return the zones by name
   */
  public Map<String, Zone> zones() {
    return zones;
  }

  /**
   * The in-daemon TLS-RPT reporter's settings.
   *
   * @return the settings, if reporting is on
   */
  public Optional<TlsRpt> tlsrpt() {
    return Optional.ofNullable(tlsrpt);
  }

  /**
   * For tests only: the port of policy hosts (RFC 8461 fixes 443).
   *
   * @return the port, 0 for 443
   */
  public int policyPort() {
    return policyPort;
  }

  /** Builds a {@link DaemonConfig}; each setter overrides what was there (options over file). */
  public static final class Builder {
    private final List<Listen> listen = new ArrayList<>();
    private final List<InetSocketAddress> dns = new ArrayList<>();
    private @Nullable Path trustPem;
    private @Nullable Path store;
    private @Nullable String jdbc;
    private @Nullable String jdbcUser;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean deferWhenUnavailable;
    private @Nullable InetSocketAddress metrics;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Zone defaultZone = Zone.defaults(Zone.DEFAULT_NAME);
    private final Map<String, Zone> zones = new LinkedHashMap<>();
    private @Nullable TlsRpt tlsrpt;
    private int policyPort;

    private Builder() {}

    /**
     * Replaces the listen addresses with these.
     *
     * @param addresses {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code unix:/path} each
     * @return this builder
     */
    public Builder replaceListen(List<String> addresses) {
      listen.clear();
      addresses.forEach(this::listen);
      return this;
    }

    /**
     * Adds a listen address.
     *
     * @param address {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code unix:/path}
     * @return this builder
     */
    public Builder listen(String address) {
      listen.add(Listen.parse(address));
      return this;
    }

    /**
     * Replaces the DNS servers with these.
     *
     * @param servers {@code HOST[:PORT]} each
     * @return this builder
     */
    public Builder replaceDns(List<String> servers) {
      dns.clear();
      servers.forEach(this::dns);
      return this;
    }

    /**
     * Adds a recursive DNS server.
     *
     * @param server {@code HOST}, {@code HOST:PORT} or {@code [IPv6]:PORT}
     * @return this builder
     */
    public Builder dns(String server) {
      dns.add(Listen.inet(server, 53, "dns"));
      return this;
    }

    /**
     * Trusts the CA certificates of a PEM file for policy fetches, besides the JDK's roots.
     *
     * @param file the file
     * @return this builder
     */
    public Builder trustPem(Path file) {
      this.trustPem = file;
      return this;
    }

    /**
     * Keeps policies in a directory (the file store); replaces a JDBC store.
     *
     * @param dir the directory
     * @return this builder
     */
    public Builder store(Path dir) {
      this.store = dir;
      this.jdbc = null;
      return this;
    }

    /**
     * Keeps policies in a database shared by a fleet; replaces a file store.
     *
     * @param url the JDBC URL
     * @return this builder
     */
    public Builder jdbc(String url) {
      this.jdbc = url;
      this.store = null;
      return this;
    }

    /**
     * Sets the database user.
     *
     * @param user the user
     * @return this builder
     */
    public Builder jdbcUser(String user) {
      this.jdbcUser = user;
      return this;
    }

    /**
     * Sets how long each DNS lookup and policy fetch may take.
     *
     * @param text for example {@code 500ms}, {@code 4s}, {@code 1m}
     * @return this builder
     * @throws ConfigException when the text is not a duration from 1 ms to 10 minutes
     */
    public Builder timeout(String text) {
      this.timeout = parseDuration(text).orElseThrow(() -> new ConfigException("timeout "
          + Escape.quote(text) + " is not a duration from 1ms to 10m; write for example 500ms,"
          + " 4s or 1m"));
      return this;
    }

    /**
     * Answers {@code TEMP} (defer) instead of {@code NOTFOUND} when a policy is temporarily
     * unavailable and nothing is cached.
     *
     * @param defer the setting
     * @return this builder
     */
    public Builder deferWhenUnavailable(boolean defer) {
      this.deferWhenUnavailable = defer;
      return this;
    }

    /**
     * Serves Prometheus metrics over HTTP at {@code /metrics}.
     *
     * @param address {@code HOST:PORT}
     * @return this builder
     */
    public Builder metrics(String address) {
      this.metrics = Listen.inet(address, -1, "metrics");
      return this;
    }

    /**
     * Limits open client connections.
     *
     * @param max the limit
     * @return this builder
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new ConfigException("max_connections must be at least 1");
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Sets the default zone's switches (its name stays {@value Zone#DEFAULT_NAME}).
     *
     * @param zone the zone
     * @return this builder
     */
    public Builder defaultZone(Zone zone) {
      this.defaultZone = zone;
      return this;
    }

    /**
     * Adds or replaces a named zone.
     *
     * @param zone the zone
     * @return this builder
     */
    public Builder zone(Zone zone) {
      zones.put(zone.name(), zone);
      return this;
    }

    /**
     * Turns the in-daemon TLS-RPT reporter on.
     *
     * @param settings the reporter's settings
     * @return this builder
     */
    public Builder tlsrpt(TlsRpt settings) {
      this.tlsrpt = settings;
      return this;
    }

    /**
     * For tests only: fetches policies from this port instead of 443.
     *
     * @param port the port
     * @return this builder
     */
    public Builder policyPort(int port) {
      if (port < 0 || port > 65535) {
        throw new ConfigException("policy port must be 1 to 65535");
      }
      this.policyPort = port;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws ConfigException when settings contradict each other
     */
    public DaemonConfig build() {
      return new DaemonConfig(this);
    }
  }
}
