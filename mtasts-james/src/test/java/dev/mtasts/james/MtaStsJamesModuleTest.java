package dev.mtasts.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.mtasts.decision.MtaSts;
import dev.mtasts.decision.PolicyLookup;
import dev.mtasts.testkit.LoopbackDnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared instance as a James server gets it: from the Guice extension module, or built on
 * first use from the configuration file (the fallback without Guice extensions).
 */
class MtaStsJamesModuleTest {
  @TempDir Path tmp;

  @AfterEach
  void reset() {
    MtaStsJames.uninstall();
    System.clearProperty(MtaStsJames.CONFIG_PROPERTY);
  }

  private Path config(String text) throws Exception {
    Path file = tmp.resolve("mtasts.properties");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void theGuiceModuleBuildsInstallsAndBindsTheOneSharedInstance() throws Exception {
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      Path file = config("policy.store=" + tmp.resolve("policies") + "\n"
          + "dns.servers=127.0.0.1:" + dns.port() + "\n");
      System.setProperty(MtaStsJames.CONFIG_PROPERTY, file.toString());
      Injector injector = Guice.createInjector(new MtaStsJamesModule());
      MtaStsJames shared = injector.getInstance(MtaStsJames.class);
      assertSame(shared, MtaStsJames.shared(), "the transports use what Guice built");
      assertSame(shared.mtaSts(), injector.getInstance(MtaSts.class));
      // The configured resolver answers: no _mta-sts record on the loopback server.
      assertEquals(PolicyLookup.Status.NO_POLICY,
          shared.mtaSts().lookup("nothing.example.test").status());
      assertTrue(Files.isDirectory(tmp.resolve("policies")));
    }
  }

  @Test
  void aBadConfigurationStopsTheStartAndNamesTheKey() throws Exception {
    System.setProperty(MtaStsJames.CONFIG_PROPERTY, config("policy.stor=/tmp/x\n").toString());
    CreationException e = assertThrows(CreationException.class,
        () -> Guice.createInjector(new MtaStsJamesModule()));
    assertTrue(e.getMessage().contains("unknown MTA-STS configuration key(s): [policy.stor]"),
        e.getMessage());
  }

  @Test
  void valuesAreCheckedAndNamed() {
    Properties p = new Properties();
    p.setProperty("deferWhenUnavailable", "yes");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MtaStsJames.fromConfig(p, tmp));
    assertEquals("deferWhenUnavailable: expected true or false", e.getMessage());

    Properties dns = new Properties();
    dns.setProperty("dns.servers", "127.0.0.1:fifty-three");
    e = assertThrows(IllegalArgumentException.class, () -> MtaStsJames.fromConfig(dns, tmp));
    assertEquals("dns.servers: not a port in '127.0.0.1:fifty-three'", e.getMessage());

    Properties rpt = new Properties();
    rpt.setProperty("tlsrpt.enabled", "true");
    rpt.setProperty("policy.store", tmp.resolve("p").toString());
    e = assertThrows(IllegalArgumentException.class, () -> MtaStsJames.fromConfig(rpt, tmp));
    assertEquals("tlsrpt.organization is required when tlsrpt.enabled is true", e.getMessage());
  }

  @Test
  void aMissingNamedFileIsAnError() {
    System.setProperty(MtaStsJames.CONFIG_PROPERTY, tmp.resolve("absent.properties").toString());
    assertThrows(java.io.UncheckedIOException.class, MtaStsJames::shared);
  }

  @Test
  void withTlsRptTheReporterAndCollectorAreBuiltAndClosed() throws Exception {
    Properties p = new Properties();
    p.setProperty("policy.store", tmp.resolve("policies").toString());
    p.setProperty("tlsrpt.enabled", "true");
    p.setProperty("tlsrpt.store", tmp.resolve("tlsrpt").toString());
    p.setProperty("tlsrpt.organization", "Example Mail");
    p.setProperty("tlsrpt.contact", "tlsrpt@mail.example.test");
    MtaStsJames built = MtaStsJames.fromConfig(p, tmp);
    built.close();
    assertTrue(Files.isDirectory(tmp.resolve("tlsrpt")));
  }
}
