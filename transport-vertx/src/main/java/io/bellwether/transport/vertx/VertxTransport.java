package io.bellwether.transport.vertx;

import io.bellwether.core.codec.MessageCodec;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.spi.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over TCP with Vert.x: one long-lived outbound connection per peer, each with a
 * bounded queue, and a server that accepts peers' connections after checking their handshake.
 *
 * <p><b>Threading.</b> {@link #send} runs on the caller's thread (the node's runtime thread) and only
 * queues. Connecting, encoding, writing and decoding run on the transport's Vert.x event loops ({@code
 * transport.vertx.eventLoops}, one by default); inbound messages are handed to the handler from there.
 *
 * <p><b>Discovery.</b> A peer's address is looked up when connecting, and again before each batch of
 * writes: when it moved, the old connection is closed and a new one opened. The transport is also a
 * {@link Discovery.Listener}, so whoever starts discovery can forward changes for an immediate check.
 *
 * <p>Counters ({@link #sentCount()} and the others) are cumulative and may be read from any thread.
 */
public final class VertxTransport implements Transport, Discovery.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(VertxTransport.class);
  private static final long START_STOP_TIMEOUT_SECONDS = 10;

  private final String clusterId;
  private final String nodeId;
  private final Discovery discovery;
  private final VertxTransportConfig config;
  private final MessageCodec codec;
  private final Backoff backoff;
  private final TransportCounters counters = new TransportCounters();
  private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
  private final Set<InboundConnection> inboundConnections = ConcurrentHashMap.newKeySet();
  private volatile InboundHandler inbound;
  private final Vertx givenVertx;
  /** Null when peers talk plaintext; otherwise the checked TLS files and their reloader. */
  private final TlsReloader tls;
  private final PeerTlsMaterial initialTls;
  private final TlsRefusalLog tlsRefusals;

  private volatile boolean started;
  private volatile boolean closed;
  private Vertx vertx;
  private volatile NetServer server;
  private NetClient client;

  /**
   * An unstarted transport for the node in {@code context}, reading {@code transport.vertx.*} from its
   * settings, with a Vert.x instance of its own.
   *
   * @throws IllegalArgumentException naming the setting when one is invalid, or when the cluster or
   *     node id does not fit the handshake; naming the file and its setting when a peer TLS file is
   *     unreadable, malformed, or does not fit this node (see {@link #VertxTransport(NodeContext,
   *     Discovery, VertxTransportConfig, Vertx)})
   */
  public VertxTransport(NodeContext context, Discovery discovery) {
    this(context, discovery, VertxTransportConfig.from(context, discovery), null);
  }

  /**
   * An unstarted transport with explicit {@code config}. When {@code vertx} is given, the transport
   * runs on it and leaves it open on {@link #close()}; when null, it creates (and owns) one with
   * {@link VertxTransportConfig#eventLoops()} event loops.
   *
   * <p>With {@link VertxTransportConfig#tls()} set, reads the three PEM files now (blocking) and
   * checks them, so a misconfigured node stops at start-up rather than at its first connection.
   *
   * @throws IllegalArgumentException naming the file and its setting when a peer TLS file cannot be
   *     read or parsed, the key does not belong to the certificate, or the certificate does not name
   *     this node, is not valid now, or was not signed by the CA file's certificates
   */
  public VertxTransport(NodeContext context, Discovery discovery, VertxTransportConfig config, Vertx vertx) {
    this.clusterId = context.clusterId();
    this.nodeId = context.nodeId();
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.config = Objects.requireNonNull(config, "config");
    this.codec = new MessageCodec(config.maxFrameBytes());
    this.backoff = new Backoff(config.reconnectMin(), config.reconnectMax());
    this.givenVertx = vertx;
    new Handshake(clusterId, nodeId, nodeId); // fails now, not at the first connect, on ids too long
    this.initialTls = config.tls() == null ? null : PeerTlsMaterial.load(config.tls(), nodeId);
    this.tls = initialTls == null ? null : new TlsReloader(
        nodeId, config.tls(), initialTls, config.handshakeTimeout().toMillis(), counters, this::recheckConnections);
    this.tlsRefusals = new TlsRefusalLog(nodeId, counters);
  }

  /**
   * Binds the listen address and starts accepting peers. Blocks until bound, so call it outside
   * Vert.x (on an event loop it cannot wait, and a bind failure is then only logged).
   *
   * @throws TransportException if the address cannot be bound
   * @throws IllegalStateException if started twice or after close
   */
  @Override
  public synchronized void start(InboundHandler inbound) {
    Objects.requireNonNull(inbound, "inbound");
    if (started || closed) throw new IllegalStateException("transport of " + nodeId + " already started or closed");
    this.inbound = inbound;
    vertx = givenVertx != null ? givenVertx : Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(config.eventLoops())
        .setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1)
        .setFileSystemOptions(new FileSystemOptions()
            .setFileCachingEnabled(false)
            .setClassPathResolvingEnabled(false)));
    long handshakeMs = config.handshakeTimeout().toMillis();
    NetServerOptions serverOptions = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true);
    NetClientOptions clientOptions = new NetClientOptions()
        .setTcpNoDelay(true)
        .setConnectTimeout((int) config.connectTimeout().toMillis());
    if (initialTls != null) {
      initialTls.applyTo(serverOptions, handshakeMs);
      initialTls.applyTo(clientOptions, handshakeMs);
    }
    server = vertx.createNetServer(serverOptions);
    // Vert.x reports here what goes wrong before a connection reaches the connect handler: with TLS,
    // every refused handshake (no certificate, another CA, expired, not TLS at all).
    server.exceptionHandler(e -> {
      if (initialTls != null) tlsRefusals.refused(e);
      else LOG.debug("node {}: peer connection failed before its handshake", nodeId, e);
    });
    server.connectHandler(socket -> {
      InboundConnection connection = new InboundConnection(
          clusterId, nodeId, discovery, codec, inbound, counters, socket, initialTls != null);
      inboundConnections.add(connection);
      connection.start(vertx, handshakeMs, () -> inboundConnections.remove(connection));
    });
    client = vertx.createNetClient(clientOptions);
    Endpoint listen = config.listen();
    try {
      await(server.listen(listen.port(), listen.host()));
    } catch (RuntimeException e) {
      shutDownVertx();
      throw new TransportException("node " + nodeId + " cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    started = true;
    if (tls != null) tls.start(vertx, server, client);
    LOG.info("node {}: transport listening on {}{}", nodeId, localEndpoint(),
        initialTls == null ? " (plaintext)" : " with TLS as " + initialTls.describe());
  }

  /**
   * Queues {@code message} for its addressee. Never blocks and never throws: a message to an unknown
   * node, to this node itself, or sent before start or after close counts as dropped-unreachable; one
   * that finds its peer's queue full counts as dropped-queue-full.
   */
  @Override
  public void send(Message message) {
    if (!started || closed) {
      counters.droppedUnreachable.increment();
      return;
    }
    String to = message.to();
    try {
      PeerLink link = links.get(to);
      if (link == null) {
        if (to.equals(nodeId) || discovery.lookup(to).isEmpty()) {
          counters.droppedUnreachable.increment();
          return;
        }
        link = links.computeIfAbsent(to, this::newLink);
      }
      link.offer(message);
    } catch (RuntimeException e) {
      // Only a close racing this send can get here (Vert.x refusing a task while shutting down).
      counters.droppedUnreachable.increment();
      if (!closed) LOG.warn("node {}: dropped a message to {}: {}", nodeId, to, e.toString());
    }
  }

  private PeerLink newLink(String peerId) {
    // From a thread outside Vert.x, each call picks the next event loop: peers spread over them.
    InboundHandler handler = inbound;
    return new PeerLink(nodeId, peerId, new Handshake(clusterId, nodeId, peerId), vertx.getOrCreateContext(),
        client, discovery, codec, counters, backoff, config.queueLimit(),
        () -> handler.onPeerUnreachable(peerId), initialTls != null);
  }

  /** After a TLS reload: closes every open connection whose peer {@code material}'s CA does not trust. */
  private void recheckConnections(PeerTlsMaterial material) {
    if (closed) return;
    inboundConnections.forEach(c -> c.recheck(material));
    links.values().forEach(l -> l.recheck(material));
  }

  /** Checks every peer's connection against the new view; moved peers are reconnected. */
  @Override
  public void onPeersChanged(Map<String, PeerAddress> peers) {
    if (!started || closed) return;
    links.values().forEach(PeerLink::addressMayHaveChanged);
  }

  /**
   * Closes every connection and, when it owns it, the Vert.x instance, waiting for that when called
   * outside Vert.x. Idempotent; messages still queued are dropped.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    if (!started) {
      LOG.debug("node {}: transport closed before start", nodeId);
      return;
    }
    if (tls != null) tls.stop(vertx);
    links.values().forEach(PeerLink::close);
    inboundConnections.forEach(InboundConnection::close);
    shutDownVertx();
    LOG.info("node {}: transport closed", nodeId);
  }

  private void shutDownVertx() {
    try {
      if (givenVertx == null) {
        await(vertx.close());
      } else {
        await(Future.join(server.close(), client.close()));
      }
    } catch (RuntimeException e) {
      LOG.warn("node {}: transport did not shut down cleanly: {}", nodeId, e.getMessage());
    }
  }

  /** Waits for {@code future} when called outside Vert.x; on an event loop, returns at once. */
  private static <T> void await(Future<T> future) {
    if (Vertx.currentContext() != null) return;
    try {
      future.toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + START_STOP_TIMEOUT_SECONDS + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** This node's id. */
  public String nodeId() {
    return nodeId;
  }

  /** The settings in force. */
  public VertxTransportConfig config() {
    return config;
  }

  /**
   * The address actually bound (the real port when {@code transport.vertx.listen} asked for port 0).
   *
   * @throws IllegalStateException before start
   */
  public Endpoint localEndpoint() {
    if (server == null) throw new IllegalStateException("transport of " + nodeId + " is not started");
    return new Endpoint(config.listen().host(), server.actualPort());
  }

  /**
   * The cumulative counters (messages sent, received and dropped, connections refused and closed);
   * readable from any thread.
   */
  public TransportCounters stats() {
    return counters;
  }

  /**
   * Every counter of {@link #stats()} by its stable name (see {@link Transport#counters()}): {@code
   * messages_sent}, {@code messages_received}, {@code messages_dropped_queue_full}, {@code
   * messages_dropped_unreachable}, {@code messages_dropped_unencodable}, {@code connections_rejected},
   * {@code connections_tls_refused}, {@code decode_errors}, {@code tls_reloads} and {@code
   * connections_closed_untrusted}. Thread-safe, never
   * blocks; the TLS ones stay 0 without peer TLS.
   */
  @Override
  public Map<String, Long> counters() {
    return counters.snapshot();
  }

  /** Whether peers talk TLS (the {@code transport.tls.*} files are set). */
  public boolean tlsEnabled() {
    return initialTls != null;
  }

  /** Inbound connections open now (handshaking or accepted). */
  public int inboundConnectionCount() {
    return inboundConnections.size();
  }

  /** Messages waiting in every peer's outbound queue now. */
  public long queuedCount() {
    return links.values().stream().mapToLong(PeerLink::queued).sum();
  }
}
