package io.bellwether.core.spi;

/**
 * Builds a {@link Discovery}. Registered with {@link java.util.ServiceLoader}; chosen by {@link
 * #name()} from configuration ({@code discovery=static}).
 */
public interface DiscoveryProvider {

  /** The name configuration uses to choose this provider, such as {@code static}. */
  String name();

  /**
   * Builds an unstarted discovery for the node in {@code context}, announcing {@code self}. Called
   * once per node on the assembling thread.
   *
   * @throws IllegalArgumentException naming the setting when a {@code discovery.*} setting is invalid
   */
  Discovery create(NodeContext context, PeerAddress self);
}
