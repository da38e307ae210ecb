package io.bellwether.transport.vertx;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code transport.vertx.*} settings, read and validated once. Every invalid value fails with an
 * {@link IllegalArgumentException} that names the setting.
 *
 * @param listen where to bind; port 0 picks a free port (see {@link VertxTransport#localEndpoint()})
 * @param eventLoops Vert.x event-loop threads for this transport
 * @param maxFrameBytes the largest frame accepted or sent (the codec's limit too)
 * @param queueLimit messages queued per peer before new ones are dropped
 * @param reconnectMin first reconnect delay after a connection drops or a connect fails
 * @param reconnectMax cap of the exponential reconnect back-off
 * @param connectTimeout how long one connect attempt may take
 * @param handshakeTimeout how long an inbound connection may take to present its handshake
 * @param tls the peer TLS files, or null when peers talk plaintext (no {@code transport.tls.*} set)
 */
public record VertxTransportConfig(
    Endpoint listen,
    int eventLoops,
    int maxFrameBytes,
    int queueLimit,
    Duration reconnectMin,
    Duration reconnectMax,
    Duration connectTimeout,
    Duration handshakeTimeout,
    PeerTls tls) {

  public static final String LISTEN = "transport.vertx.listen";
  public static final String EVENT_LOOPS = "transport.vertx.eventLoops";
  public static final String MAX_FRAME_BYTES = "transport.vertx.maxFrameBytes";
  public static final String QUEUE_LIMIT = "transport.vertx.queueLimit";
  public static final String RECONNECT_MIN = "transport.vertx.reconnect.min";
  public static final String RECONNECT_MAX = "transport.vertx.reconnect.max";
  public static final String CONNECT_TIMEOUT = "transport.vertx.connectTimeout";
  public static final String HANDSHAKE_TIMEOUT = "transport.vertx.handshakeTimeout";
  public static final String TLS_CERT = "transport.tls.cert";
  public static final String TLS_KEY = "transport.tls.key";
  public static final String TLS_CA = "transport.tls.ca";
  public static final String TLS_RELOAD_INTERVAL = "transport.tls.reload.interval";

  /**
   * Where this node's peer TLS material lives. Only the paths: the files are read and checked when
   * the transport is built ({@link VertxTransport}'s constructor), and re-read every {@code
   * reloadInterval} while it runs.
   *
   * @param cert PEM certificate this node presents, naming its node id (URI SAN urn:bellwether:node:ID)
   * @param key PEM PKCS#8 private key of {@code cert}
   * @param ca PEM certificate(s) of the cluster's CA: the only issuers whose peers are accepted
   * @param reloadInterval how often the files are checked for changes; zero = never
   */
  public record PeerTls(Path cert, Path key, Path ca, Duration reloadInterval) {}

  /** 16 MiB for the codec's largest message plus 64 KiB of margin. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024 + 64 * 1024;

  public static final int DEFAULT_QUEUE_LIMIT = 4096;

  /**
   * Reads the settings of {@code context}. Without {@code transport.vertx.listen}, the transport
   * binds the peer endpoint that {@code discovery} knows for this node.
   *
   * @throws IllegalArgumentException naming the setting when one is invalid, or when the listen
   *     address is neither set nor known to discovery
   */
  public static VertxTransportConfig from(NodeContext context, Discovery discovery) {
    Settings s = context.settings();
    Endpoint listen = listen(s, context.nodeId(), discovery);
    int eventLoops = s.getInt(EVENT_LOOPS, 1, 1, 256);
    int maxFrameBytes = s.getInt(MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES, 1024, 1 << 30);
    int queueLimit = s.getInt(QUEUE_LIMIT, DEFAULT_QUEUE_LIMIT, 1, 1 << 20);
    Duration min = positive(s, RECONNECT_MIN, Duration.ofMillis(50));
    Duration max = positive(s, RECONNECT_MAX, Duration.ofSeconds(2));
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "setting '" + RECONNECT_MAX + "' (" + max.toMillis() + "ms) must not be below '"
              + RECONNECT_MIN + "' (" + min.toMillis() + "ms)");
    }
    Duration connectTimeout = positive(s, CONNECT_TIMEOUT, Duration.ofSeconds(2));
    Duration handshakeTimeout = positive(s, HANDSHAKE_TIMEOUT, Duration.ofSeconds(5));
    return new VertxTransportConfig(
        listen, eventLoops, maxFrameBytes, queueLimit, min, max, connectTimeout, handshakeTimeout, tls(s));
  }

  /** TLS is on when the three files are named; naming only some is a mistake worth stopping for. */
  private static PeerTls tls(Settings s) {
    List<String> keys = List.of(TLS_CERT, TLS_KEY, TLS_CA);
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      if (s.get(key).map(String::isBlank).orElse(true)) missing.add(key);
    }
    Duration reload = s.getDuration(TLS_RELOAD_INTERVAL, Duration.ofSeconds(10));
    if (reload.isNegative() || reload.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("setting '" + TLS_RELOAD_INTERVAL + "' has value '"
          + s.get(TLS_RELOAD_INTERVAL).orElse("") + "'; expected a duration >= 0 (0 = no reload)");
    }
    if (missing.size() == keys.size()) return null;
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("peer TLS needs all of " + keys + "; missing: " + missing);
    }
    return new PeerTls(path(s, TLS_CERT), path(s, TLS_KEY), path(s, TLS_CA), reload);
  }

  private static Path path(Settings s, String key) {
    String raw = s.get(key).orElseThrow().trim();
    try {
      return Path.of(raw);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("setting '" + key + "' has value '" + raw + "'; not a file path", e);
    }
  }

  private static Endpoint listen(Settings s, String nodeId, Discovery discovery) {
    var raw = s.get(LISTEN);
    if (raw.isPresent()) {
      try {
        return Endpoint.parse(raw.get());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "setting '" + LISTEN + "' has value '" + raw.get() + "'; " + e.getMessage(), e);
      }
    }
    return discovery.lookup(nodeId).map(PeerAddress::peer).orElseThrow(() ->
        new IllegalArgumentException(
            "setting '" + LISTEN + "' is not set and discovery knows no address for node '"
                + nodeId + "'"));
  }

  private static Duration positive(Settings s, String key, Duration defaultValue) {
    Duration d = s.getDuration(key, defaultValue);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "setting '" + key + "' has value '" + s.get(key).orElse("") + "'; expected a positive duration");
    }
    return d;
  }
}
