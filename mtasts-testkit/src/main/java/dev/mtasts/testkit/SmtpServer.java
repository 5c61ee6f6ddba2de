package dev.mtasts.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small SMTP server on 127.0.0.1 for delivery tests: EHLO, STARTTLS with a chosen certificate (or
 * STARTTLS withheld, as a stripping attacker would), MAIL, RCPT, DATA, RSET, NOOP, QUIT. It accepts
 * every message and remembers it, with whether it arrived over TLS.
 *
 * <pre>{@code
 * try (SmtpServer mx = SmtpServer.start("mx1.example.test", sslContext)) {   // offers STARTTLS
 *   // deliver to 127.0.0.1:mx.port() ...
 *   assertTrue(mx.messages().get(0).tls());
 * }
 * try (SmtpServer attacker = SmtpServer.startWithoutTls("mx1.example.test")) { ... }
 * }</pre>
 */
public final class SmtpServer implements AutoCloseable {
  private final String hostname;
  private final SSLContext tls;
  private final String[] tlsProtocols;
  private final ServerSocket server;
  private final ExecutorService executor;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> commands = new CopyOnWriteArrayList<>();

  /**
   * A message the server accepted.
   *
   * @param from the MAIL FROM address
   * @param recipients the RCPT TO addresses
   * @param data the message content, dot-unstuffed, lines ending in CRLF
   * @param tls whether the message arrived after STARTTLS
   * @param tlsProtocol the negotiated protocol, or an empty string without TLS
   */
  public record Message(String from, List<String> recipients, String data, boolean tls,
      String tlsProtocol) {
    /**
     * Creates a message record; the list is copied.
     *
     * @param from the MAIL FROM address
     * @param recipients the RCPT TO addresses
     * @param data the message content, dot-unstuffed, lines ending in CRLF
     * @param tls whether the message arrived after STARTTLS
     * @param tlsProtocol the negotiated protocol, or an empty string without TLS
     */
    public Message {
      Objects.requireNonNull(from, "from");
      recipients = List.copyOf(recipients);
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(tlsProtocol, "tlsProtocol");
    }
  }

