package dev.mtasts.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtasts.testkit.LoopbackDnsServer;
import dev.mtasts.testkit.PolicyHost;
import dev.mtasts.testkit.TestCertificateAuthority;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtasts resolve} and {@code mtasts cache ...} against loopback DNS and HTTPS servers. */
class CacheCommandsTest {
  private static final String DOMAIN = "resolve.example.test";
  private static final String TXT = "_mta-sts." + DOMAIN;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestCertificateAuthority ca;
  private static LoopbackDnsServer dns;
  private static PolicyHost host;
  private static Path pem;

  @TempDir Path dir;

  @BeforeAll
  static void servers(@TempDir Path tmp) throws Exception {
    ca = TestCertificateAuthority.create();
    dns = LoopbackDnsServer.start();
    host = PolicyHost.start(DOMAIN, ca.issue("mta-sts." + DOMAIN));
    pem = tmp.resolve("ca.pem");
    Files.writeString(pem, ca.pem());
  }

  @AfterAll
  static void stop() {
    host.close();
    dns.close();
  }

  @BeforeEach
  void reset() {
    dns.remove(TXT).clearFaults();
    dns.txt(TXT, "v=STSv1; id=7");
    host.reset();
    host.body("version: STSv1\nmode: enforce\nmx: mx.resolve.example.test\nmax_age: 604800\n");
  }

