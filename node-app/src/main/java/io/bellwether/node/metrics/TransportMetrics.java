package io.bellwether.node.metrics;

import io.bellwether.core.spi.Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * {@code bellwether_transport_<name>_total}: every counter the node's transport reports ({@link
 * Transport#counters()}), so an operator sees messages dropped and peers refused (a failed TLS
 * handshake, another cluster, a certificate not naming the claimed node) on a dashboard, not only in
 * the logs. node-app knows transports only through the SPI, so it exports whatever names the chosen
 * transport gives; a transport that counts nothing adds no series.
 *
 * <p>Each is a Micrometer function counter read when scraped, on the scraping thread: the SPI promises
 * that {@code counters()} is cheap, thread-safe and never blocks.
 */
public final class TransportMetrics {

  /** Words for the Vert.x transport's counters; a name not listed still gets a generic description. */
  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "messages_sent", "messages handed to a peer's connection",
      "messages_received", "messages received from peers and handed to the node",
      "messages_dropped_queue_full", "messages dropped because their peer's outbound queue was full",
      "messages_dropped_unreachable", "messages dropped because their peer could not be reached",
      "messages_dropped_unencodable", "messages dropped because they exceed the frame limit",
      "connections_rejected", "inbound connections refused in the Bellwether handshake (another cluster,"
          + " an unknown or own node id, not a Bellwether node, no handshake in time)",
      "connections_tls_refused", "connections refused for the peer's identity: a failed TLS handshake"
          + " (no certificate, another CA, expired, not TLS) or a certificate not naming the node",
      "decode_errors", "inbound connections closed for a frame that did not decode",
      "tls_reloads", "times changed peer TLS files were put in force",
      "connections_closed_untrusted", "open peer connections closed because the peer's certificate expired"
          + " or a reloaded CA does not trust it");

  private TransportMetrics() {}

  /**
   * Registers one function counter per name {@code transport.counters()} reports now (the SPI
   * promises the same names on every call). Call once per registry.
   */
  public static void register(Transport transport, MeterRegistry registry) {
    for (String name : transport.counters().keySet()) {
      FunctionCounter.builder("bellwether.transport." + name.replace('_', '.'), transport, t -> value(t, name))
          .description(DESCRIPTIONS.getOrDefault(name, "transport counter '" + name + "', cumulative since start"))
          .register(registry);
    }
  }

  private static double value(Transport transport, String name) {
    Long value = transport.counters().get(name);
    return value == null ? Double.NaN : value;
  }
}