  private SmtpServer(String hostname, SSLContext tls, String[] tlsProtocols, InetSocketAddress bind)
      throws IOException {
    this.hostname = Objects.requireNonNull(hostname, "hostname");
    this.tls = tls;
    this.tlsProtocols = tlsProtocols;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(bind, 50);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "smtp-" + hostname);
      t.setDaemon(true);
      return t;
    });
    executor.execute(this::acceptLoop);
  }

  /**
   * Starts a server that offers STARTTLS with the key material of an {@link SSLContext}.
   *
   * @param hostname the name the server announces in its greeting and EHLO reply
   * @param tls the server's TLS context (its key manager holds the certificate to present)
   * @return the running server
   * @throws UncheckedIOException when the port cannot be opened
   */
  public static SmtpServer start(String hostname, SSLContext tls) {
    return create(hostname, Objects.requireNonNull(tls, "tls"), null);
  }

  /**
   * Starts a server that offers STARTTLS but negotiates only the given protocols, e.g. {@code
   * "TLSv1.1"} to test the TLS version check.
   *
   * @param hostname the announced name
   * @param tls the server's TLS context
   * @param protocols the protocols to enable
   * @return the running server
   */
  public static SmtpServer start(String hostname, SSLContext tls, String... protocols) {
    return create(hostname, Objects.requireNonNull(tls, "tls"), protocols.clone());
  }

  /**
   * Starts a server that does not offer STARTTLS, as a downgrade attacker presents it.
   *
   * @param hostname the announced name
   * @return the running server
   */
  public static SmtpServer startWithoutTls(String hostname) {
    return create(hostname, null, null);
  }

  /**
   * Starts a server that offers STARTTLS on a chosen loopback address and port, for example {@code
   * 127.0.0.11:25} inside a private network namespace where a real MTA looks up MX hosts.
   *
   * @param bind the address and port to listen on
   * @param hostname the announced name
   * @param tls the server's TLS context
   * @return the running server
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static SmtpServer start(InetSocketAddress bind, String hostname, SSLContext tls) {
    try {
      return new SmtpServer(hostname, Objects.requireNonNull(tls, "tls"), null,
          Objects.requireNonNull(bind, "bind"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SmtpServer create(String hostname, SSLContext tls, String[] protocols) {
    try {
      return new SmtpServer(hostname, tls, protocols,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the name the server announces, normally the MX host name it stands for.
   *
   * @return the host name given at start
   */
  public String hostname() {
    return hostname;
  }

  /**
   * Returns the port the server listens on, on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Returns the address the server listens on.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  /**
   * Returns the messages accepted so far, in order.
   *
   * @return a snapshot
   */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /**
   * Returns every command line the server received, on all connections, in order (message
   * content after DATA is not included).
   *
   * @return a snapshot
   */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  /**
   * Returns how many connections the server accepted.
   *
   * @return the count
   */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    executor.shutdownNow();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        executor.execute(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket plain) {
    Socket socket = plain;
    try {
      socket.setSoTimeout(30_000);
      Session s = new Session(socket, false, "");
      s.reply("220 " + hostname + " ESMTP test server");
      String from = null;
      List<String> rcpts = new ArrayList<>();
      String line;
      while ((line = s.in.readLine()) != null) {
        commands.add(line);
        String upper = line.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
          from = null;
          rcpts.clear();
          if (upper.startsWith("HELO")) {
            s.reply("250 " + hostname);
          } else if (tls != null && !s.tls) {
            s.reply("250-" + hostname, "250-PIPELINING", "250-8BITMIME", "250 STARTTLS");
          } else {
            s.reply("250-" + hostname, "250-PIPELINING", "250 8BITMIME");
          }
        } else if (upper.equals("STARTTLS") && tls != null && !s.tls) {
          s.reply("220 2.0.0 Ready to start TLS");
          SSLSocketFactory factory = tls.getSocketFactory();
          SSLSocket ssl = (SSLSocket) factory.createSocket(socket,
              socket.getInetAddress().getHostAddress(), socket.getPort(), true);
          ssl.setUseClientMode(false);
          if (tlsProtocols != null) {
            ssl.setEnabledProtocols(tlsProtocols);
          }
          try {
            ssl.startHandshake();
          } catch (IOException e) {
            ssl.close();
            return;
          }
          socket = ssl;
          s = new Session(ssl, true, ssl.getSession().getProtocol());
          from = null;
          rcpts.clear();
        } else if (upper.startsWith("MAIL FROM:")) {
          from = line.substring(10).trim();
          rcpts.clear();
          s.reply("250 2.1.0 OK");
        } else if (upper.startsWith("RCPT TO:")) {
          if (from == null) {
            s.reply("503 5.5.1 MAIL first");
          } else {
            rcpts.add(line.substring(8).trim());
            s.reply("250 2.1.5 OK");
          }
        } else if (upper.equals("DATA")) {
          if (rcpts.isEmpty()) {
            s.reply("503 5.5.1 RCPT first");
            continue;
          }
          s.reply("354 End data with <CR><LF>.<CR><LF>");
          StringBuilder data = new StringBuilder();
          String dl;
          while ((dl = s.in.readLine()) != null && !dl.equals(".")) {
            data.append(dl.startsWith(".") ? dl.substring(1) : dl).append("\r\n");
          }
          messages.add(new Message(from, rcpts, data.toString(), s.tls, s.protocol));
          from = null;
          rcpts = new ArrayList<>();
          s.reply("250 2.0.0 OK queued");
        } else if (upper.equals("RSET")) {
          from = null;
          rcpts.clear();
          s.reply("250 2.0.0 OK");
        } else if (upper.equals("NOOP")) {
          s.reply("250 2.0.0 OK");
        } else if (upper.equals("QUIT")) {
          s.reply("221 2.0.0 Bye");
          break;
        } else {
          s.reply("502 5.5.2 Command not recognized");
        }
      }
    } catch (SocketException e) {
      // the client went away
    } catch (IOException e) {
      // the client went away or spoke garbage
    } finally {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static final class Session {
    final BufferedReader in;
    final OutputStream out;
    final boolean tls;
    final String protocol;

    Session(Socket socket, boolean tls, String protocol) throws IOException {
      this.in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      this.out = socket.getOutputStream();
      this.tls = tls;
      this.protocol = protocol;
    }

    void reply(String... lines) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (String l : lines) {
        sb.append(l).append("\r\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }
}
