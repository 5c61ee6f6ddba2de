package dev.mtasts.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;

/**
 * A dnsjava {@link Resolver} for one server that tells the failures {@link SimpleResolver} folds
 * together apart:
 *
 * <ul>
 *   <li>a truncated UDP answer is retried over TCP here rather than inside {@link SimpleResolver}, so
 *       that a failed TCP retry surfaces as a {@link TruncatedException} instead of a bare I/O error;
 *   <li>a response code other than NOERROR, NXDOMAIN and SERVFAIL (REFUSED above all) surfaces as an
 *       {@link RcodeException}, so that it is known by its code and not by an exception message, and
 *       so that {@link org.xbill.DNS.ExtendedResolver} tries the next server, as stub resolvers do for
 *       a server that refuses to serve us.
 * </ul>
 *
 * <p>NOERROR, NXDOMAIN and SERVFAIL pass through to {@link org.xbill.DNS.lookup.LookupSession}, which
 * maps them (and caches the first two). Configured once, at construction; the setters of {@link
 * Resolver} are not supported.
 */
final class ServerResolver implements Resolver {
  private static final Logger log = LoggerFactory.getLogger(ServerResolver.class);

  private final InetSocketAddress address;
  private final Duration timeout;
  private final SimpleResolver udp;
  private final SimpleResolver tcp;

  ServerResolver(InetSocketAddress address, Duration timeout) {
    this.address = address;
    this.timeout = timeout;
    udp = new SimpleResolver(address);
    udp.setTimeout(timeout);
    udp.setIgnoreTruncation(true);
    tcp = new SimpleResolver(address);
    tcp.setTimeout(timeout);
    tcp.setTCP(true);
  }

  InetSocketAddress address() {
    return address;
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query) {
    return sendAsync(query, ForkJoinPool.commonPool());
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    return udp.sendAsync(query, executor)
        .thenCompose(
            response -> {
              if (!response.getHeader().getFlag(Flags.TC)) {
                return checkRcode(response);
              }
              log.debug("Truncated answer from {}, retrying over TCP", address);
              return tcp.sendAsync(query, executor)
                  .handle(
                      (tcpResponse, ex) -> {
                        if (ex != null) {
                          throw new CompletionException(new TruncatedException(address, unwrap(ex)));
                        }
                        return tcpResponse;
                      })
                  .thenCompose(this::checkRcode);
            });
  }

  private CompletionStage<Message> checkRcode(Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || rcode == Rcode.SERVFAIL) {
      return CompletableFuture.completedFuture(response);
    }
    return CompletableFuture.failedFuture(new RcodeException(rcode, address));
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public Duration getTimeout() {
    return timeout;
  }

  @Override
  public void setPort(int port) {
    throw unsupported();
  }

  @Override
  public void setTCP(boolean flag) {
    throw unsupported();
  }

  @Override
  public void setIgnoreTruncation(boolean flag) {
    throw unsupported();
  }

  @Override
  public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    throw unsupported();
  }

  @Override
  public void setTSIGKey(TSIG key) {
    throw unsupported();
  }

  @Override
  public void setTimeout(Duration timeout) {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("configured at construction");
  }

  @Override
  public String toString() {
    return "ServerResolver[" + address + "]";
  }

  /** The answer was truncated over UDP and the retry over TCP failed. */
  static final class TruncatedException extends IOException {
    private static final long serialVersionUID = 1L;

    TruncatedException(InetSocketAddress server, Throwable tcpFailure) {
      super("truncated UDP answer from " + server + ", TCP retry failed", tcpFailure);
    }
  }

  /** The server answered with a response code the lookup cannot use. */
  static final class RcodeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int rcode;

    RcodeException(int rcode, InetSocketAddress server) {
      super(Rcode.string(rcode) + " from " + server);
      this.rcode = rcode;
    }

    int rcode() {
      return rcode;
    }
  }
}
