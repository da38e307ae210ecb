package io.bellwether.transport.vertx;

import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.MessageCodec;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Transport.InboundHandler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: reads the handshake, then length-prefixed frames, and hands each decoded
 * message to the inbound handler. Runs on the connection's event loop only, and does nothing else
 * there: no engine call, no blocking.
 *
 * <p>Anything wrong (bytes that are not a Bellwether handshake, another cluster, an id that is not a
 * known peer or is this node's own, a bad length, a frame that does not decode, a message whose
 * sender or addressee differs from the handshake) closes <em>this</em> connection with one WARN line
 * and a counter; other connections are untouched. With peer TLS, a peer whose certificate does not
 * name the node id it claims is refused the same way, before any of its frames is read; and an
 * accepted connection is closed when the peer's certificate expires, or when a reload puts in force
 * a CA that does not trust it ({@link #recheck}).
 */
final class InboundConnection {

  private static final Logger LOG = LoggerFactory.getLogger(InboundConnection.class);

  private enum Stage { PREAMBLE, HANDSHAKE, LENGTH, FRAME, CLOSED }

  private final String clusterId;
  private final String nodeId;
  private final Discovery discovery;
  private final MessageCodec codec;
  private final int maxFrameBytes;
  private final InboundHandler inbound;
  private final TransportCounters counters;
  private final NetSocket socket;
  private final RecordParser parser;
  private final String remote;
  /** With peer TLS: the claimed id must be a name in the certificate the peer's TLS handshake showed. */
  private final boolean checkCertificate;

  private Stage stage = Stage.PREAMBLE;
  private String peerId;
  private long handshakeTimer = -1;
  private long expiryTimer = -1;
  /** With peer TLS: the chain the peer presented, leaf first (set once in start). */
  private List<X509Certificate> peerChain = List.of();
  private Context context;

  InboundConnection(
      String clusterId,
      String nodeId,
      Discovery discovery,
      MessageCodec codec,
      InboundHandler inbound,
      TransportCounters counters,
      NetSocket socket,
      boolean checkCertificate) {
    this.checkCertificate = checkCertificate;
    this.clusterId = clusterId;
    this.nodeId = nodeId;
    this.discovery = discovery;
    this.codec = codec;
    this.maxFrameBytes = codec.maxMessageBytes();
    this.inbound = inbound;
    this.counters = counters;
    this.socket = socket;
    this.remote = String.valueOf(socket.remoteAddress());
    this.parser = RecordParser.newFixed(Handshake.PREAMBLE_BYTES, this::onRecord);
  }

  /**
   * Starts reading; a peer that has not completed its handshake within the timeout is closed.
   * {@code whenClosed} runs on the event loop once the socket has closed, whoever closed it.
   */
  void start(Vertx vertx, long handshakeTimeoutMs, Runnable whenClosed) {
    context = vertx.getOrCreateContext();
    if (checkCertificate) {
      // The TLS handshake is done before the connect handler runs: the chain is final.
      peerChain = CertificateNames.peerChain(socket);
      if (!peerChain.isEmpty()) {
        expiryTimer = PeerCertificateExpiry.schedule(vertx, peerChain.get(0), () -> {
          expiryTimer = -1;
          if (stage != Stage.CLOSED) closeUntrusted(PeerCertificateExpiry.reason(peerChain.get(0)));
        });
      }
    }
    socket.handler(parser);
    socket.closeHandler(v -> {
      onClosed(vertx);
      whenClosed.run();
    });
    socket.exceptionHandler(e -> LOG.debug("node {}: connection from {} failed", nodeId, remote, e));
    handshakeTimer = vertx.setTimer(handshakeTimeoutMs, id -> {
      handshakeTimer = -1;
      if (stage == Stage.PREAMBLE || stage == Stage.HANDSHAKE) {
        refuse("no handshake within " + handshakeTimeoutMs + "ms");
      }
    });
  }

  /**
   * Closes this connection, with a WARN line and a count, when {@code material}'s CA (just put in
   * force by a reload) does not trust the certificate the peer presented, or it has expired. Any
   * thread: the check runs on the connection's event loop.
   */
  void recheck(PeerTlsMaterial material) {
    if (!checkCertificate || context == null) return;
    context.runOnContext(v -> {
      if (stage == Stage.CLOSED) return;
      String why = material.untrusted(peerChain);
      if (why != null) closeUntrusted(why + " (checked after the peer TLS files were reloaded)");
    });
  }

  /** Closes the connection without a warning (the transport is closing). */
  void close() {
    stage = Stage.CLOSED;
    socket.close();
  }

  private void onClosed(Vertx vertx) {
    if (handshakeTimer >= 0) vertx.cancelTimer(handshakeTimer);
    if (expiryTimer >= 0) vertx.cancelTimer(expiryTimer);
    expiryTimer = -1;
    if (stage != Stage.CLOSED && peerId != null) {
      LOG.debug("node {}: connection from {} ({}) closed", nodeId, peerId, remote);
    }
    stage = Stage.CLOSED;
  }

  private void onRecord(Buffer record) {
    // The parser may still hold records of a buffer that arrived before the connection was closed.
    switch (stage) {
      case PREAMBLE -> onPreamble(record);
      case HANDSHAKE -> onHandshake(record);
      case LENGTH -> onLength(record);
      case FRAME -> onFrame(record);
      case CLOSED -> { }
    }
  }

  private void onPreamble(Buffer record) {
    int magic = record.getInt(0);
    if (magic != Handshake.MAGIC) {
      refuse(String.format("not a Bellwether node (bad magic 0x%08x)", magic));
      return;
    }
    int version = record.getUnsignedShort(4);
    if (version != Handshake.VERSION) {
      refuse("protocol version " + version + " is not supported (this node speaks " + Handshake.VERSION + ")");
      return;
    }
    int bodyBytes = record.getUnsignedShort(6);
    if (bodyBytes < 1 || bodyBytes > Handshake.MAX_BODY_BYTES) {
      refuse("handshake length " + bodyBytes + " outside 1.." + Handshake.MAX_BODY_BYTES);
      return;
    }
    stage = Stage.HANDSHAKE;
    parser.fixedSizeMode(bodyBytes);
  }

  private void onHandshake(Buffer record) {
    Handshake hello;
    try {
      hello = Handshake.decodeBody(record);
    } catch (Handshake.MalformedHandshakeException e) {
      refuse("malformed handshake: " + e.getMessage());
      return;
    }
    String problem = check(hello);
    if (problem != null) {
      refuse(problem);
      return;
    }
    if (checkCertificate) {
      // TLS proved the peer holds a key the cluster's CA certified; this proves the key is the one
      // certified for the node it claims to be. Without it any node could speak as any other.
      Set<String> names = CertificateNames.nodeIds(peerChain);
      if (!names.contains(hello.fromNodeId())) {
        counters.tlsRefused.increment();
        closeWithWarning("peer claims node id '" + hello.fromNodeId() + "' but its certificate names "
            + names + " (only URI subject alternative names " + CertificateNames.NODE_URI_PREFIX
            + "ID name a node; it holds " + (peerChain.isEmpty() ? "none" : CertificateNames.describe(peerChain.get(0))) + ")");
        return;
      }
    }
    peerId = hello.fromNodeId();
    stage = Stage.LENGTH;
    parser.fixedSizeMode(4);
    LOG.debug("node {}: accepted connection from {} at {}", nodeId, peerId, remote);
  }

  /** Why {@code hello} is refused, or null when it is welcome. */
  private String check(Handshake hello) {
    if (!hello.clusterId().equals(clusterId)) {
      return "node '" + hello.fromNodeId() + "' belongs to cluster '" + hello.clusterId()
          + "', not '" + clusterId + "'";
    }
    if (hello.fromNodeId().equals(nodeId)) return "peer claims this node's own id '" + nodeId + "'";
    if (!hello.toNodeId().equals(nodeId)) {
      return "peer '" + hello.fromNodeId() + "' wanted node '" + hello.toNodeId()
          + "' (stale address?), this is '" + nodeId + "'";
    }
    if (discovery.lookup(hello.fromNodeId()).isEmpty()) {
      return "node id '" + hello.fromNodeId() + "' is not a known peer";
    }
    return null;
  }

  private void onLength(Buffer record) {
    int length = record.getInt(0);
    // Checked before the parser is asked to collect that many bytes: a bad length must never make
    // this node buffer gigabytes for a peer.
    if (length <= 0 || length > maxFrameBytes) {
      counters.decodeErrors.increment();
      closeWithWarning("frame length " + Integer.toUnsignedString(length) + " outside 1.." + maxFrameBytes);
      return;
    }
    stage = Stage.FRAME;
    parser.fixedSizeMode(length);
  }

  private void onFrame(Buffer record) {
    Message message;
    try {
      message = codec.decode(record.getBytes());
    } catch (CodecException e) {
      counters.decodeErrors.increment();
      closeWithWarning("frame does not decode: " + e.getMessage());
      return;
    }
    if (!message.from().equals(peerId) || !message.to().equals(nodeId)) {
      refuse("message from '" + message.from() + "' to '" + message.to()
          + "' on the connection of '" + peerId + "' to '" + nodeId + "'");
      return;
    }
    stage = Stage.LENGTH;
    parser.fixedSizeMode(4);
    counters.received.increment();
    try {
      inbound.onMessage(message);
    } catch (RuntimeException e) {
      LOG.error("node {}: inbound handler failed on a message from {}", nodeId, peerId, e);
    }
  }

  private void closeUntrusted(String reason) {
    counters.closedUntrusted.increment();
    closeWithWarning(reason);
  }

  private void refuse(String reason) {
    counters.rejectedConnections.increment();
    closeWithWarning(reason);
  }

  private void closeWithWarning(String reason) {
    stage = Stage.CLOSED;
    LOG.warn("node {}: closing connection from {}{}: {}",
        nodeId, remote, peerId == null ? "" : " (node '" + peerId + "')", reason);
    socket.close();
  }
}
