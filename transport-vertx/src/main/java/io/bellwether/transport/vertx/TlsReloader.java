package io.bellwether.transport.vertx;

import io.bellwether.transport.vertx.VertxTransportConfig.PeerTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the peer TLS files every {@code transport.tls.reload.interval} and, when their content
 * changed and passes the same checks as at start-up, hands the new material to the server and the
 * client, then to {@code onReloaded}, which re-checks the connections open at that moment against the
 * new CA and closes those it does not trust (a rotation away from a compromised CA must cut off
 * what that CA vouched for; a closed outbound link reconnects with the new material). New
 * connections use the new certificate and CA. A new content that fails a check is logged once (WARN, naming the file) and
 * the material in force stays, so a half-finished rotation never takes a node off the cluster.
 *
 * <p>Comparing contents rather than modification times catches a file replaced within the same
 * second and ignores a {@code touch}. Files are read on a worker thread, never on an event loop.
 */
final class TlsReloader {

  private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

  private final String nodeId;
  private final PeerTls files;
  private final long handshakeTimeoutMs;
  private final TransportCounters counters;
  private final Consumer<PeerTlsMaterial> onReloaded;
  private volatile PeerTlsMaterial current;
  private volatile long timer = -1;
  private final AtomicBoolean busy = new AtomicBoolean();
  private byte[][] lastRefused; // worker thread only (one timer, executeBlocking ordered)

  /**
   * @param onReloaded called on an event loop with the material just put in force; must not block
   */
  TlsReloader(String nodeId, PeerTls files, PeerTlsMaterial initial, long handshakeTimeoutMs, TransportCounters counters,
      Consumer<PeerTlsMaterial> onReloaded) {
    this.onReloaded = onReloaded;
    this.nodeId = nodeId;
    this.files = files;
    this.current = initial;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.counters = counters;
  }

  /** Starts polling, unless the interval is zero. */
  void start(Vertx vertx, NetServer server, NetClient client) {
    long intervalMs = files.reloadInterval().toMillis();
    if (intervalMs <= 0) return;
    timer = vertx.setPeriodic(intervalMs, id -> {
      // One check at a time: a slow disk or a slow switch must not have the next tick apply the
      // same change again.
      if (!busy.compareAndSet(false, true)) return;
      vertx.executeBlocking(this::readChanged, true)
          .compose(changed -> changed == null ? Future.succeededFuture() : apply(changed, server, client))
          .onComplete(done -> busy.set(false));
    });
  }

  /** Stops polling. */
  void stop(Vertx vertx) {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  /** The new material when the files changed and pass the checks; null when nothing is to be done. */
  private PeerTlsMaterial readChanged() {
    byte[][] now;
    try {
      now = new byte[][] {
          Files.readAllBytes(files.cert()), Files.readAllBytes(files.key()), Files.readAllBytes(files.ca())};
    } catch (IOException e) {
      // A rotation script may be replacing a file right now: try again at the next tick.
      LOG.debug("node {}: cannot read the peer TLS files now: {}", nodeId, e.toString());
      return null;
    }
    if (current.sameFiles(now[0], now[1], now[2])) return null;
    if (lastRefused != null && Arrays.deepEquals(lastRefused, now)) return null;
    try {
      return PeerTlsMaterial.check(now[0], now[1], now[2], files, nodeId);
    } catch (IllegalArgumentException e) {
      lastRefused = now;
      LOG.warn("node {}: peer TLS files changed but are not usable; keeping the ones in force: {}",
          nodeId, e.getMessage());
      return null;
    }
  }

  private Future<?> apply(PeerTlsMaterial next, NetServer server, NetClient client) {
    return Future.all(server.updateSSLOptions(next.serverOptions(handshakeTimeoutMs)),
            client.updateSSLOptions(next.clientOptions(handshakeTimeoutMs)))
        .onSuccess(v -> {
          current = next;
          counters.tlsReloads.increment();
          LOG.info("node {}: reloaded peer TLS files; new connections use {}", nodeId, next.describe());
          try {
            onReloaded.accept(next);
          } catch (RuntimeException e) {
            LOG.warn("node {}: could not re-check the open connections against the new CA", nodeId, e);
          }
        })
        .onFailure(e -> LOG.warn("node {}: could not switch to the new peer TLS files: {}", nodeId, e.toString()));
  }
}
