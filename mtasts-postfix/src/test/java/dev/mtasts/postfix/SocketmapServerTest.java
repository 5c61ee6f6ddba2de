package dev.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.postfix.internal.Netstrings;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socketmap protocol: framing, limits, order and many connections, over real sockets. */
class SocketmapServerTest {
  private final AtomicInteger malformed = new AtomicInteger();
  private final AtomicInteger handled = new AtomicInteger();
  private SocketmapServer server;
  private InetSocketAddress address;

  /** Echoes the key, so each reply shows which request it answers. */
  private CompletableFuture<Reply> echo(String name, String key) {
    handled.incrementAndGet();
    return CompletableFuture.completedFuture(key.equals("missing") ? Reply.NOT_FOUND
        : Reply.ok(name + ":" + key));
  }

  @BeforeEach
  void start() throws Exception {
    server = SocketmapServer.start(List.of(Listen.parse("127.0.0.1:0")), this::echo,
        new SocketmapServer.Events() {
          @Override
          public void malformed() {
            malformed.incrementAndGet();
          }
        }, SocketmapServer.DEFAULT_MAX_REQUEST_BYTES, 200);
    address = (InetSocketAddress) server.listening().get(0).address();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersSeveralRequestsOnOneConnection() throws Exception {
    try (SocketmapClient c = new SocketmapClient(address)) {
      assertEquals("OK postfix:a.test", c.ask("postfix", "a.test"));
      assertEquals("NOTFOUND ", c.ask("postfix", "missing"));
      assertEquals("OK other:b.test", c.ask("other", "b.test"));
    }
  }

  @Test
  void theNameEndsAtTheFirstSpaceAndBothSidesAreUtf8() throws Exception {
    try (SocketmapClient c = new SocketmapClient(address)) {
      assertEquals("OK postfix:a b.test", c.ask("postfix", "a b.test"));
      assertEquals("OK pöstfix:bücher.test", c.ask("pöstfix", "bücher.test"));
      assertEquals("OK postfix:x.test", c.ask("postfix", "x.test"));
      // An invalid UTF-8 byte next to the space decodes to U+FFFD, as in the whole request.
      c.sendRaw(new byte[] {'5', ':', 'p', (byte) 0xc3, ' ', (byte) 0xa9, 'k', ','});
      assertEquals("OK p\ufffd:\ufffdk", c.read());
    }
  }

  @Test
  void repliesAnsweredAgainAreWrittenAlike() throws Exception {
    // More distinct replies than the server keeps encoded, each answered several times.
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      replies.add(i % 3 == 0 ? Reply.temp("t" + i) : Reply.ok("secure match=mx" + i + ".test"));
    }
    replies.add(Reply.ok("x".repeat(5000)));
    try (SocketmapServer s = SocketmapServer.start(List.of(Listen.parse("127.0.0.1:0")),
        (name, key) -> CompletableFuture.completedFuture(replies.get(Integer.parseInt(key))),
        SocketmapServer.Events.NONE, SocketmapServer.DEFAULT_MAX_REQUEST_BYTES, 10);
        SocketmapClient c = new SocketmapClient(
            (InetSocketAddress) s.listening().get(0).address())) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < replies.size(); i += 1 + round) {
          assertEquals(replies.get(i).wire(), c.ask("postfix", Integer.toString(i)));
        }
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      all.write(Netstrings.encode("postfix d" + i + ".test"));
    }
    try (SocketmapClient c = new SocketmapClient(address)) {
      c.sendRaw(all.toByteArray());
      for (int i = 0; i < 50; i++) {
        assertEquals("OK postfix:d" + i + ".test", c.read());
      }
    }
  }

  @Test
  void aRequestWithoutKeyIsAPermErrorAndTheConnectionStays() throws Exception {
    try (SocketmapClient c = new SocketmapClient(address)) {
      c.send("postfix");
      assertEquals("PERM malformed request: expected '<name> <key>'", c.read());
      assertEquals("OK postfix:a.test", c.ask("postfix", "a.test"));
    }
  }

  @Test
  void malformedNetstringsCloseTheConnectionAndTheServerGoesOn() throws Exception {
    for (String bad : List.of("abc", "5:a.test,", "3:abc;", ":abc,", "-1:a,", "4 :abcd,",
        "12345678901:x,")) {
      try (SocketmapClient c = new SocketmapClient(address)) {
        c.sendRaw(bad.getBytes(StandardCharsets.US_ASCII));
        // "5:a.test," is 6 bytes of payload "a.tes" + 't' where ',' belongs.
        assertTrue(c.closedByServer(), bad);
      }
    }
    assertEquals(7, malformed.get());
    assertEquals(0, handled.get());
    try (SocketmapClient c = new SocketmapClient(address)) {
      assertEquals("OK postfix:a.test", c.ask("postfix", "a.test"));
    }
  }

  @Test
  void oversizedRequestsAreRefusedBeforeTheyAreRead() throws Exception {
    try (SocketmapClient c = new SocketmapClient(address)) {
      c.sendRaw("1025:".getBytes(StandardCharsets.US_ASCII));
      assertTrue(c.closedByServer());
    }
    try (SocketmapClient c = new SocketmapClient(address)) {
      // Exactly at the limit is fine.
      String key = "k".repeat(1024 - "postfix ".length());
      assertEquals("OK postfix:" + key, c.ask("postfix", key));
    }
    assertEquals(1, malformed.get());
  }

  @Test
  void aClientClosingMidFrameEndsOnlyItsConnection() throws Exception {
    try (SocketmapClient c = new SocketmapClient(address)) {
      c.sendRaw("20:postfix a".getBytes(StandardCharsets.US_ASCII));
      c.shutdownOutput();
      assertTrue(c.closedByServer());
    }
    try (SocketmapClient c = new SocketmapClient(address)) {
      c.sendRaw("9:".getBytes(StandardCharsets.US_ASCII));
      c.shutdownOutput();
      assertTrue(c.closedByServer());
    }
    assertEquals(0, handled.get());
    try (SocketmapClient c = new SocketmapClient(address)) {
      assertEquals("OK postfix:a.test", c.ask("postfix", "a.test"));
    }
  }

  @Test
  void hundredConcurrentLongLivedConnections() throws Exception {
    int n = 100;
    List<SocketmapClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        clients.add(new SocketmapClient(address));
      }
      ExecutorService pool = Executors.newFixedThreadPool(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        SocketmapClient c = clients.get(i);
        int id = i;
        results.add(pool.submit(() -> {
          go.await();
          int ok = 0;
          for (int r = 0; r < 20; r++) {
            String key = "c" + id + "r" + r + ".test";
            if (c.ask("postfix", key).equals("OK postfix:" + key)) {
              ok++;
            }
          }
          return ok;
        }));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertEquals(n * 20, total);
    } finally {
      for (SocketmapClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void connectionsOverTheLimitAreClosed() throws Exception {
    server.close();
    server = SocketmapServer.start(List.of(Listen.parse("127.0.0.1:0")), this::echo,
        SocketmapServer.Events.NONE, 1024, 1);
    address = (InetSocketAddress) server.listening().get(0).address();
    try (SocketmapClient first = new SocketmapClient(address)) {
      assertEquals("OK postfix:a.test", first.ask("postfix", "a.test"));
      try (SocketmapClient second = new SocketmapClient(address)) {
        assertTrue(second.closedByServer());
      }
      assertEquals("OK postfix:b.test", first.ask("postfix", "b.test"));
    }
  }

  @Test
  void closeEndsOpenConnections() throws Exception {
    try (SocketmapClient c = new SocketmapClient(address)) {
      assertEquals("OK postfix:a.test", c.ask("postfix", "a.test"));
      server.close();
      assertNull(c.read());
    }
  }

  @Test
  @SuppressWarnings("try") // the server is only held open while the client talks to it
  void servesAUnixSocket(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("socketmap.sock");
    try (SocketmapServer unix = SocketmapServer.start(List.of(Listen.parse("unix:" + sock)),
        this::echo, SocketmapServer.Events.NONE, 1024, 10);
        java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
            java.net.UnixDomainSocketAddress.of(sock))) {
      ch.write(java.nio.ByteBuffer.wrap(Netstrings.encode("postfix a.test")));
      NetstringReader r = new NetstringReader(
          java.nio.channels.Channels.newInputStream(ch), 1000);
      assertEquals("OK postfix:a.test", new String(r.next(), StandardCharsets.UTF_8));
    }
  }
}
