package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One watcher: a {@code GET /v1/watch?prefix=P} Server-Sent Events stream, whose events are reported
 * to a {@link DeliveryLedger} with their arrival time (taken once per received chunk). Its handlers
 * run on the connection's event loop; {@link #closedWith()} and {@link #ended()} may be read from any
 * thread.
 */
final class WatchConn {

  private final int number;
  private final Endpoint endpoint;
  private final Promise<Long> started = Promise.promise();
  private final SseParser parser;
  private volatile DeliveryLedger ledger;
  private volatile String closedWith;
  private volatile boolean closing;
  private volatile HttpClientRequest request;
  private long chunkNanos;

  WatchConn(int number, Endpoint endpoint) {
    this.number = number;
    this.endpoint = endpoint;
    this.parser = new SseParser(this::onEvent);
  }

  /**
   * Opens the stream; the future completes with the position of its first heartbeat (every change
   * after that log index will be streamed), or fails when the node refuses or does not answer.
   */
  Future<Long> open(HttpClient client, String prefix, String authorization, Duration connectTimeout) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(endpoint.host())
        .setPort(endpoint.port())
        .setURI("/v1/watch?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8))
        .setConnectTimeout(connectTimeout.toMillis())
        .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
    if (authorization != null) options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    client.request(options).compose(req -> {
      request = req;
      return req.send();
    }).onComplete(ar -> {
      if (ar.failed()) {
        fail("watch request failed: " + HttpOps.kind(ar.cause()));
        return;
      }
      var resp = ar.result();
      if (resp.statusCode() != 200) {
        resp.body().onComplete(b -> fail("watch answered " + resp.statusCode()
            + (b.succeeded() ? ": " + b.result() : "")));
        return;
      }
      resp.handler(this::onChunk);
      resp.exceptionHandler(e -> fail("stream failed: " + HttpOps.kind(e)));
      resp.endHandler(v -> fail("stream ended by the node"));
    });
    return started.future();
  }

  /** Where events go from now on (before: only the start heartbeat is looked at). */
  void reportTo(DeliveryLedger ledger) {
    this.ledger = ledger;
  }

  /** Closes the stream (the tool is done with it); a close by the node after this is not an error. */
  void close() {
    closing = true;
    HttpClientRequest r = request;
    if (r != null) r.reset();
  }

  /** Why the stream ended before {@link #close()}: the node's error event or what broke; null if it did not. */
  String closedWith() {
    return closedWith;
  }

  boolean ended() {
    return closedWith != null;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  private void onChunk(Buffer chunk) {
    chunkNanos = System.nanoTime();
    parser.feed(chunk.getBytes());
  }

  private void onEvent(String event, String id, String data) {
    if ("error".equals(event)) {
      long resume = SseParser.positionIndex(id);
      fail(errorCode(data) + (resume >= 0 ? " at " + id : ""));
      return;
    }
    if (data == null) {
      // A heartbeat: the stream's position. The first one says the watch is in place.
      if (!started.future().isComplete()) {
        long position = SseParser.positionIndex(id);
        if (position >= 0) started.tryComplete(position);
      }
      return;
    }
    DeliveryLedger l = ledger;
    long index = SseParser.longField(data, "index");
    if (l != null && index > 0) l.arrived(number, index, chunkNanos);
  }

  /** The {@code "error"} code of a Bellwether error event's data, or the data itself. */
  static String errorCode(String data) {
    if (data == null) return "error event";
    int at = data.indexOf("\"error\":\"");
    if (at < 0) return data;
    int from = at + 9;
    int to = data.indexOf('"', from);
    return to < 0 ? data : data.substring(from, to);
  }

  private void fail(String why) {
    if (closing) return;
    if (closedWith == null) closedWith = why;
    started.tryFail(endpoint + ": " + why);
  }
}
