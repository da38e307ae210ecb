package io.bellwether.node.http;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.kv.KvEntry;
import io.bellwether.core.kv.KvRead;
import io.bellwether.core.kv.KvResult;
import io.bellwether.core.kv.KvScan;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.core.kv.WriteOptions;
import io.bellwether.core.runtime.ReadConsistency;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code /v1/kv}: get, put, delete and scan. Futures of the node complete on its own thread, so each
 * answer hops back onto the request's Vert.x context before it is written.
 */
final class KvRoutes {

  private final Forwarder forwarder;
  private final MeterRegistry registry;
  private final WriteWindow writes;

  KvRoutes(Forwarder forwarder, MeterRegistry registry, WriteWindow writes) {
    this.forwarder = forwarder;
    this.registry = registry;
    this.writes = writes;
  }

  void put(RoutingContext ctx, NodeServices node) {
    String key = Requests.key(ctx.request().path());
    WriteOptions options = Requests.writeOptions(ctx.request().headers())
        .withLease(Requests.lease(ctx.request().params()));
    Buffer body = ctx.body().buffer();
    byte[] value = body == null ? new byte[0] : body.getBytes();
    write(ctx, node, "put", () -> node.kv().put(key, value, options));
  }

  void delete(RoutingContext ctx, NodeServices node) {
    String key = Requests.key(ctx.request().path());
    WriteOptions options = Requests.writeOptions(ctx.request().headers());
    write(ctx, node, "delete", () -> node.kv().delete(key, options));
  }

  void get(RoutingContext ctx, NodeServices node) {
    String key = Requests.key(ctx.request().path());
    ReadConsistency consistency = Requests.consistency(ctx.request().params());
    long minIndex = Requests.minIndex(ctx.request().params());
    Replies.onContext(ctx, node.kv().get(key, consistency, minIndex), ApiError::of, (read, failure) -> {
      if (failure != null) {
        Replies.error(ctx, failure);
        return;
      }
      readHeaders(ctx, read);
      if (!read.found()) {
        Replies.json(ctx, 404, new JsonObject().put("error", "NOT_FOUND").put("message", "no key '" + key + "'"));
        return;
      }
      if (read.lease() != 0) ctx.response().putHeader(Headers.LEASE, Long.toString(read.lease()));
      ctx.response()
          .putHeader(Headers.ETAG, "\"" + read.version() + "\"")
          .putHeader("Content-Type", "application/octet-stream")
          .end(Buffer.buffer(read.value()));
    });
  }

  void scan(RoutingContext ctx, NodeServices node) {
    String prefix = Requests.prefix(ctx.request().params());
    String after = Requests.after(ctx.request().params());
    int limit = Requests.scanLimit(ctx.request().params());
    ReadConsistency consistency = Requests.consistency(ctx.request().params());
    Replies.onContext(ctx, node.kv().scan(prefix, after, limit, consistency), ApiError::of, (scan, failure) -> {
      if (failure != null) {
        Replies.error(ctx, failure);
        return;
      }
      ctx.response()
          .putHeader(Headers.NODE, scan.servedBy())
          .putHeader(Headers.APPLIED_INDEX, Long.toString(scan.appliedIndex()));
      Replies.json(ctx, 200, scanJson(scan));
    });
  }

  private static JsonObject scanJson(KvScan scan) {
    JsonArray entries = new JsonArray();
    Base64.Encoder base64 = Base64.getEncoder();
    for (KvEntry e : scan.entries()) {
      JsonObject entry = new JsonObject()
          .put("key", e.key())
          .put("version", e.version())
          .put("value", base64.encodeToString(e.value()));
      if (e.lease() != 0) entry.put("lease", e.lease());
      entries.add(entry);
    }
    return new JsonObject()
        .put("entries", entries)
        .put("more", scan.more())
        .put("appliedIndex", scan.appliedIndex())
        .put("node", scan.servedBy());
  }

  /**
   * Hands a write to the node and answers with its outcome. {@code call} throws (bad input, 400)
   * before anything is proposed; from then on every failure goes through {@link ApiError#ofWrite},
   * also one thrown while answering, since by then the write may have happened.
   */
  private void write(RoutingContext ctx, NodeServices node, String op, Supplier<CompletableFuture<KvWrite>> call) {
    Timer.Sample sample = Timer.start(registry);
    Replies.onContext(ctx, call.get(), ApiError::ofWrite, (write, failure) -> {
      String outcome = failure == null ? (write.ok() ? "ok" : "mismatch") : ApiError.ofWrite(failure).code().toLowerCase();
      // A histogram, not only count/sum/max: an operator (and the benchmarks) can then tell a tail
      // made inside the node from one made on the way to it.
      // One clock reading for both: the metric's and the event stream's interval window.
      writes.record(sample.stop(Timer.builder("bellwether.kv.write").tags("op", op, "outcome", outcome)
          .description("from the HTTP request to its answer being ready, inside the node")
          .publishPercentileHistogram().register(registry)));
      if (failure == null) {
        answerWrite(ctx, node, write);
        return;
      }
      Throwable cause = ApiError.unwrap(failure);
      if (cause instanceof RequestFailedException rfe
          && rfe.reason() == RequestFailedException.Reason.NOT_LEADER
          && rfe.leaderHint() != null
          && node.forwardWrites()
          && !Forwarder.wasForwarded(ctx)) {
        forwarder.forward(ctx, node, rfe.leaderHint());
        return;
      }
      if (cause instanceof RequestFailedException rfe && rfe.leaderHint() != null) {
        ctx.response().putHeader(Headers.LEADER, rfe.leaderHint());
      }
      Replies.error(ctx, ApiError.ofWrite(failure));
    });
  }

  private static void answerWrite(RoutingContext ctx, NodeServices node, KvWrite write) {
    ctx.response()
        .putHeader(Headers.NODE, node.nodeId())
        .putHeader(Headers.APPLIED_INDEX, Long.toString(write.index()));
    if (write.status() == KvResult.Status.LEASE_NOT_FOUND) {
      Replies.error(ctx, new ApiError(404, "LEASE_NOT_FOUND", "no lease " + Requests.lease(ctx.request().params())
          + " (it expired, was revoked, or never existed); nothing changed"));
      return;
    }
    if (!write.ok()) {
      Replies.json(ctx, 412, new JsonObject()
          .put("error", "VERSION_MISMATCH")
          .put("message", "key '" + write.key() + "' is at version " + write.version()
              + (write.version() == 0 ? " (absent)" : "") + "; the condition did not hold and nothing changed")
          .put("key", write.key())
          .put("currentVersion", write.version())
          .put("index", write.index()));
      return;
    }
    // For an idempotent retry, write.index() is the original write's index, so the answer is identical.
    JsonObject body = new JsonObject().put("key", write.key()).put("version", write.version())
        .put("index", write.index());
    if (ctx.request().method().name().equals("DELETE")) {
      body.put("deleted", write.deleted());
    } else {
      ctx.response().putHeader(Headers.ETAG, "\"" + write.version() + "\"");
    }
    Replies.json(ctx, 200, body);
  }

  private static void readHeaders(RoutingContext ctx, KvRead read) {
    ctx.response()
        .putHeader(Headers.NODE, read.servedBy())
        .putHeader(Headers.APPLIED_INDEX, Long.toString(read.appliedIndex()));
  }
}
