package dev.mtasts.benchmarks.socketmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The floor of a socketmap server: only what the kernel makes every daemon do. One selector thread
 * reads requests, finds the netstring frames and writes a constant {@code NOTFOUND } reply for each:
 * no parsing beyond the frame, no lookup, nothing allocated per request. The load lab measures it
 * beside the real daemons, so the CPU time no server can go below (the reads, the writes and the
 * wake-ups) shows next to theirs.
 *
 * <pre>
 * java -cp benchmarks.jar dev.mtasts.benchmarks.socketmap.SocketmapFloor 127.0.0.1:8463
 * java -cp benchmarks.jar dev.mtasts.benchmarks.socketmap.SocketmapFloor unix:/run/floor.sock
 * </pre>
 */
public final class SocketmapFloor {
  /** The netstring of the reply to every request. */
  private static final byte[] REPLY = "9:NOTFOUND ,".getBytes(StandardCharsets.US_ASCII);

  private SocketmapFloor() {}

  /**
   * One client connection's buffers. A client is assumed to keep few requests in flight, as
   * Postfix keeps one: the requests and the replies they await fit in the buffers.
   */
  private static final class Connection {
    final ByteBuffer in = ByteBuffer.allocateDirect(4096);
    final ByteBuffer out = ByteBuffer.allocateDirect(4096);
  }

  /**
   * Serves until killed.
   *
   * @param args HOST:PORT or unix:PATH
   * @throws IOException when the address cannot be bound
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: SocketmapFloor HOST:PORT|unix:PATH");
      System.exit(2);
    }
    SocketAddress address;
    ServerSocketChannel server;
    if (args[0].startsWith("unix:")) {
      UnixDomainSocketAddress unix = UnixDomainSocketAddress.of(args[0].substring(5));
      Files.deleteIfExists(unix.getPath());
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      address = unix;
    } else {
      int colon = args[0].lastIndexOf(':');
      address = new InetSocketAddress(InetAddress.getByName(args[0].substring(0, colon)),
          Integer.parseInt(args[0].substring(colon + 1)));
      server = ServerSocketChannel.open();
    }
    server.bind(address, 128);
    server.configureBlocking(false);
    Selector selector = Selector.open();
    server.register(selector, SelectionKey.OP_ACCEPT);
    while (true) {
      selector.select(key -> {
        try {
          if (key.isAcceptable()) {
            SocketChannel ch = server.accept();
            if (ch != null) {
              ch.configureBlocking(false);
              ch.register(selector, SelectionKey.OP_READ, new Connection());
            }
          } else {
            serve(key);
          }
        } catch (IOException e) {
          key.cancel();
          try {
            key.channel().close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      });
    }
  }

  /** Writes what is pending, then reads and answers every complete frame. */
  private static void serve(SelectionKey key) throws IOException {
    Connection c = (Connection) key.attachment();
    SocketChannel ch = (SocketChannel) key.channel();
    if (key.isReadable()) {
      if (ch.read(c.in) < 0) {
        throw new IOException("closed");
      }
      int end = c.in.position();
      int i = 0;
      while (true) {
        int colon = i;
        int length = 0;
        while (colon < end && c.in.get(colon) != ':') {
          length = length * 10 + (c.in.get(colon++) - '0');
        }
        int next = colon + 1 + length + 1;
        if (colon >= end || next > end) {
          break;
        }
        c.out.put(REPLY);
        i = next;
      }
      c.in.limit(end).position(i);
      c.in.compact();
    }
    c.out.flip();
    if (c.out.hasRemaining()) {
      ch.write(c.out);
    }
    boolean pending = c.out.hasRemaining();
    c.out.compact();
    key.interestOps(pending ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }
}
