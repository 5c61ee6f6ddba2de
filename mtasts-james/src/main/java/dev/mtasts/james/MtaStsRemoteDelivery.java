package dev.mtasts.james;

import com.google.inject.Inject;
import dev.mtasts.james.internal.MxFilter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.transport.mailets.RemoteDelivery;

/**
 * James's own {@code RemoteDelivery} mailet with MTA-STS in its MX lookup: an MX host that the
 * recipient domain's {@code enforce} policy does not list is left out before James connects to
 * anything, and a domain whose policy could not be looked up is deferred without a connection when
 * the facade says so ({@code deferWhenUnavailable}). Everything else, the queue, the retries, the
 * bounces and the SMTP session, is James's own code; the certificate checks are the transport's,
 * which this mailet requires in its {@code mail.smtp.class} parameter.
 *
 * <p>Use it in {@code mailetcontainer.xml} in place of {@code RemoteDelivery}, with the same
 * parameters: {@code <mailet match="All" class="dev.mtasts.james.MtaStsRemoteDelivery">}. James
 * creates it through Guice with the same constructor arguments as {@code RemoteDelivery}; it
 * compiles against James 3.8.1, whose constructor James 3.9 keeps.
 *
 * <p>When an {@code enforce} policy lists none of a domain's MX hosts, James still connects to
 * them, and the transport refuses each before {@code MAIL FROM}: that is what lets a TLS-RPT report
 * through (RFC 8460 section 5.3.1), which an MX lookup cannot tell from other mail.
 */
public class MtaStsRemoteDelivery extends RemoteDelivery {
  /** The transports this mailet works with, one per mail API. */
  static final Set<String> TRANSPORTS = Set.of("dev.mtasts.james.javamail.SMTPTransport",
      "dev.mtasts.james.jakartamail.SMTPTransport");

  /**
   * Creates the mailet; James's Guice mailet loader calls this constructor.
   *
   * @param dnsServer James's DNS service, whose MX lookups this mailet filters
   * @param domainList James's domain list
   * @param queueFactory James's mail queues
   * @param metricFactory James's metrics
   */
  @Inject
  public MtaStsRemoteDelivery(DNSService dnsServer, DomainList domainList,
      MailQueueFactory<?> queueFactory, MetricFactory metricFactory) {
    this(dnsServer, domainList, queueFactory, metricFactory, ThreadState.START_THREADS);
  }

  /**
   * Creates the mailet, choosing whether it starts its delivery threads (as {@code RemoteDelivery}
   * lets tests do).
   *
   * @param dnsServer James's DNS service, whose MX lookups this mailet filters
   * @param domainList James's domain list
   * @param queueFactory James's mail queues
   * @param metricFactory James's metrics
   * @param startThreads whether {@code init} starts the delivery threads
   */
  public MtaStsRemoteDelivery(DNSService dnsServer, DomainList domainList,
      MailQueueFactory<?> queueFactory, MetricFactory metricFactory, ThreadState startThreads) {
    super(new PolicyMxLookup(Objects.requireNonNull(dnsServer, "dnsServer"), new MxFilter()),
        domainList, queueFactory, metricFactory, startThreads);
  }

  /**
   * Checks that the mailet is configured with an MTA-STS transport, then starts as {@code
   * RemoteDelivery} does: without the transport, MX hosts would be filtered but certificates not
   * checked, which must not pass unnoticed.
   *
   * @throws IllegalArgumentException when {@code mail.smtp.class} is not one of this module's
   *     transports, {@code startTLS} is not {@code true}, or a {@code gateway} is set
   */
  @Override
  public void init() throws javax.mail.MessagingException {
    String transport = Objects.toString(getInitParameter("mail.smtp.class"), "").strip();
    if (!TRANSPORTS.contains(transport)) {
      throw new IllegalArgumentException("MtaStsRemoteDelivery needs the parameter"
          + " <mail.smtp.class> set to dev.mtasts.james.javamail.SMTPTransport (James 3.8) or"
          + " dev.mtasts.james.jakartamail.SMTPTransport (James 3.9 and newer), not '"
          + transport + "'");
    }
    if (!"true".equalsIgnoreCase(Objects.toString(getInitParameter("startTLS"), "").strip())) {
      throw new IllegalArgumentException(
          "MtaStsRemoteDelivery needs the parameter <startTLS>true</startTLS>");
    }
    if (getInitParameter("gateway") != null) {
      throw new IllegalArgumentException("MtaStsRemoteDelivery does not send to a gateway: MTA-STS"
          + " applies to the recipient domain's MX hosts; use RemoteDelivery without"
          + " mail.smtp.class for gateway mode");
    }
    super.init();
  }

  @Override
  public String getMailetInfo() {
    return "RemoteDelivery with MTA-STS (RFC 8461)";
  }

  /** James's DNS service, with the MX hosts filtered by the recipient domain's policy. */
  static final class PolicyMxLookup implements DNSService {
    private final DNSService dns;
    private final MxFilter filter;

    PolicyMxLookup(DNSService dns, MxFilter filter) {
      this.dns = dns;
      this.filter = filter;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
      Collection<String> records = dns.findMXRecords(hostname);
      if (records == null || records.isEmpty()) {
        return records;
      }
      try {
        return filter.hostsToTry(hostname, List.copyOf(records));
      } catch (MxFilter.Deferral e) {
        throw new TemporaryResolutionException(e.getMessage());
      }
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
      return dns.findTXTRecords(hostname);
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
      return dns.getAllByName(host);
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
      return dns.getByName(host);
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
      return dns.getLocalHost();
    }

    @Override
    public String getHostName(InetAddress addr) {
      return dns.getHostName(addr);
    }
  }
}