  private record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new ByteArrayInputStream(new byte[0]), out, err);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run net(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--store", dir.toString(), "--dns", "127.0.0.1:" + dns.port(),
        "--trust-pem", pem.toString(), "--policy-port", String.valueOf(host.port())));
    return run(all.toArray(new String[0]));
  }

  @Test
  void resolveFetchesThenServesFromTheCacheWhenDnsFails() throws Exception {
    Run first = net("resolve", "--json", DOMAIN);
    assertEquals(0, first.code(), first.err());
    assertEquals("fetched", first.json().get("source").asText(), first.out());
    JsonNode j = first.json();
    assertEquals(Set.of("domain", "source", "status", "id", "mode", "max_age", "mx", "fetched_at",
        "expires_at"), fieldNames(j));
    assertEquals("fetched", j.get("source").asText());
    assertEquals("enforce", j.get("status").asText());
    assertEquals("7", j.get("id").asText());
    assertEquals(604800, j.get("max_age").asLong());
    assertEquals("mx.resolve.example.test", j.get("mx").get(0).asText());

    dns.fault(TXT, LoopbackDnsServer.Fault.SERVFAIL);
    host.serverError();
    int gets = host.requestCount();
    Run second = net("resolve", "--json", DOMAIN);
    assertEquals("cached-despite-failure", second.json().get("source").asText(), second.out());
    assertEquals("enforce", second.json().get("status").asText(), second.out());
    assertEquals(gets, host.requestCount(), "no fetch for a fresh cached policy");
  }

  @Test
  void cacheRefreshFetchesWhenTheTxtRecordIsGone() throws Exception {
    net("resolve", DOMAIN);
    dns.remove(TXT); // RFC 8461 section 10.2: refresh whatever DNS says
    Run r = net("cache", "refresh", "--json", DOMAIN);
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals("fetched", r.json().get("source").asText(), r.out());
    assertEquals("7", r.json().get("id").asText(), "the cached id is kept");
  }

  @Test
  void resolveWaitsForTheIdCheckOfACachedPolicy() throws Exception {
    assertEquals("fetched", net("resolve", "--json", DOMAIN).json().get("source").asText());
    Run same = net("resolve", "--json", DOMAIN);
    assertEquals("cached-id-confirmed", same.json().get("source").asText(), same.out());

    dns.remove(TXT).txt(TXT, "v=STSv1; id=8");
    host.body("version: STSv1\nmode: testing\nmx: mx.resolve.example.test\nmax_age: 86400\n");
    Run changed = net("resolve", "--json", DOMAIN);
    assertEquals("fetched", changed.json().get("source").asText(), changed.out());
    assertEquals("8", changed.json().get("id").asText());
    assertEquals("testing", changed.json().get("status").asText());
    Run after = net("resolve", "--json", DOMAIN);
    assertEquals("8", after.json().get("id").asText(), "the new policy was stored");
  }

  @Test
  void resolveSaysWhyNoPolicyApplies() throws Exception {
    dns.remove(TXT);
    Run r = net("resolve", "--json", DOMAIN);
    assertEquals(0, r.code());
    assertEquals("no-policy", r.json().get("source").asText());
    assertEquals("no-policy", r.json().get("status").asText());
    assertTrue(r.json().get("detail").asText().contains("NXDOMAIN"), r.out());

    dns.txt(TXT, "v=STSv1; id=8");
    host.notFound();
    Run failed = net("resolve", "--json", DOMAIN);
    assertEquals("policy-failure", failed.json().get("source").asText());
    assertEquals("sts-policy-fetch-error",
        failed.json().get("failure").get("result_type").asText());
  }

  @Test
  void listAndShowReadAStoreARunningMtaHoldsWhileChangesAreRefused() throws Exception {
    assertEquals(0, net("resolve", DOMAIN).code());
    // An MTA (here: a store open in this JVM) holds the directory, as mtasts postfix serve does.
    try (dev.mtasts.store.FilePolicyStore held =
        dev.mtasts.store.FilePolicyStore.builder(dir).build()) {
      Run list = run("cache", "list", "--store", dir.toString());
      assertEquals(0, list.code(), list.err());
      assertTrue(list.out().startsWith(DOMAIN + " "), list.out());
      assertTrue(list.err().startsWith("mtasts: the store ") && list.err().contains(
          "is in use by process ") && list.err().endsWith(": reading it without changing it\n"),
          list.err());
      Run show = run("cache", "show", "--json", "--store", dir.toString(), DOMAIN);
      assertEquals(0, show.code(), show.err());
      assertEquals("7", show.json().get("id").asText());
      Run purge = run("cache", "purge", "--store", dir.toString(), DOMAIN);
      assertEquals(2, purge.code());
      assertTrue(purge.err().contains("LOCKED"), purge.err());
      assertTrue(held.load(DOMAIN).isPresent(), "nothing was purged");
    }
  }

  @Test
  void resolveHumanOutputExplainsTheSource() {
    Run r = net("resolve", DOMAIN);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith(DOMAIN + ": enforce policy, fetched just now"), r.out());
  }

  @Test
  void cacheListShowRefreshPurge() throws Exception {
    net("resolve", DOMAIN);
    Run list = run("cache", "list", "--json", "--store", dir.toString());
    assertEquals(0, list.code(), list.err());
    JsonNode entry = JSON.readTree(list.out().strip());
    assertEquals(DOMAIN, entry.get("domain").asText());
    assertTrue(entry.get("fresh").asBoolean());
    assertFalse(entry.has("text"));

    Run show = run("cache", "show", "--json", "--store", dir.toString(), DOMAIN);
    assertEquals(0, show.code());
    assertTrue(show.json().get("text").asText().contains("mode: enforce\r\n"), show.out());

    host.body("version: STSv1\nmode: testing\nmx: mx.resolve.example.test\nmax_age: 86400\n");
    Run refresh = net("cache", "refresh", "--json", DOMAIN);
    assertEquals(0, refresh.code(), refresh.err());
    assertEquals("testing", refresh.json().get("mode").asText());

    host.serverError();
    Run failed = net("cache", "refresh", "--json", DOMAIN);
    assertEquals(1, failed.code());
    assertEquals("cached-despite-failure", failed.json().get("source").asText());
    assertEquals("testing", failed.json().get("mode").asText());

    assertEquals(0, run("cache", "purge", "--store", dir.toString(), DOMAIN).code());
    assertEquals(1, run("cache", "purge", "--store", dir.toString(), DOMAIN).code());
    Run gone = run("cache", "show", "--store", dir.toString(), DOMAIN);
    assertEquals(1, gone.code());
    assertTrue(gone.err().contains("not in the cache"));
  }

  @Test
  void damagedEntryIsReportedNotHidden() throws Exception {
    net("resolve", DOMAIN);
    Path file;
    try (var files = Files.list(dir)) {
      file = files.filter(p -> p.getFileName().toString().startsWith(DOMAIN)).findFirst()
          .orElseThrow();
    }
    Files.writeString(file, "garbage");
    Run list = run("cache", "list", "--store", dir.toString());
    assertEquals(1, list.code());
    assertTrue(list.err().contains(DOMAIN), list.err());
  }

  @Test
  void usageErrors() {
    assertEquals(2, run("cache", "show", "--store", dir.toString(), "a b").code());
    assertEquals(2, net("resolve", "a b.example").code());
    assertEquals(2, run("resolve", "--store", dir.toString(), "--jdbc", "jdbc:x:y", DOMAIN).code());
    Run missingPem = run("resolve", "--store", dir.toString(), "--trust-pem",
        dir.resolve("nope.pem").toString(), DOMAIN);
    assertEquals(2, missingPem.code());
    assertTrue(missingPem.err().contains("--trust-pem"), missingPem.err());
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
