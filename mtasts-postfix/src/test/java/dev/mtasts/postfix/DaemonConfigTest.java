package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {

  @Test
  void filesThatAreNotRegularFilesAreRefusedWithoutReadingThem(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> DaemonConfig.load(Path.of("/dev/zero")));
    assertEquals("cannot read the configuration file /dev/zero: not a regular file",
        e.getMessage());
    DaemonConfig config = DaemonConfig.builder().listen("127.0.0.1:0")
        .trustPem(Path.of("/dev/zero")).store(dir).build();
    e = assertThrows(ConfigException.class, () -> PolicyAnswers.open(config, DaemonEvents.NONE,
        false));
    assertEquals("cannot read trust_pem /dev/zero: not a regular file", e.getMessage());
    // and no store was left open: the directory can be opened at once
    dev.mtasts.store.FilePolicyStore.builder(dir).build().close();
  }

  @Test
  void aFileOverTheLimitIsRefused(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.yml");
    Files.write(big, new byte[DaemonConfig.MAX_FILE_BYTES + 1]);
    ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(big));
    assertEquals("cannot read the configuration file " + big + ": larger than 4 MiB",
        e.getMessage());
  }

  @Test
  void theShippedExampleFileIsValid() {
    DaemonConfig c = DaemonConfig.load(Path.of("examples/mtasts-postfix.yml")).build();
    assertEquals("[127.0.0.1:8462]", c.listen().toString());
    assertEquals(Path.of("/var/lib/mtasts-postfix/policies"), c.store().orElseThrow());
    assertEquals(Duration.ofSeconds(10), c.timeout());
    assertFalse(c.deferWhenUnavailable());
    assertEquals(new Zone("postfix310", false, true, true), c.zone("postfix310"));
    assertEquals(new Zone("postfix", false, true, false), c.zone("postfix"));
    assertTrue(c.tlsrpt().isEmpty());
  }

  @Test
  void zonesInheritNothingButTheirOwnSwitchesAndUnknownNamesGetTheDefault() {
    DaemonConfig c = DaemonConfig.parse("default_zone:\n  require_sni: false\n"
        + "zones:\n  strict:\n    strict_testing: true\n", "t.yml").build();
    assertEquals(new Zone("other", false, false, false), c.zone("other"));
    assertEquals(new Zone("strict", true, true, false), c.zone("strict"));
  }

  @Test
  void optionsOverrideTheFile() {
    DaemonConfig c = DaemonConfig.parse("store: /a\ntimeout: 3s\nlisten: [127.0.0.1:1]\n", "t.yml")
        .jdbc("jdbc:h2:mem:x").timeout("500ms").replaceListen(java.util.List.of("unix:/run/s"))
        .build();
    assertTrue(c.store().isEmpty());
    assertEquals("jdbc:h2:mem:x", c.jdbc().orElseThrow());
    assertEquals(Duration.ofMillis(500), c.timeout());
    assertEquals("[unix:/run/s]", c.listen().toString());
  }

  @Test
  void badFilesNameWhatIsWrong() {
    assertEquals("t.yml: unknown key 'zonez'; known keys: default_zone, defer_when_unavailable,"
        + " dns, jdbc, jdbc_user, listen, max_connections, metrics, store, timeout, tlsrpt,"
        + " trust_pem, zones",
        assertThrows(ConfigException.class, () -> DaemonConfig.parse("zonez: {}\n", "t.yml"))
            .getMessage());
    assertEquals("t.yml: strict_testing must be true or false", assertThrows(
        ConfigException.class, () -> DaemonConfig.parse(
            "zones:\n  z:\n    strict_testing: yes please\n", "t.yml")).getMessage());
    assertEquals("timeout '1h' is not a duration from 1ms to 10m; write for example 500ms, 4s or"
        + " 1m", assertThrows(ConfigException.class,
            () -> DaemonConfig.parse("timeout: 1h\n", "t.yml")).getMessage());
    assertEquals("listen '127.0.0.1' is not HOST:PORT, [IPv6]:PORT or unix:/path",
        assertThrows(ConfigException.class,
            () -> DaemonConfig.parse("listen: 127.0.0.1\n", "t.yml")).getMessage());
    assertEquals("t.yml: tlsrpt.contact is required", assertThrows(ConfigException.class,
        () -> DaemonConfig.parse("tlsrpt:\n  organization: X\n", "t.yml")).getMessage());
    assertThrows(ConfigException.class, () -> DaemonConfig.parse("a: [\n", "t.yml"));
    assertThrows(ConfigException.class,
        () -> DaemonConfig.parse("store: /a\njdbc: jdbc:x\n", "t.yml"));
  }
}
