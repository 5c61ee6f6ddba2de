package dev.mtasts.testkit;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * MTA-STS policy hosts for many policy domains on one address and port, chosen by the caller: for
 * tests where the client cannot be told another port than 443, such as a daemon running inside a
 * private network namespace next to another implementation. One certificate (with a name for each
 * {@code mta-sts.<domain>}) is presented to every client; the policy is picked by the {@code Host}
 * header. Unknown hosts and other paths answer 404. Simpler than {@link PolicyHost}: it serves
 * policies and counts requests, and does not misbehave.
 *
 * <p>Thread-safe. Close it to stop the server.
 */
public final class PolicyHosts implements AutoCloseable {
  private final HttpsServer server;
  private final ExecutorService executor;
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  private PolicyHosts(HttpsServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts the server.
   *
   * @param bind the address and port, e.g. {@code 127.0.0.1:443}
   * @param certificate a certificate naming every {@code mta-sts.<domain>} to be served
   * @return the running server
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static PolicyHosts start(InetSocketAddress bind, IssuedCertificate certificate) {
    try {
      HttpsServer server = HttpsServer.create(bind, 50);
      SSLContext tls = certificate.serverContext();
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "policy-hosts");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      PolicyHosts hosts = new PolicyHosts(server, executor);
      server.createContext("/", exchange -> {
        hosts.requests.incrementAndGet();
        String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host"))
            .toLowerCase(Locale.ROOT);
        int colon = host.indexOf(':');
        if (colon >= 0) {
          host = host.substring(0, colon);
        }
        byte[] body = exchange.getRequestURI().getPath().equals(PolicyHost.PATH)
            ? hosts.bodies.get(host) : null;
        if (body == null) {
          exchange.sendResponseHeaders(404, -1);
        } else {
          exchange.getResponseHeaders().set("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
        exchange.close();
      });
      server.start();
      return hosts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Serves a policy for a domain at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
   *
   * @param domain the policy domain
   * @param policy the policy text
   * @return this server
   */
  public PolicyHosts policy(String domain, String policy) {
    bodies.put("mta-sts." + Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT),
        policy.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /**
   * Stops serving a domain's policy (404 from now on).
   *
   * @param domain the policy domain
   * @return this server
   */
  public PolicyHosts remove(String domain) {
    bodies.remove("mta-sts." + domain.toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * Returns how many requests arrived.
   *
   * @return the count
   */
  public int requestCount() {
    return requests.get();
  }

  /**
   * Returns the bound address.
   *
   * @return the address
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
