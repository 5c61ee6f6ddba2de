package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Netstrings;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A socketmap client for tests: one connection, requests and replies as Postfix sends them. */
final class SocketmapClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final NetstringReader reader;

  SocketmapClient(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    reader = new NetstringReader(in, Reply.MAX_REPLY_BYTES);
  }

  /** Sends one request and reads its reply. */
  String ask(String name, String key) throws IOException {
    send(name + " " + key);
    return read();
  }

  void send(String request) throws IOException {
    out.write(Netstrings.encode(request));
    out.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  String read() throws IOException {
    byte[] reply = reader.next();
    return reply == null ? null : new String(reply, StandardCharsets.UTF_8);
  }

  /** True when the server closed the connection (end of stream, no more bytes). */
  boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
