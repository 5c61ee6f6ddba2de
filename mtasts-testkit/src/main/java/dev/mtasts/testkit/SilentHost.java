package dev.mtasts.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host on loopback that accepts every TCP connection and never sends a byte: the policy host of
 * an attacker or of a broken network, against which a client must give up by itself and must not
 * pile up connections. It counts the connections it accepted and those still open (it reads only to
 * notice that a client closed, and then closes its side too).
 *
 * <pre>{@code
 * try (SilentHost silent = SilentHost.start()) {
 *   HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().port(silent.port()).build();
 *   fetcher.fetchAsync("example.test");   // mta-sts.example.test mapped to 127.0.0.1
 *   ...
 *   assertEquals(1, silent.accepted());
 * }
 * }</pre>
 *
 * <p>Thread-safe. One daemon thread serves all connections; close the host to stop it and close
 * every connection.
 */
public final class SilentHost implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Selector selector;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final Thread loop;
  private volatile boolean closed;

  private SilentHost(ServerSocketChannel server, Selector selector) {
    this.server = server;
    this.selector = selector;
    this.loop = new Thread(this::serve, "silent-host-" + server.socket().getLocalPort());
    loop.setDaemon(true);
  }

  /**
   * Starts a host on 127.0.0.1 and a free port, with a listen backlog of 4,096.
   *
   * @return the running host; close it when done
   * @throws UncheckedIOException when no port can be bound
   */
  public static SilentHost start() {
    try {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
      server.configureBlocking(false);
      Selector selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
      SilentHost host = new SilentHost(server, selector);
      host.loop.start();
      return host;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a silent host on loopback", e);
    }
  }

  /**
   * Returns the port the host listens on.
   *
   * @return the port
   */
  public int port() {
    return server.socket().getLocalPort();
  }

  /**
   * Returns how many connections the host has accepted since it started.
   *
   * @return the count
   */
  public int accepted() {
    return accepted.get();
  }

  /**
   * Returns how many accepted connections are still open: a client's close is noticed shortly after
   * it happens.
   *
   * @return the count
   */
  public int open() {
    return open.get();
  }

  /**
   * Returns how many files the host itself holds open: its connections, its listening socket and
   * its selector; for tools that count the open files of their own process.
   *
   * @return the count
   */
  public int openFiles() {
    return open.get() + 3;
  }

  private void serve() {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    try {
      while (!closed) {
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            SocketChannel c;
            while ((c = server.accept()) != null) {
              c.configureBlocking(false);
              c.register(selector, SelectionKey.OP_READ);
              accepted.incrementAndGet();
              open.incrementAndGet();
            }
          } else if (key.isReadable()) {
            drainOrClose(key, sink);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      // stop serving
    } finally {
      for (SelectionKey key : selector.keys()) {
        closeQuietly(key.channel());
      }
      closeQuietly(selector);
      closeQuietly(server);
      open.set(0);
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void drainOrClose(SelectionKey key, ByteBuffer sink) throws IOException {
    SocketChannel c = (SocketChannel) key.channel();
    int n;
    try {
      sink.clear();
      n = c.read(sink);
    } catch (IOException e) {
      n = -1;
    }
    if (n < 0) {
      key.cancel();
      c.close();
      open.decrementAndGet();
    }
  }

  /** Stops the host and closes every connection it holds; returns when they are closed. */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      loop.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "SilentHost[port=" + port() + ", accepted=" + accepted() + ", open=" + open() + "]";
  }
}
