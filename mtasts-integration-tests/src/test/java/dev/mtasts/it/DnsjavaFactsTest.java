package dev.mtasts.it;

import dev.mtasts.testkit.LoopbackDnsServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.LoopbackDnsServer.Fault;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * Pins the dnsjava behaviour that {@code DnsjavaClient}'s outcome mapping relies on, so that an
 * upgrade that changes it fails here, by name, rather than somewhere downstream.
 */
class DnsjavaFactsTest {
  private LoopbackDnsServer dns;
  private LookupSession session;

  @BeforeEach
  void start() throws IOException {
    dns = LoopbackDnsServer.start();
    SimpleResolver resolver = new SimpleResolver(dns.address());
    resolver.setTimeout(Duration.ofMillis(300));
    session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN)).build();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private LookupResult lookup(String name, int type) throws IOException {
    return session.lookupAsync(Name.fromString(name), type).toCompletableFuture().join();
  }

  @Test
  void nodataIsAnEmptyResultFirstAndNoSuchRRSetFromTheCache() throws IOException {
    dns.a("nodata.test", "192.0.2.1");
    assertTrue(lookup("nodata.test.", Type.TXT).getRecords().isEmpty());
    CompletionException e =
        assertThrows(CompletionException.class, () -> lookup("nodata.test.", Type.TXT));
    assertInstanceOf(NoSuchRRSetException.class, e.getCause());
    assertEquals(1, dns.queryCount("nodata.test", "TXT"));
  }

  @Test
  void nxdomainIsNoSuchDomain() {
    CompletionException e =
        assertThrows(CompletionException.class, () -> lookup("nx.test.", Type.TXT));
    assertInstanceOf(NoSuchDomainException.class, e.getCause());
  }

  @Test
  void servfailIsServerFailed() {
    dns.fault("sf.test", Fault.SERVFAIL);
    CompletionException e =
        assertThrows(CompletionException.class, () -> lookup("sf.test.", Type.TXT));
    assertInstanceOf(ServerFailedException.class, e.getCause());
  }

  @Test
  void recordsWithTtlZeroAreNotCached() throws IOException {
    dns.ttl(Duration.ZERO).txt("zero.test", "x");
    assertEquals(1, lookup("zero.test.", Type.TXT).getRecords().size());
    assertEquals(1, lookup("zero.test.", Type.TXT).getRecords().size());
    assertEquals(2, dns.queryCount("zero.test", "TXT"));
  }
}
