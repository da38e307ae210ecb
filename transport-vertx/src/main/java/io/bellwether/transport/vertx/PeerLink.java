package io.bellwether.transport.vertx;

import io.bellwether.core.codec.MessageCodec;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outbound connection to one peer (the Single Socket Channel), with its bounded queue.
 *
 * <p><b>Threading.</b> {@link #offer} is called by the node's runtime thread: it only queues and, at
 * most once per event-loop turn, schedules a flush. Everything else runs on this link's own Vert.x
 * context (one event loop), so the connection state needs no locks.
 *
 * <p><b>Life cycle.</b> Opened lazily on the first flush with something to send, at the address
 * discovery gives at that moment. When a connect fails the queued messages are dropped (Raft
 * retries on its own timers, and stale messages would only waste the new connection) and the next
 * attempt waits a capped, jittered, exponential back-off. A connection that drops is re-opened the same
 * way; one that dropped soon after opening (a peer refusing the handshake) counts as a failure, so
 * the back-off keeps growing instead of hammering the peer. With peer TLS, the connection is also
 * closed (and re-opened the same way) when the peer's certificate expires or a reload puts in force
 * a CA that does not trust it ({@link #recheck}).
 */
final class PeerLink {

  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  /** Frames gathered into one socket write; larger batches are split. */
  private static final int BATCH_BYTES = 64 * 1024;

  private final String peerId;
  private final Context context;
  private final NetClient client;
  private final Discovery discovery;
  private final Buffer handshake;
  private final MessageCodec codec;
  private final TransportCounters counters;
  private final Backoff backoff;
  private final BlockingQueue<Message> queue;
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final String nodeId;
  /** Tells the node the peer may be gone (connection closed or refused); see Transport.InboundHandler. */
  private final Runnable onUnreachable;
  private volatile boolean closed;
  /** With peer TLS: the server's certificate must name {@link #peerId} (host names are not verified). */
  private final boolean checkCertificate;

  // Owned by the context's event loop.
  private NetSocket socket;
  private Endpoint connectedTo;
  private long connectedAtNanos;
  private boolean connecting;
  private long retryTimer = -1;
  private long expiryTimer = -1;
  private List<X509Certificate> peerChain = List.of();
  private int failures;

  PeerLink(
      String nodeId,
      String peerId,
      Handshake handshake,
      Context context,
      NetClient client,
      Discovery discovery,
      MessageCodec codec,
      TransportCounters counters,
      Backoff backoff,
      int queueLimit,
      Runnable onUnreachable,
      boolean checkCertificate) {
    this.checkCertificate = checkCertificate;
    this.onUnreachable = onUnreachable;
    this.nodeId = nodeId;
    this.peerId = peerId;
    this.handshake = handshake.encode();
    this.context = context;
    this.client = client;
    this.discovery = discovery;
    this.codec = codec;
    this.counters = counters;
    this.backoff = backoff;
    this.queue = new ArrayBlockingQueue<>(queueLimit);
  }

  /** Queues {@code message}, or drops and counts it when the queue is full. Never blocks. */
  void offer(Message message) {
    if (closed) {
      counters.droppedUnreachable.increment();
      return;
    }
    if (!queue.offer(message)) {
      counters.droppedQueueFull.increment();
      return;
    }
    scheduleFlush();
  }

  /** Messages waiting in the queue. */
  int queued() {
    return queue.size();
  }

  /** Discovery may have moved the peer: check on the event loop, reconnecting if it did. */
  void addressMayHaveChanged() {
    context.runOnContext(v -> {
      if (socket != null && movedAway()) reconnectToNewAddress();
    });
  }

  /**
   * Closes the connection, with a WARN line and a count, when {@code material}'s CA (just put in
   * force by a reload) does not trust the peer's certificate, or it has expired; the link then
   * reconnects with the new material. Any thread: the check runs on the link's event loop.
   */
  void recheck(PeerTlsMaterial material) {
    if (!checkCertificate) return;
    context.runOnContext(v -> {
      if (socket == null) return;
      String why = material.untrusted(peerChain);
      if (why != null) closeUntrusted(why + " (checked after the peer TLS files were reloaded)");
    });
  }

  /** Closes the connection and drops what is queued. Idempotent. */
  void close() {
    closed = true;
    context.runOnContext(v -> {
      if (retryTimer >= 0) context.owner().cancelTimer(retryTimer);
      retryTimer = -1;
      cancelExpiry();
      if (socket != null) socket.close();
      socket = null;
      dropQueued();
    });
  }

  private void scheduleFlush() {
    // Many sends in a row cost one task: the flush drains everything queued by then in one go.
    if (flushScheduled.compareAndSet(false, true)) context.runOnContext(v -> flush());
  }

  private void flush() {
    flushScheduled.set(false);
    if (closed) {
      dropQueued();
      return;
    }
    if (socket == null) {
      if (!connecting && retryTimer < 0 && !queue.isEmpty()) connect();
      return;
    }
    if (movedAway()) {
      reconnectToNewAddress();
      return;
    }
    writeQueued();
  }

  /** Writes batches until the queue is empty or the socket says stop; its drain handler resumes. */
  private void writeQueued() {
    while (!socket.writeQueueFull()) {
      Buffer batch = Buffer.buffer();
      int frames = 0;
      Message message;
      while (batch.length() < BATCH_BYTES && (message = queue.poll()) != null) {
        if (appendFrame(batch, message)) frames++;
      }
      if (batch.length() == 0) return;
      socket.write(batch);
      counters.sent.add(frames);
    }
  }

  private boolean appendFrame(Buffer batch, Message message) {
    byte[] frame;
    try {
      frame = codec.encode(message);
    } catch (IllegalArgumentException e) {
      counters.droppedUnencodable.increment();
      LOG.warn("node {}: dropped a message to {} that cannot be encoded: {}", nodeId, peerId, e.getMessage());
      return false;
    }
    batch.appendInt(frame.length).appendBytes(frame);
    return true;
  }

  private boolean movedAway() {
    Endpoint now = discovery.lookup(peerId).map(PeerAddress::peer).orElse(null);
    return !connectedTo.equals(now);
  }

  private void reconnectToNewAddress() {
    LOG.info("node {}: {} moved from {} to {}; reconnecting", nodeId, peerId, connectedTo,
        discovery.lookup(peerId).map(PeerAddress::peer).orElse(null));
    NetSocket old = socket;
    socket = null;
    connectedTo = null;
    cancelExpiry();
    old.close();
    failures = 0;
    if (!queue.isEmpty()) connect();
  }

  private void connect() {
    Endpoint target = discovery.lookup(peerId).map(PeerAddress::peer).orElse(null);
    if (target == null) {
      int dropped = dropQueued();
      LOG.debug("node {}: no address for {}; dropped {} messages", nodeId, peerId, dropped);
      return;
    }
    connecting = true;
    client.connect(target.port(), target.host()).onComplete(result -> onConnect(target, result));
  }

  private void onConnect(Endpoint target, AsyncResult<NetSocket> result) {
    connecting = false;
    if (result.failed()) {
      onConnectFailed(target, result.cause());
      return;
    }
    NetSocket s = result.result();
    if (closed) {
      s.close();
      return;
    }
    if (checkCertificate) {
      // Checked before the handshake or any message is written: an impostor at the peer's address
      // (a stale or poisoned discovery entry) with a valid certificate of another node learns nothing.
      List<X509Certificate> chain = CertificateNames.peerChain(s);
      Set<String> names = CertificateNames.nodeIds(chain);
      if (!names.contains(peerId)) {
        s.close();
        counters.tlsRefused.increment();
        String reason = "its certificate names " + names + ", not '" + peerId + "' (only URI subject alternative names "
            + CertificateNames.NODE_URI_PREFIX + "ID name a node; it holds "
            + (chain.isEmpty() ? "none" : CertificateNames.describe(chain.get(0))) + ")";
        LOG.warn("node {}: refused the connection to {} at {}: {}", nodeId, peerId, target, reason);
        onConnectFailed(target, new IllegalStateException(reason));
        return;
      }
      peerChain = chain;
      expiryTimer = PeerCertificateExpiry.schedule(context.owner(), chain.get(0), () -> {
        expiryTimer = -1;
        if (socket == s) closeUntrusted(PeerCertificateExpiry.reason(chain.get(0)));
      });
    }
    socket = s;
    connectedTo = target;
    connectedAtNanos = System.nanoTime();
    s.handler(ignored -> { }); // peers never answer on this connection; their replies come on their own
    s.exceptionHandler(e -> LOG.debug("node {}: connection to {} failed", nodeId, peerId, e));
    s.closeHandler(v -> onClosed(s));
    s.drainHandler(v -> flush());
    s.write(handshake);
    LOG.info("node {}: connected to {} at {}", nodeId, peerId, target);
    flush();
  }

  private void onConnectFailed(Endpoint target, Throwable cause) {
    if (closed) return;
    int dropped = dropQueued();
    failures++;
    long delayMs = backoff.delayMs(failures);
    if (failures == 1) {
      LOG.info("node {}: cannot reach {} at {} ({}); dropped {} messages, retrying with back-off",
          nodeId, peerId, target, cause.getMessage(), dropped);
    } else {
      LOG.debug("node {}: attempt {} to reach {} at {} failed ({}); next in {}ms",
          nodeId, failures, peerId, target, cause.getMessage(), delayMs);
    }
    hintUnreachable();
    retryAfter(delayMs);
  }

  /** Closes the current connection for its peer's certificate; {@link #onClosed} reconnects. */
  private void closeUntrusted(String reason) {
    counters.closedUntrusted.increment();
    LOG.warn("node {}: closing the connection to {} at {}: {}", nodeId, peerId, connectedTo, reason);
    socket.close();
  }

  private void cancelExpiry() {
    if (expiryTimer >= 0) context.owner().cancelTimer(expiryTimer);
    expiryTimer = -1;
  }

  private void onClosed(NetSocket s) {
    if (s != socket) return; // an old connection we replaced
    cancelExpiry();
    socket = null;
    connectedTo = null;
    if (closed) return;
    long uptimeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAtNanos);
    // A connection that dies at once was most likely refused by the peer: keep backing off.
    failures = uptimeMs >= backoff.max().toMillis() ? 1 : failures + 1;
    long delayMs = backoff.delayMs(failures);
    LOG.info("node {}: connection to {} closed after {}ms; reconnecting in {}ms", nodeId, peerId, uptimeMs, delayMs);
    hintUnreachable();
    retryAfter(delayMs);
  }

  private void hintUnreachable() {
    try {
      onUnreachable.run();
    } catch (RuntimeException e) {
      LOG.warn("node {}: the handler of a hint about {} threw", nodeId, peerId, e);
    }
  }

  private void retryAfter(long delayMs) {
    retryTimer = context.owner().setTimer(delayMs, id -> {
      retryTimer = -1;
      flush();
    });
  }

  private int dropQueued() {
    int dropped = 0;
    while (queue.poll() != null) dropped++;
    counters.droppedUnreachable.add(dropped);
    return dropped;
  }
}
