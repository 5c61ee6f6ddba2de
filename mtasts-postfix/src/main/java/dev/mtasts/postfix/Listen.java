package dev.mtasts.postfix;

import dev.mtasts.postfix.internal.Escape;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the server listens: a TCP address ({@code 127.0.0.1:8462}, {@code [::1]:8462}) or a UNIX
 * socket ({@code unix:/run/mtasts/socketmap.sock}).
 *
 * @param address the socket address
 */
public record Listen(SocketAddress address) {

  /** The default: loopback, port 8462 (the reference daemons use 8461 and 8642). */
  public static final String DEFAULT = "127.0.0.1:8462";

  /**
   * Checks the address.
   *
   * @param address an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
   */
  public Listen {
    Objects.requireNonNull(address, "address");
    if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
      throw new IllegalArgumentException("not a TCP or UNIX socket address");
    }
  }

  /**
   * Parses {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code unix:/path}. Port 0 picks a free port.
   *
   * @param text the address
   * @return the listen address
   * @throws ConfigException when the text is none of these
   */
  public static Listen parse(String text) {
    if (text.startsWith("unix:")) {
      String path = text.substring("unix:".length());
      if (path.isEmpty()) {
        throw new ConfigException("listen " + Escape.quote(text) + " names no socket path");
      }
      return new Listen(UnixDomainSocketAddress.of(Path.of(path)));
    }
    return new Listen(inet(text, -1, "listen"));
  }

  /**
   * Parses {@code HOST[:PORT]} or {@code [IPv6][:PORT]} into a socket address.
   *
   * @param text the address
   * @param defaultPort the port when none is given; -1 when a port is required
   * @param what the option or key, for the message
   * @return the address
   * @throws ConfigException when the text is not an address with a valid port
   */
  public static InetSocketAddress inet(String text, int defaultPort, String what) {
    String host;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw bad(text, defaultPort, what);
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw bad(text, defaultPort, what);
        }
        port = rest.substring(1);
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon >= 0 && colon == text.indexOf(':')) {
        host = text.substring(0, colon);
        port = text.substring(colon + 1);
      } else {
        host = text;
      }
    }
    int p = defaultPort;
    if (port != null) {
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
        throw bad(text, defaultPort, what);
      }
      p = Integer.parseInt(port);
    }
    if (p < 0 || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw bad(text, defaultPort, what);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), p);
    } catch (UnknownHostException e) {
      throw new ConfigException(what + " " + Escape.quote(text) + ": unknown host");
    }
  }

  private static ConfigException bad(String text, int defaultPort, String what) {
    return new ConfigException(what + " " + Escape.quote(text) + " is not "
        + (defaultPort < 0 ? "HOST:PORT, [IPv6]:PORT" : "HOST, HOST:PORT, [IPv6]:PORT")
        + (what.equals("listen") ? " or unix:/path" : ""));
  }

  @Override
  public String toString() {
    if (address instanceof UnixDomainSocketAddress unix) {
      return "unix:" + unix.getPath();
    }
    InetSocketAddress inet = (InetSocketAddress) address;
    String host = inet.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
  }
}
