package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Escape;
import dev.mtasts.postfix.internal.MalformedFrameException;
import dev.mtasts.postfix.internal.Netstrings;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postfix socketmap server (socketmap_table(5)): it reads netstring requests {@code <name>
 * <key>} on any number of long-lived connections and writes one netstring reply per request, in
 * order. Each connection has a thread of its own, so a slow lookup holds up only the connection
 * that asked (Postfix's {@code smtp} processes each keep one connection and send one request at a
 * time). A request over the size limit or one that is not a netstring closes its connection with a
 * log line; nothing a client sends stops the server.
 *
 * <p>Thread-safe. {@link #close()} stops listening and closes every connection.
 */
public final class SocketmapServer implements AutoCloseable {
  /** The default request size limit: a name, a space and a domain fit many times over. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SocketmapServer.class);
  private static final long HANDLER_LIMIT_MINUTES = 5;

  private final Handler handler;
  private final Events events;
  private final int maxRequestBytes;
  private final int maxConnections;
  private final List<ServerSocketChannel> servers = new ArrayList<>();
  private final List<Listen> bound = new ArrayList<>();
  private final List<Path> socketFiles = new ArrayList<>();
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionIds = new AtomicInteger();
  private volatile boolean closed;

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers a request. The future should complete normally; an exceptional one is answered
     * {@code TEMP} and logged.
     *
     * @param name the socketmap name (which Postfix map asks)
     * @param key the key
     * @return the reply
     */
    CompletableFuture<Reply> answer(String name, String key);
  }

  /** What happens on connections, for metrics. */
  public interface Events {
    /** Ignores everything. */
    Events NONE = new Events() {};

    /** A connection was accepted. */
    default void opened() {}

    /** An accepted connection closed. */
    default void closed() {}

    /** A connection was closed for a malformed or oversized request. */
    default void malformed() {}

    /** A connection was refused because too many were open. */
    default void rejected() {}
  }

  private SocketmapServer(Handler handler, Events events, int maxRequestBytes,
      int maxConnections) {
    this.handler = handler;
    this.events = events;
    this.maxRequestBytes = maxRequestBytes;
    this.maxConnections = maxConnections;
  }

  /**
   * Binds every address and starts accepting.
   *
   * @param listen the addresses; a TCP port 0 picks a free port, see {@link #listening()}
   * @param handler answers requests
   * @param events told about connections
   * @param maxRequestBytes the longest request accepted
   * @param maxConnections how many connections may be open at once
   * @return the running server
   * @throws IOException when an address cannot be bound
   */
  public static SocketmapServer start(List<Listen> listen, Handler handler, Events events,
      int maxRequestBytes, int maxConnections) throws IOException {
    Objects.requireNonNull(handler, "handler");
    SocketmapServer s = new SocketmapServer(handler, events, maxRequestBytes, maxConnections);
    try {
      for (Listen l : listen) {
        s.bind(l);
      }
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void bind(Listen l) throws IOException {
    ServerSocketChannel ch;
    if (l.address() instanceof UnixDomainSocketAddress unix) {
      // A socket file left by a previous run would make bind fail.
      Files.deleteIfExists(unix.getPath());
      ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ch.bind(unix, 128);
      socketFiles.add(unix.getPath());
      bound.add(l);
    } else {
      ch = ServerSocketChannel.open();
      ch.bind(l.address(), 128);
      bound.add(new Listen((InetSocketAddress) ch.getLocalAddress()));
    }
    servers.add(ch);
    Thread t = new Thread(() -> accept(ch), "socketmap-accept-" + bound.get(bound.size() - 1));
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /**
   * The addresses the server listens on, with the ports it was given.
   *
   * @return the addresses
   */
  public List<Listen> listening() {
    return List.copyOf(bound);
  }

  private void accept(ServerSocketChannel server) {
    while (!closed) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("accept failed: {}", e.toString());
        }
        continue;
      }
      if (open.size() >= maxConnections) {
        events.rejected();
        LOG.warn("refusing a connection: {} connections are open (max_connections)", open.size());
        closeQuietly(ch);
        continue;
      }
      open.add(ch);
      events.opened();
      int id = connectionIds.incrementAndGet();
      Thread t = new Thread(() -> serve(ch, id), "socketmap-" + id);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void serve(SocketChannel ch, int id) {
    String peer = peer(ch);
    try {
      InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 4096);
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 4096);
      Netstrings.Reader reader = new Netstrings.Reader(in, maxRequestBytes);
      byte[] request;
      while ((request = reader.next()) != null) {
        Reply reply = answer(request);
        Netstrings.write(out, reply.bytes());
        // Flush when no further request is already waiting, so pipelined requests share a write.
        if (in.available() == 0) {
          out.flush();
        }
      }
      out.flush();
    } catch (MalformedFrameException e) {
      events.malformed();
      LOG.warn("closing socketmap connection {} from {}: {}", id, peer, e.getMessage());
    } catch (EOFException e) {
      LOG.info("socketmap connection {} from {} ended: {}", id, peer, e.getMessage());
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("socketmap connection {} from {} failed: {}", id, peer, e.toString());
      }
    } finally {
      closeQuietly(ch);
      open.remove(ch);
      events.closed();
      threads.remove(Thread.currentThread());
    }
  }

  private Reply answer(byte[] request) {
    String text = new String(request, StandardCharsets.UTF_8);
    int space = text.indexOf(' ');
    if (space <= 0) {
      return Reply.perm("malformed request: expected '<name> <key>'");
    }
    String name = text.substring(0, space);
    String key = text.substring(space + 1);
    try {
      return handler.answer(name, key).get(HANDLER_LIMIT_MINUTES, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.error("no answer for {} {}: {}", Escape.quote(name), Escape.quote(key), e.toString());
      return Reply.temp("internal error");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.temp("shutting down");
    }
  }

  private static String peer(SocketChannel ch) {
    try {
      Object a = ch.getRemoteAddress();
      return a == null || a.toString().isEmpty() ? "a local socket" : a.toString();
    } catch (IOException e) {
      return "an unknown peer";
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /**
   * Stops accepting, closes every connection and waits up to two seconds for their threads.
   */
  @Override
  public void close() {
    closed = true;
    servers.forEach(SocketmapServer::closeQuietly);
    open.forEach(SocketmapServer::closeQuietly);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (Thread t : List.copyOf(threads)) {
      long left = until - System.nanoTime();
      if (left > 0) {
        try {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    for (Path p : socketFiles) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.debug("cannot remove {}: {}", p, e.toString());
      }
    }
  }
}
