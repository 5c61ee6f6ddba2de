/**
 * The MTA-STS policy server for Postfix: the socketmap protocol, zones, configuration, metrics and
 * the adapter to the mtasts library ({@link dev.mtasts.postfix.PolicyAnswers}).
 */
module dev.mtasts.postfix {
  requires static org.jspecify;
  requires dev.mtasts.store;
  requires org.slf4j;
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires io.prometheus.metrics.exporter.httpserver;
  requires org.yaml.snakeyaml;

  exports dev.mtasts.postfix;
}
