package dev.mtasts.cache;

import dev.mtasts.store.FilePolicyStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.SilentHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resolver whose discoverer is at its limit, held by a fetch from a policy host that never
 * answers: a lookup of another cold domain is a temporary failure at once (so {@code
 * deferWhenUnavailable} applies), never "no policy", and it opens no connection.
 */
@Timeout(60)
class ResolverAtDiscoveryLimitTest {
  private static final String BUSY = "cold.example.test";
  private static final String OTHER = "cache.example.test";

  @TempDir Path dir;
  private LoopbackDnsServer dns;
  private SilentHost silent;
  private FilePolicyStore store;
  private PolicyDiscoverer discoverer;
  private PolicyResolver resolver;

  @BeforeEach
  void setUp() throws IOException {
    dns = LoopbackDnsServer.start();
    dns.txt("_mta-sts." + BUSY, "v=STSv1; id=1");
    dns.txt("_mta-sts." + OTHER, "v=STSv1; id=1");
    silent = SilentHost.start();
    discoverer = PolicyDiscoverer.builder(
            DnsjavaClient.builder().server(dns.address()).cache(false).build(),
            HttpsPolicyFetcher.builder().port(silent.port()).build())
        .maxConcurrent(1)
        .maxWaiting(0)
        .build();
    store = FilePolicyStore.builder(dir).build();
    resolver = PolicyResolver.builder(discoverer).store(store)
        .proactiveRefresh(java.time.Duration.ZERO)
        .build();
  }

  @AfterEach
  void tearDown() {
    silent.close();
    resolver.close();
    store.close();
    dns.close();
  }

  @Test
  void aLookupThatFindsTheDiscovererFullIsATemporaryFailure() throws Exception {
    CompletableFuture<Resolution> busy = resolver.lookupAsync(BUSY);
    while (silent.accepted() == 0 || discoverer.running() != 1) {
      Thread.sleep(10);
    }

    Resolution other = resolver.lookup(OTHER);

    assertEquals(Resolution.Source.TEMPORARY_FAILURE, other.source());
    PolicyState.Unavailable unavailable =
        assertInstanceOf(PolicyState.Unavailable.class, other.state());
    assertTrue(unavailable.detail().contains("not started"), unavailable.detail());
    PolicyLookup lookup = MtaSts.builder().policySource(resolver.asPolicySource()).deferWhenUnavailable(true)
        .build().lookup(OTHER);
    assertTrue(lookup.shouldDefer(), "deferWhenUnavailable defers the message");
    assertEquals(1, silent.accepted(), "only the fetch that holds the slot reached the host");
    assertTrue(!busy.isDone());
  }
}
