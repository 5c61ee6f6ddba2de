package dev.mtasts.cache;

import dev.mtasts.store.JdbcPolicyStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.policy.Mode;
import dev.mtasts.policy.Policy;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import dev.mtasts.testkit.TestClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL server that stops answering (every process of it stopped with SIGSTOP, as a frozen
 * VM or a stuck disk leaves it) neither hangs a lookup nor a store call: the JDBC store's timeouts
 * fail its calls, the resolver never waits for a store write and bounds its wait for a read.
 *
 * <p>The waits below are generous upper bounds so that a hang fails the test instead of the build;
 * they assert that an answer comes, not how fast.
 */
class FrozenPostgresTest {
  private static final String DOMAIN = "frozen.example.test";
  private static final String TXT = "_mta-sts." + DOMAIN;
  private static final String ENFORCE =
      "version: STSv1\r\nmode: enforce\r\nmx: mx.frozen.example.test\r\nmax_age: 86400\r\n";
  private static final long BOUND_SECONDS = 30;

  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;
  private static TestCertificateAuthority ca;
  private static LoopbackDnsServer dns;
  private static PolicyHost host;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    dataSource = postgres.getPostgresDatabase();
    ca = TestCertificateAuthority.create();
    dns = LoopbackDnsServer.start();
    host = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
    host.body(ENFORCE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aFrozenDatabaseHangsNeitherLookupsNorStoreCalls() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-28T12:00:00Z"));
    try (JdbcPolicyStore store = JdbcPolicyStore.builder(dataSource).table("frozen_policy")
            .timeout(Duration.ofSeconds(2)).build();
        PolicyResolver resolver = PolicyResolver.builder(discoverer()).store(store).clock(clock)
            .proactiveRefresh(Duration.ZERO)
            .storeTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)).build()) {
      // Stored (by another MTA, say) but not in this resolver's memory.
      store.save(new CachedPolicy(DOMAIN, "1", Policy.parse(ENFORCE).value().orElseThrow(),
          clock.instant()));
      List<Long> frozen = freeze();
      try {
        // The store call fails within its timeout instead of waiting for the frozen server.
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> CompletableFuture.supplyAsync(() -> store.load(DOMAIN))
                .get(BOUND_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(PolicyStoreException.class, e.getCause());

        // A lookup that needs the store read answers "temporary failure", not "no policy".
        dns.remove(TXT).fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
        Resolution unknown = resolver.lookupAsync(DOMAIN).get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertEquals(Resolution.Source.TEMPORARY_FAILURE, unknown.source(), unknown.toString());

        // A fetch whose store write cannot finish is answered at once.
        dns.clearFaults();
        dns.txt(TXT, "v=STSv1; id=2");
        Resolution fetched = resolver.lookupAsync(DOMAIN).get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertEquals(Resolution.Source.FETCHED, fetched.source(), fetched.toString());
        assertEquals(Mode.ENFORCE,
            assertInstanceOf(PolicyState.Applied.class, fetched.state()).policy().mode());
      } finally {
        signal("CONT", frozen);
      }
    } finally {
      dns.remove(TXT).clearFaults();
    }
  }

  private PolicyDiscoverer discoverer() {
    DnsjavaClient client = DnsjavaClient.builder().server(dns.address()).cache(false)
        .timeout(Duration.ofMillis(300)).retries(0).build();
    HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().trustedCertificatesPem(ca.pem())
        .port(host.port()).deadline(Duration.ofSeconds(10)).build();
    return PolicyDiscoverer.builder(client, fetcher).build();
  }

  /** Stops the postmaster and every backend with SIGSTOP; returns their process ids. */
  private static List<Long> freeze() throws Exception {
    ProcessHandle postmaster;
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      // While the connection is open its backend lives; its parent is the postmaster.
      postmaster = ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow();
    }
    List<Long> pids = new ArrayList<>();
    pids.add(postmaster.pid());
    postmaster.descendants().forEach(p -> pids.add(p.pid()));
    signal("STOP", pids);
    return pids;
  }

  private static void signal(String signal, List<Long> pids) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> command.add(String.valueOf(p)));
    Process kill = new ProcessBuilder(command).inheritIO().start();
    if (!kill.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      throw new TimeoutException("kill -" + signal + " did not finish");
    }
  }
}
