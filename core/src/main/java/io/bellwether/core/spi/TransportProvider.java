package io.bellwether.core.spi;

/**
 * Builds a {@link Transport}. Registered with {@link java.util.ServiceLoader} and chosen by
 * {@link #name()} from configuration ({@code transport=vertx}); never chosen silently by priority.
 */
public interface TransportProvider {

  /** The name configuration uses to choose this provider, such as {@code vertx} or {@code inmem}. */
  String name();

  /**
   * Builds an unstarted transport for the node in {@code context}, which finds peers through
   * {@code discovery}. Called once per node, on the thread assembling the node.
   *
   * @throws IllegalArgumentException naming the setting when a {@code transport.*} setting is invalid
   */
  Transport create(NodeContext context, Discovery discovery);
}
