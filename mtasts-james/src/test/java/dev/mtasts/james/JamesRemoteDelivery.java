package dev.mtasts.james;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRetriesHelper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.reactivestreams.Publisher;

/**
 * James 3.8.1's own {@code RemoteDelivery} mailet, from the real {@code james-server-mailets} jar,
 * with what a James server gives it: an in-memory mail queue ({@code james-server-queue-memory}), a
 * mailet context that records bounces, and a DNS service whose MX records the test sets. The
 * mailet is the class the XML example in this module's README names ({@link MtaStsRemoteDelivery},
 * James's mailet with the policy in its MX lookup), or James's {@code RemoteDelivery} itself for
 * installs that keep it, configured with that example's parameters plus only what a test needs
 * (short timeouts, a retry delay of an hour that {@link #retryNow()} cuts short).
 */
final class JamesRemoteDelivery implements AutoCloseable {
  private static final Duration AWAIT = Duration.ofSeconds(30);

  final MxRecords dns = new MxRecords();
  final FakeMailContext context = FakeMailContext.defaultContext();
  final MemoryMailQueueFactory queues =
      new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
  private final RemoteDelivery mailet;

  /** Which mailet class runs. */
  enum Mailet {
    /** The class of the README's XML example. */
    README,
    /** James's {@code RemoteDelivery}, with the README's parameters. */
    STOCK
  }

  JamesRemoteDelivery(Mailet which) throws Exception {
    String readmeClass = readmeMailetClass();
    if (!readmeClass.equals(MtaStsRemoteDelivery.class.getName())) {
      throw new AssertionError("the README's mailet is " + readmeClass);
    }
    mailet = which == Mailet.README
        ? new MtaStsRemoteDelivery(dns, null, queues, new NoMetrics(),
            RemoteDelivery.ThreadState.START_THREADS)
        : new RemoteDelivery(dns, null, queues, new NoMetrics(),
            RemoteDelivery.ThreadState.START_THREADS);
    FakeMailetConfig.Builder config = FakeMailetConfig.builder()
        .mailetName("RemoteDelivery")
        .mailetContext(context);
    Map<String, String> params = new LinkedHashMap<>(readmeParameters());
    params.put("delayTime", "1 hour");
    params.put("deliveryThreads", "1");
    params.put("heloName", "james.origin.example.test");
    params.put("timeout", "5000");
    params.put("connectiontimeout", "5000");
    params.remove("bounceProcessor"); // the test context records bounces itself
    params.forEach(config::setProperty);
    mailet.init(config.build());
  }

  /**
   * The parameters of the {@code RemoteDelivery} mailet in this module's README, so that the tests
   * run the configuration users copy.
   */
  static Map<String, String> readmeParameters() throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher param = Pattern.compile("<([A-Za-z.]+)>([^<]*)</\\1>")
        .matcher(readmeBlock().group(2));
    while (param.find()) {
      params.put(param.group(1), param.group(2).strip());
    }
    return params;
  }

  /** The class the README's XML example names. */
  static String readmeMailetClass() throws IOException {
    return readmeBlock().group(1);
  }

  private static Matcher readmeBlock() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```xml\\n<mailet match=\"All\" class=\"([A-Za-z.]+)\">(.*?)"
        + "</mailet>\\n```", Pattern.DOTALL).matcher(readme);
    if (!block.find()) {
      throw new AssertionError("no mailet XML block in mtasts-james/README.md");
    }
    return block;
  }

  /** Hands a mail to the mailet, as the mailet container does. */
  void send(MimeMessage message, String recipient) throws MessagingException {
    FakeMail mail = FakeMail.builder()
        .name("mail-" + System.nanoTime())
        .mimeMessage(message)
        .sender("sender@origin.example.test")
        .state(Mail.DEFAULT)
        .recipient(recipient)
        .build();
    mailet.service(mail);
  }

  ManageableMailQueue queue() {
    return queues.getQueue(MailQueueName.of("outgoing")).orElseThrow();
  }

  /** The mails waiting in the queue for another attempt, with their retry counts. */
  List<Integer> queuedRetries() {
    List<Integer> out = new ArrayList<>();
    ManageableMailQueue.MailQueueIterator it;
    try {
      it = queue().browse();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    try {
      while (it.hasNext()) {
        Mail mail = it.next().getMail();
        out.add(DeliveryRetriesHelper.retrieveRetries(mail));
      }
    } finally {
      it.close();
    }
    return out;
  }

  /** Makes every delayed mail due now (James's queue flush, as an administrator runs it). */
  void retryNow() throws Exception {
    queue().flush();
  }

  /** Waits until a condition holds; fails after 30 seconds. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    mailet.destroy();
  }

  /** MX records as the test sets them; addresses from the JVM's resolver (the hosts file). */
  static final class MxRecords implements DNSService {
    private final Map<String, List<String>> mx = new ConcurrentHashMap<>();

    /**
     * Sets the MX hosts of a domain, in preference order, each with the port its test server
     * listens on ({@code host:port}, which James's MX iterator understands).
     */
    void set(String domain, String... hostAndPort) {
      mx.put(domain, List.of(hostAndPort));
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
      return mx.getOrDefault(hostname, List.of());
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
      return List.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
      return List.of(InetAddress.getAllByName(host));
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
      return InetAddress.getByName(host);
    }

    @Override
    public InetAddress getLocalHost() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public String getHostName(InetAddress addr) {
      return addr.getHostName();
    }
  }

  /** Metrics that count nothing. */
  static final class NoMetrics implements MetricFactory {
    @Override
    public Metric generate(String name) {
      return new Metric() {
        @Override
        public void increment() {}

        @Override
        public void decrement() {}

        @Override
        public void add(int value) {}

        @Override
        public void remove(int value) {}

        @Override
        public long getCount() {
          return 0;
        }
      };
    }

    @Override
    public TimeMetric timer(String name) {
      return new TimeMetric() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public ExecutionResult stopAndPublish() {
          return new ExecutionResult() {
            @Override
            public Duration elasped() {
              return Duration.ZERO;
            }

            @Override
            @SuppressWarnings("deprecation") // James's interface still declares it
            public ExecutionResult logWhenExceedP99(Duration threshold) {
              return this;
            }
          };
        }
      };
    }

    @Override
    public <T> Publisher<T> decoratePublisherWithTimerMetric(String name, Publisher<T> publisher) {
      return publisher;
    }

    @Override
    @SuppressWarnings("deprecation") // James's interface still declares it
    public <T> Publisher<T> decoratePublisherWithTimerMetricLogP99(String name,
        Publisher<T> publisher) {
      return publisher;
    }
  }
}
