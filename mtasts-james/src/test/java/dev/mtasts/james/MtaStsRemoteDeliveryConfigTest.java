package dev.mtasts.james;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.TypeLiteral;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

/** How {@link MtaStsRemoteDelivery} is created and what configuration it refuses. */
class MtaStsRemoteDeliveryConfigTest {

  private static MtaStsRemoteDelivery mailet() {
    return new MtaStsRemoteDelivery(new JamesRemoteDelivery.MxRecords(), null,
        new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()),
        new JamesRemoteDelivery.NoMetrics(), RemoteDelivery.ThreadState.DO_NOT_START_THREADS);
  }

  private static void init(MtaStsRemoteDelivery mailet, Map<String, String> params)
      throws Exception {
    FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("RemoteDelivery")
        .mailetContext(FakeMailContext.defaultContext());
    params.forEach(config::setProperty);
    mailet.init(config.build());
  }

  @Test
  void theReadmeParametersAreAccepted() throws Exception {
    MtaStsRemoteDelivery mailet = mailet();
    Map<String, String> params = new HashMap<>(JamesRemoteDelivery.readmeParameters());
    params.put("heloName", "james.origin.example.test"); // else James asks its domain list
    init(mailet, params);
    assertEquals("RemoteDelivery with MTA-STS (RFC 8461)", mailet.getMailetInfo());
    mailet.destroy();
  }

  @Test
  void withoutAnMtaStsTransportTheMailetDoesNotStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> init(mailet(), Map.of("startTLS", "true")));
    assertTrue(e.getMessage().startsWith("MtaStsRemoteDelivery needs the parameter"
        + " <mail.smtp.class> set to dev.mtasts.james.javamail.SMTPTransport"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> init(mailet(),
        Map.of("startTLS", "true", "mail.smtp.class", "com.sun.mail.smtp.SMTPTransport")));
    assertTrue(e.getMessage().endsWith("not 'com.sun.mail.smtp.SMTPTransport'"), e.getMessage());
  }

  @Test
  void withoutStartTlsTheMailetDoesNotStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> init(mailet(), Map.of("mail.smtp.class", "dev.mtasts.james.javamail.SMTPTransport")));
    assertEquals("MtaStsRemoteDelivery needs the parameter <startTLS>true</startTLS>",
        e.getMessage());
  }

  @Test
  void gatewayModeIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> init(mailet(), Map.of("startTLS", "true", "gateway", "smarthost.example.test",
            "mail.smtp.class", "dev.mtasts.james.javamail.SMTPTransport")));
    assertTrue(e.getMessage().startsWith("MtaStsRemoteDelivery does not send to a gateway"),
        e.getMessage());
  }

  @Test
  void guiceCreatesItAsJamesMailetLoaderDoes() {
    // James's mailet loader asks its injector for the class by name; these are the bindings a
    // James server has for RemoteDelivery's constructor.
    MtaStsRemoteDelivery mailet = Guice.createInjector(new AbstractModule() {
      @Override
      protected void configure() {
        bind(DNSService.class).toInstance(new JamesRemoteDelivery.MxRecords());
        bind(DomainList.class).toInstance((DomainList) Proxy.newProxyInstance(
            DomainList.class.getClassLoader(), new Class<?>[] {DomainList.class},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException(method.getName());
            }));
        bind(new TypeLiteral<MailQueueFactory<?>>() {})
            .toInstance(new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()));
        bind(MetricFactory.class).toInstance(new JamesRemoteDelivery.NoMetrics());
      }
    }).getInstance(MtaStsRemoteDelivery.class);
    assertEquals("RemoteDelivery with MTA-STS (RFC 8461)", mailet.getMailetInfo());
  }
}
