package dev.mtasts.james;

/**
 * The cases of {@link RemoteDeliveryTest} with James's own {@code RemoteDelivery} class and the
 * README's parameters: the transport alone, for installs that keep James's mailet class. The one
 * difference is that an MX host the enforce policy does not list is connected to and refused
 * before {@code MAIL FROM}, instead of being left out before connecting.
 */
class StockRemoteDeliveryTest extends RemoteDeliveryTest {
  @Override
  JamesRemoteDelivery.Mailet mailet() {
    return JamesRemoteDelivery.Mailet.STOCK;
  }
}
