package dev.mtasts.cli;

import dev.mtasts.cli.CheckReport.SmtpFacts;
import dev.mtasts.result.Failure;
import dev.mtasts.tls.CertificateVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * Talks to one MX host as a sending MTA does, up to the point where a sender would start a
 * transaction, and stops there: connect, greeting, EHLO, STARTTLS when offered, a TLS handshake with
 * SNI set to the MX host name and TLS 1.2 or newer, then QUIT. It never sends MAIL FROM. The
 * certificate is judged by the library's {@link CertificateVerifier} (RFC 8461 section 4), exactly as
 * a sender's trust manager judges it.
 *
 * <p>The whole conversation with one host is bounded by the time limit: when it passes, the
 * connection is closed. Text the server sends is bounded (line length and number of lines) and kept
 * only as the reply's first line, shortened; it is escaped wherever it is printed.
 */
final class SmtpProbe {
  /** The SMTP port senders connect to. */
  static final int SMTP_PORT = 25;
  /** The longest reply line read (RFC 5321 section 4.5.3.1.5 allows 512 octets). */
  private static final int MAX_LINE = 1000;
  /** The most lines of one reply read. */
  private static final int MAX_LINES = 100;
  /** The most addresses of one host tried. */
  private static final int MAX_ADDRESSES = 4;
  /** How much of a server's reply is quoted in a message. */
  private static final int QUOTED = 120;

  private final int port;
  private final String helo;
  private final Duration timeout;
  private final String timeoutText;
  private final CertificateVerifier verifier;
  private final ScheduledExecutorService timer;

  /**
   * Creates a probe.
   *
   * @param port the port to connect to (25, but for tests)
   * @param helo the name to send with EHLO
   * @param timeout how long the conversation with one host may take
   * @param timeoutText the time limit as the user wrote it, for messages
   * @param verifier the library's certificate check
   * @param timer closes connections whose time is up
   */
  SmtpProbe(int port, String helo, Duration timeout, String timeoutText,
      CertificateVerifier verifier, ScheduledExecutorService timer) {
    this.port = port;
    this.helo = helo;
    this.timeout = timeout;
    this.timeoutText = timeoutText;
    this.verifier = verifier;
    this.timer = timer;
  }

