package dev.mtasts.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.SilentHost;
import dev.mtasts.decision.PolicyState;
import dev.mtasts.discovery.PolicyDiscoverer;
import dev.mtasts.dns.DnsResult;
import dev.mtasts.dns.DnsjavaClient;
import dev.mtasts.fetch.FetchResult;
import dev.mtasts.fetch.HttpsPolicyFetcher;
import dev.mtasts.result.ResultType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many discoveries at once against a policy host that accepts connections and never answers: the
 * discoverer and the fetcher keep at most their limit of connections open, the excess waits, and
 * what cannot wait is answered with a typed temporary failure. Counts connections, never time.
 */
@Timeout(60)
class DiscoveryLimitsTest {
  private static final String DOMAIN = "example.test";
  private static final String NAME = "_mta-sts.example.test";

  private LoopbackDnsServer dns;
  private SilentHost silent;
  private final List<CompletableFuture<?>> started = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    dns = LoopbackDnsServer.start();
    dns.txt(NAME, "v=STSv1; id=limits1");
    silent = SilentHost.start();
  }

  @AfterEach
  void stop() {
    for (CompletableFuture<?> f : started) {
      f.cancel(true);
    }
    silent.close();
    dns.close();
  }

  private DnsjavaClient dnsClient() {
    return DnsjavaClient.builder().server(dns.address()).cache(false).build();
  }

  private HttpsPolicyFetcher.Builder fetcher() {
    return HttpsPolicyFetcher.builder().port(silent.port());
  }

  /** Waits, without a time bound of its own (the test's timeout is the bound), for a state. */
  private static void awaitState(BooleanSupplier state) throws InterruptedException {
    while (!state.getAsBoolean()) {
      Thread.sleep(10);
    }
  }

  @Test
  void discoveriesBeyondTheLimitWaitAndBeyondTheQueueAreTemporaryFailures() throws Exception {
    PolicyDiscoverer discoverer = PolicyDiscoverer.builder(dnsClient(), fetcher().build())
        .maxConcurrent(4)
        .maxWaiting(10)
        .build();
    List<CompletableFuture<PolicyState>> outcomes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<PolicyState> f = discoverer.discoverAsync(DOMAIN);
      outcomes.add(f);
      started.add(f);
    }

    // 4 run, 10 wait, and the other 6 are answered at once.
    for (int i = 14; i < 20; i++) {
      PolicyState.Unavailable refused =
          assertInstanceOf(PolicyState.Unavailable.class, outcomes.get(i).getNow(null));
      assertTrue(refused.detail().contains("4 policy lookups and fetches under way and 10 waiting"),
          refused.detail());
    }
    // Every slot ends up held by a fetch to the silent host; nothing else can start until one ends.
    awaitState(() -> silent.accepted() >= 4 && discoverer.running() == 4);
    assertEquals(4, silent.accepted(), "connections at the silent host");
    assertEquals(10, discoverer.waiting());
    for (int i = 0; i < 14; i++) {
      assertTrue(!outcomes.get(i).isDone(), "still waiting or fetching: " + i);
    }

    // Giving up on the running discoveries lets the waiting ones through, still at most 4 at once.
    for (int i = 0; i < 4; i++) {
      outcomes.get(i).cancel(true);
    }
    awaitState(() -> silent.accepted() >= 8 && discoverer.running() == 4);
    assertEquals(8, silent.accepted());
  }

  @Test
  void theFetcherAloneKeepsAtMostItsLimitOfConnections() throws Exception {
    HttpsPolicyFetcher fetcher = fetcher().maxConcurrentFetches(3).build();
    List<CompletableFuture<FetchResult>> fetches = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      CompletableFuture<FetchResult> f = fetcher.fetchAsync(DOMAIN);
      fetches.add(f);
      started.add(f);
    }

    awaitState(() -> silent.accepted() >= 3);
    // The three connections hang; the other nine fetches wait without a connection of their own.
    fetches.get(0).cancel(true);
    awaitState(() -> silent.accepted() >= 4);
    assertEquals(4, silent.accepted());
    for (CompletableFuture<FetchResult> f : fetches.subList(1, 12)) {
      assertTrue(!f.isDone());
    }
  }

  @Test
  void aFetchThatCannotWaitIsAFetchErrorThatSaysItWasNotMade() throws Exception {
    PolicyDiscoverer discoverer = PolicyDiscoverer.builder(dnsClient(), fetcher().build())
        .maxConcurrent(1)
        .maxWaiting(0)
        .build();
    CompletableFuture<FetchResult> first = discoverer.fetchPolicyAsync(DOMAIN);
    started.add(first);

    FetchResult second = discoverer.fetchPolicyAsync(DOMAIN).getNow(null);

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, second);
    assertEquals(ResultType.STS_POLICY_FETCH_ERROR, failed.resultType());
    assertTrue(failed.detail().startsWith("policy fetch for example.test not started"),
        failed.detail());
  }
}
