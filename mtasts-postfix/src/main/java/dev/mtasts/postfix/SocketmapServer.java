package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Escape;
import dev.mtasts.postfix.internal.MalformedFrameException;
import dev.mtasts.postfix.internal.Netstrings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postfix socketmap server (socketmap_table(5)): it reads netstring requests {@code <name>
 * <key>} on any number of long-lived connections and writes one netstring reply per request, in
 * order. One selector thread does all socket I/O without blocking; a request whose answer is not
 * ready at once (a policy being fetched) holds up only its own connection, whose further requests
 * wait in its buffer until the reply is written. A request over the size limit or one that is not
 * a netstring closes its connection with a log line; nothing a client sends stops the server.
 *
 * <p>Thread-safe. {@link #close()} stops listening and closes every connection.
 */
public final class SocketmapServer implements AutoCloseable {
  /** The default request size limit: a name, a space and a domain fit many times over. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SocketmapServer.class);
  /** Stop reading from a client that does not read its replies once this much is queued. */
  private static final int MAX_PENDING_OUTPUT = 64 * 1024;
  /** How many replies keep their netstring bytes for the next time they are sent. */
  private static final int FRAME_SLOTS = 64;
  /** Replies longer than this are encoded each time they are sent. */
  private static final int MAX_KEPT_FRAME = 512;

  private final Handler handler;
  private final Events events;
  private final int maxRequestBytes;
  private final int maxConnections;
  private final Selector selector;
  private final List<ServerSocketChannel> servers = new ArrayList<>();
  private final List<Listen> bound = new ArrayList<>();
  private final List<Path> socketFiles = new ArrayList<>();
  private final Set<Connection> open = new HashSet<>();
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger connectionIds = new AtomicInteger();
  /**
   * Replies sent lately and their netstrings, by the reply's identity: a handler that answers from
   * a cache returns the same {@link Reply} again, which then costs no encoding. Touched only by the
   * I/O thread.
   */
  private final Reply[] frameReplies = new Reply[FRAME_SLOTS];
  private final byte[][] frames = new byte[FRAME_SLOTS][];
  private final Thread loop;
  private final Consumer<SelectionKey> onReady = this::ready;
  /** The request being answered; touched only by the I/O thread. */
  private final byte[] request;
  /** The last socketmap name asked, as bytes and as text: clients ask one or a few. */
  private byte[] lastName = new byte[0];
  private String lastNameText = "";
  private volatile boolean closed;

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers a request. Called on the server's I/O thread: it must not block, and should return
     * a completed future when the answer is at hand. The future should complete normally; an
     * exceptional one is answered {@code TEMP} and logged.
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

  /**
   * One client connection; touched only by the I/O thread. Its buffers are direct, so reads and
   * writes need no copy through a temporary buffer of the JDK's.
   */
  private final class Connection {
    final SocketChannel channel;
    final SelectionKey key;
    final int id;
    final ByteBuffer in;
    ByteBuffer out = ByteBuffer.allocateDirect(512);
    boolean busy;
    boolean eof;

    Connection(SocketChannel channel, SelectionKey key, int id) {
      this.channel = channel;
      this.key = key;
      this.id = id;
      this.in = ByteBuffer.allocateDirect(Netstrings.maxFrameBytes(maxRequestBytes));
    }
  }

  private SocketmapServer(Handler handler, Events events, int maxRequestBytes,
      int maxConnections) throws IOException {
    this.handler = handler;
    this.events = events;
    this.maxRequestBytes = maxRequestBytes;
    this.maxConnections = maxConnections;
    this.request = new byte[maxRequestBytes];
    this.selector = Selector.open();
    this.loop = new Thread(this::run, "socketmap-io");
    loop.setDaemon(true);
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
    s.loop.start();
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
    ch.configureBlocking(false);
    ch.register(selector, SelectionKey.OP_ACCEPT);
  }

  /**
   * The addresses the server listens on, with the ports it was given.
   *
   * @return the addresses
   */
  public List<Listen> listening() {
    return List.copyOf(bound);
  }

  private void run() {
    try {
      while (!closed) {
        selector.select(onReady);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.error("the socketmap server stopped", e);
      }
    } finally {
      for (Connection c : List.copyOf(open)) {
        drop(c);
      }
      servers.forEach(SocketmapServer::closeQuietly);
      closeQuietly(selector);
    }
  }

  /** Serves one ready key, during the select: no selected-key set to fill and empty. */
  private void ready(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept((ServerSocketChannel) key.channel());
      return;
    }
    Connection c = (Connection) key.attachment();
    try {
      if (key.isWritable()) {
        flush(c);
      }
      if (key.isValid() && key.isReadable()) {
        read(c);
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("socketmap connection {} failed: {}", c.id, e.toString());
      }
      drop(c);
    }
  }

  private void accept(ServerSocketChannel server) {
    SocketChannel ch;
    try {
      ch = server.accept();
      if (ch == null) {
        return;
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.warn("accept failed: {}", e.toString());
      }
      return;
    }
    if (open.size() >= maxConnections) {
      events.rejected();
      LOG.warn("refusing a connection: {} connections are open (max_connections)", open.size());
      closeQuietly(ch);
      return;
    }
    try {
      ch.configureBlocking(false);
      SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
      Connection c = new Connection(ch, key, connectionIds.incrementAndGet());
      key.attach(c);
      open.add(c);
      events.opened();
    } catch (IOException e) {
      closeQuietly(ch);
    }
  }

  private void read(Connection c) throws IOException {
    int n = c.channel.read(c.in);
    if (n < 0) {
      c.eof = true;
    }
    process(c);
  }

  /** Answers the complete requests in the input buffer, one at a time, in order. */
  private void process(Connection c) throws IOException {
    if (!c.channel.isOpen()) {
      return;
    }
    c.in.flip();
    try {
      while (!c.busy) {
        int length = Netstrings.take(c.in, maxRequestBytes, request);
        if (length < 0) {
          break;
        }
        CompletableFuture<Reply> f = dispatch(length);
        if (f.isDone()) {
          append(c, result(f));
        } else {
          c.busy = true;
          f.whenComplete((r, e) -> {
            tasks.add(() -> resume(c, f));
            selector.wakeup();
          });
        }
      }
    } catch (MalformedFrameException e) {
      events.malformed();
      LOG.warn("closing socketmap connection {} from {}: {}", c.id, peer(c.channel),
          e.getMessage());
      c.in.clear();
      flushQuietly(c);
      drop(c);
      return;
    } finally {
      if (c.channel.isOpen()) {
        c.in.compact();
      }
    }
    flush(c);
    if (c.eof && !c.busy) {
      if (c.in.position() > 0) {
        LOG.info("socketmap connection {} from {} ended inside a request", c.id, peer(c.channel));
      }
      flushQuietly(c);
      drop(c);
    }
  }

  private void resume(Connection c, CompletableFuture<Reply> f) {
    if (!c.channel.isOpen()) {
      return;
    }
    c.busy = false;
    append(c, result(f));
    try {
      process(c);
    } catch (IOException e) {
      LOG.debug("socketmap connection {} failed: {}", c.id, e.toString());
      drop(c);
    }
  }

  /** Answers the request of {@code length} bytes in {@link #request}. */
  private CompletableFuture<Reply> dispatch(int length) {
    // A space byte is never part of a multi-byte UTF-8 sequence, so splitting the bytes at the
    // first one and decoding each side gives what decoding first and splitting would.
    int space = 0;
    while (space < length && request[space] != ' ') {
      space++;
    }
    if (space == 0 || space == length) {
      return CompletableFuture.completedFuture(
          Reply.perm("malformed request: expected '<name> <key>'"));
    }
    if (!Arrays.equals(request, 0, space, lastName, 0, lastName.length)) {
      lastName = Arrays.copyOf(request, space);
      lastNameText = new String(request, 0, space, StandardCharsets.UTF_8);
    }
    String name = lastNameText;
    String key = new String(request, space + 1, length - space - 1, StandardCharsets.UTF_8);
    try {
      CompletableFuture<Reply> f = handler.answer(name, key);
      if (f.isDone() && !f.isCompletedExceptionally()) {
        return f;
      }
      return f.exceptionally(e -> {
        LOG.error("no answer for {} {}: {}", Escape.quote(name), Escape.quote(key), e.toString());
        return Reply.temp("internal error");
      });
    } catch (RuntimeException e) {
      LOG.error("no answer for {} {}: {}", Escape.quote(name), Escape.quote(key), e.toString());
      return CompletableFuture.completedFuture(Reply.temp("internal error"));
    }
  }

  private static Reply result(CompletableFuture<Reply> f) {
    try {
      return f.join();
    } catch (CompletionException | CancellationException e) {
      return Reply.temp("internal error");
    }
  }

  private void append(Connection c, Reply reply) {
    byte[] frame = frame(reply);
    if (c.out.remaining() < frame.length) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(c.out.capacity() * 2,
          c.out.position() + frame.length));
      c.out.flip();
      bigger.put(c.out);
      c.out = bigger;
    }
    c.out.put(frame);
  }

  /** The reply as a netstring, kept for the next time the same reply is sent. */
  private byte[] frame(Reply reply) {
    int slot = System.identityHashCode(reply) & (FRAME_SLOTS - 1);
    if (frameReplies[slot] == reply) {
      return frames[slot];
    }
    byte[] frame = Netstrings.encode(reply.bytes());
    if (frame.length <= MAX_KEPT_FRAME) {
      frameReplies[slot] = reply;
      frames[slot] = frame;
    }
    return frame;
  }

  /** Writes what it can; asks for write readiness for the rest; reads only when caught up. */
  private void flush(Connection c) throws IOException {
    if (!c.channel.isOpen()) {
      return;
    }
    c.out.flip();
    if (c.out.hasRemaining()) {
      c.channel.write(c.out);
    }
    boolean pending = c.out.hasRemaining();
    c.out.compact();
    if (c.out.position() == 0 && c.out.capacity() > 64 * 1024) {
      c.out = ByteBuffer.allocateDirect(512);
    }
    int ops = 0;
    if (pending) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (!c.busy && !c.eof && c.out.position() < MAX_PENDING_OUTPUT) {
      ops |= SelectionKey.OP_READ;
    }
    if (c.key.isValid() && c.key.interestOps() != ops) {
      c.key.interestOps(ops);
    }
  }

  private void flushQuietly(Connection c) {
    try {
      c.out.flip();
      if (c.out.hasRemaining() && c.channel.isOpen()) {
        c.channel.write(c.out);
      }
      c.out.clear();
    } catch (IOException e) {
      // the connection is going away anyway
    }
  }

  private void drop(Connection c) {
    if (open.remove(c)) {
      c.key.cancel();
      closeQuietly(c.channel);
      events.closed();
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

  /** Stops accepting, closes every connection and waits up to two seconds for the I/O thread. */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    if (loop.isAlive()) {
      try {
        loop.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      servers.forEach(SocketmapServer::closeQuietly);
      closeQuietly(selector);
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