  /** A failure that ends the conversation; the message is for people. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;

    Stop(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Probes one MX host.
   *
   * @param mxHost the MX host name, lower-case A-labels
   * @return what a sender sees there
   */
  SmtpFacts probe(String mxHost) {
    long deadline = System.nanoTime() + timeout.toNanos();
    AtomicReference<Socket> current = new AtomicReference<>();
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> alarm = timer.schedule(() -> {
      expired.set(true);
      close(current.get());
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return converse(mxHost, deadline, current, expired);
    } finally {
      alarm.cancel(false);
      close(current.get());
    }
  }

  private SmtpFacts converse(String mxHost, long deadline, AtomicReference<Socket> current,
      AtomicBoolean expired) {
    InetAddress[] addresses;
    // The system resolver has no time limit of its own: it runs on a thread of its own, waited for
    // only until the deadline.
    FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(mxHost));
    Thread resolver = new Thread(lookup, "mtasts-check-resolve");
    resolver.setDaemon(true);
    resolver.start();
    try {
      addresses = lookup.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return SmtpFacts.unreachable(null, mxHost + " has no address (its A and AAAA lookups"
          + " found nothing): senders cannot connect to it either", false);
    } catch (TimeoutException e) {
      return SmtpFacts.unreachable(null, "the address lookup of " + mxHost + " took longer than"
          + " --timeout " + timeoutText, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SmtpFacts.unreachable(null, "the check was interrupted", false);
    }
    Socket socket = null;
    String address = addresses[0].getHostAddress();
    List<String> failures = new ArrayList<>();
    boolean timedOut = false;
    for (int i = 0; i < Math.min(addresses.length, MAX_ADDRESSES) && socket == null; i++) {
      InetAddress a = addresses[i];
      Socket s = new Socket();
      current.set(s);
      try {
        s.connect(new InetSocketAddress(a, port), remainingMillis(deadline));
        socket = s;
        address = a.getHostAddress();
      } catch (IOException e) {
        close(s);
        // When the deadline passes, the alarm closes the socket: that is a timeout too.
        if (e instanceof SocketTimeoutException || expired.get()) {
          timedOut = true;
          failures.add("no connection to " + a.getHostAddress() + " port " + port + " within"
              + " --timeout " + timeoutText);
        } else if (e instanceof ConnectException) {
          failures.add(a.getHostAddress() + " refused the connection to port " + port);
        } else if (e instanceof NoRouteToHostException) {
          failures.add("no route to " + a.getHostAddress());
        } else {
          failures.add("no connection to " + a.getHostAddress() + " port " + port + ": "
              + e.getMessage());
        }
      }
      if (expired.get()) {
        break;
      }
    }
    if (socket == null) {
      String why = String.join("; ", failures);
      String hint = timedOut
          ? ": port " + port + " may be blocked on the network this check runs from (many"
              + " providers block outgoing port 25); run the check from a host that sends mail,"
              + " or skip this part with --no-smtp"
          : ": no SMTP server answers there, or a firewall (perhaps one near this machine) refuses"
              + " port " + port;
      return SmtpFacts.unreachable(address, why + hint, timedOut);
    }
    try {
      return session(mxHost, address, socket, current, expired);
    } catch (Stop e) {
      return SmtpFacts.unreachable(address, e.getMessage(), false);
    } catch (IOException e) {
      if (expired.get() || e instanceof SocketTimeoutException) {
        return SmtpFacts.unreachable(address, "the SMTP conversation with " + address
            + " did not finish within --timeout " + timeoutText, true);
      }
      return SmtpFacts.unreachable(address, "the connection to " + address + " failed: "
          + e.getMessage(), false);
    }
  }

  private SmtpFacts session(String mxHost, String address, Socket socket,
      AtomicReference<Socket> current, AtomicBoolean expired) throws IOException, Stop {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    List<String> greeting = reply(in);
    if (!greeting.get(0).startsWith("220")) {
      throw new Stop(address + " greeted with " + quote(greeting.get(0))
          + " instead of 220: it does not accept mail from this host");
    }
    send(out, "EHLO " + helo);
    List<String> ehlo = reply(in);
    if (!ehlo.get(0).startsWith("250")) {
      throw new Stop(address + " answered EHLO " + helo + " with " + quote(ehlo.get(0))
          + "; give this host's public name with --helo");
    }
    boolean offered = false;
    for (String line : ehlo.subList(1, ehlo.size())) {
      String keyword = line.length() > 4 ? line.substring(4).trim() : "";
      int space = keyword.indexOf(' ');
      if ((space < 0 ? keyword : keyword.substring(0, space))
          .equalsIgnoreCase("STARTTLS")) {
        offered = true;
      }
    }
    if (!offered) {
      quit(in, out);
      return new SmtpFacts(address, null, null, "the EHLO reply does not offer STARTTLS",
          SmtpFacts.Outcome.NO_STARTTLS, null);
    }
    send(out, "STARTTLS");
    List<String> ready = reply(in);
    if (!ready.get(0).startsWith("220")) {
      quit(in, out);
      return new SmtpFacts(address, null, null,
          "STARTTLS is offered but answered with " + quote(ready.get(0)),
          SmtpFacts.Outcome.NO_STARTTLS, null);
    }
    SSLSocket tls;
    try {
      tls = TlsClient.handshake(socket, mxHost);
    } catch (IllegalArgumentException e) {
      // Not a name SNI can carry (the JDK refuses it): a sender cannot start TLS with it either.
      throw new Stop(mxHost + " is not a host name a TLS client can send (SNI): "
          + e.getMessage());
    } catch (SSLException e) {
      if (expired.get()) {
        throw e;
      }
      String message = String.valueOf(e.getMessage());
      boolean version = message.contains("protocol_version")
          || message.contains("No appropriate protocol");
      return new SmtpFacts(address, null, null, "the TLS handshake failed: " + message,
          version ? SmtpFacts.Outcome.OLD_TLS : SmtpFacts.Outcome.HANDSHAKE_FAILED, null);
    }
    current.set(tls);
    String protocol = tls.getSession().getProtocol();
    CertificateFacts cert = null;
    try {
      Certificate[] peer = tls.getSession().getPeerCertificates();
      if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
        cert = CertificateFacts.of(leaf);
      }
    } catch (SSLPeerUnverifiedException e) {
      // no certificate: the verifier says so
    }
    Optional<Failure> check = verifier.verify(mxHost, tls.getSession());
    // The certificate is judged; a sender that accepts it would go on to MAIL FROM. This stops.
    try {
      OutputStream tlsOut = tls.getOutputStream();
      send(tlsOut, "QUIT");
      reply(tls.getInputStream());
    } catch (IOException | Stop e) {
      // the server may close at once; nothing more is needed from it
    }
    if (check.isPresent()) {
      Failure failed = check.get();
      return new SmtpFacts(address, protocol, cert, failed.detail(),
          SmtpFacts.Outcome.CERTIFICATE_INVALID, failed);
    }
    return new SmtpFacts(address, protocol, cert, null, SmtpFacts.Outcome.PASSED, null);
  }

  private static void quit(InputStream in, OutputStream out) {
    try {
      send(out, "QUIT");
      reply(in);
    } catch (IOException | Stop e) {
      // leaving anyway
    }
  }

  private static void send(OutputStream out, String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * Reads one reply: lines {@code NNN-text} up to the last, {@code NNN text}.
   *
   * @return the lines, at least one
   */
  private static List<String> reply(InputStream in) throws IOException, Stop {
    List<String> lines = new ArrayList<>();
    while (lines.size() < MAX_LINES) {
      String line = line(in);
      if (line == null) {
        throw new Stop(lines.isEmpty()
            ? "the server closed the connection without a reply"
            : "the server closed the connection in the middle of a reply");
      }
      if (line.length() < 3 || !Character.isDigit(line.charAt(0))
          || !Character.isDigit(line.charAt(1)) || !Character.isDigit(line.charAt(2))
          || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
        throw new Stop("the server sent " + quote(line) + ", which is not an SMTP reply");
      }
      lines.add(line);
      if (line.length() == 3 || line.charAt(3) == ' ') {
        return lines;
      }
    }
    throw new Stop("the server sent a reply of more than " + MAX_LINES + " lines");
  }

  private static @Nullable String line(InputStream in) throws IOException, Stop {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (buf.size() >= MAX_LINE) {
        throw new Stop("the server sent a reply line longer than " + MAX_LINE + " characters");
      }
      buf.write(b);
    }
  }

  private static String quote(String reply) {
    String s = reply.length() > QUOTED ? reply.substring(0, QUOTED) + "..." : reply;
    return "'" + s + "'";
  }

  private int remainingMillis(long deadline) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
  }

  private static void close(@Nullable Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /**
   * The default EHLO name: this machine's host name, or {@code localhost} when it has none.
   *
   * @return the name
   */
  static String localHostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)
          ? "localhost" : name.toLowerCase(Locale.ROOT);
    } catch (UnknownHostException | SecurityException e) {
      return "localhost";
    }
  }
}
