package io.bellwether.node.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports for nodes that must know each other's ports before they start. Ports come
 * from below the usual ephemeral range (Linux: 32768 and up), so an outgoing connection of any process
 * cannot take one between the pick and the bind; a port is never handed out twice by one JVM.
 */
public final class FreePorts {

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final int MAX_ATTEMPTS = 1_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int next() {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!HANDED_OUT.add(port)) continue;
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port found in " + LOW + ".." + HIGH);
  }
}
