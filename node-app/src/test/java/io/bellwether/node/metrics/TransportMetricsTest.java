package io.bellwether.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Goal: every counter a transport reports through the SPI is scraped as {@code
 * bellwether_transport_<name>_total}, a Prometheus counter that reads the transport's value at each
 * scrape; a transport that counts nothing adds no series. Method: a fake transport whose counters the
 * test sets, and a real Prometheus registry's scrape text.
 */
class TransportMetricsTest {

  /** A transport that only counts: what the test puts in {@code values}. */
  private static final class CountingTransport implements Transport {
    final Map<String, Long> values = new ConcurrentHashMap<>();

    @Override
    public void start(InboundHandler inbound) {}

    @Override
    public void send(Message message) {}

    @Override
    public Map<String, Long> counters() {
      return new LinkedHashMap<>(values);
    }

    @Override
    public void close() {}
  }

  @Test
  void eachTransportCounterIsAPrometheusCounterReadAtScrapeTime() {
    CountingTransport transport = new CountingTransport();
    transport.values.put("connections_tls_refused", 0L);
    transport.values.put("messages_sent", 5L);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    TransportMetrics.register(transport, registry);
    transport.values.put("connections_tls_refused", 3L);
    transport.values.put("messages_sent", 12L);

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("# TYPE bellwether_transport_connections_tls_refused_total counter")
        .contains("bellwether_transport_connections_tls_refused_total 3.0")
        .contains("bellwether_transport_messages_sent_total 12.0")
        .contains("# HELP bellwether_transport_connections_tls_refused_total connections refused for the"
            + " peer's identity");
  }

  @Test
  void aTransportThatCountsNothingAddsNoSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    TransportMetrics.register(new CountingTransport(), registry);

    assertThat(registry.scrape()).doesNotContain("bellwether_transport_");
  }

  @Test
  void aNameTheNodeHasNoWordsForStillGetsACounter() {
    CountingTransport transport = new CountingTransport();
    transport.values.put("frames_mangled", 2L);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    TransportMetrics.register(transport, registry);

    assertThat(registry.scrape()).contains("bellwether_transport_frames_mangled_total 2.0");
  }
}
