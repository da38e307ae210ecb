package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A client of a Bellwether cluster's HTTP API. Build one with {@link #builder()}, share it between
 * threads (it is thread-safe), and {@link #close()} it when done.
 *
 * <p>Every method blocks until it has an answer or gives up under the {@link RetryPolicy}. Each write
 * carries one {@code Idempotency-Key} over all its attempts, so it applies at most once however often
 * it is retried. Failures are unchecked {@link BellwetherClientException}s:
 *
 * <ul>
 *   <li>{@link NotAppliedException} (and its {@link AuthenticationException}, {@link
 *       ConditionFailedException}): certainly no effect;
 *   <li>{@link OutcomeUnknownException}: a write that may or may not have happened.
 * </ul>
 *
 * <p>Keys are 1 to 1024 bytes of UTF-8; values are bytes.
 */
public final class BellwetherClient implements AutoCloseable {

  private static final Set<String> NONE = Set.of();
  private static final Set<String> MISMATCH = Set.of("VERSION_MISMATCH");

  private final Transport transport;
  private final ExecutorService executor;
  private final Duration watchIdleTimeout;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService scheduler;
  private volatile boolean closed;

  BellwetherClient(Transport transport, ExecutorService executor, Duration watchIdleTimeout) {
    this.transport = transport;
    this.executor = executor;
    this.watchIdleTimeout = watchIdleTimeout;
  }

  /** A builder; {@link BellwetherClientBuilder#endpoints} is the one required setting. */
  public static BellwetherClientBuilder builder() {
    return new BellwetherClientBuilder();
  }

  /** Sets {@code key} to {@code value}, unconditionally. See {@link #put(String, byte[], PutOptions)}. */
  public WriteResult put(String key, byte[] value) {
    return put(key, value, PutOptions.none());
  }

  /**
   * Sets {@code key} to {@code value} under {@code options}.
   *
   * @throws ConditionFailedException the {@code ifVersion} / {@code ifAbsent} condition did not hold
   * @throws NotAppliedException the put certainly did not happen
   * @throws OutcomeUnknownException it may have happened
   */
  public WriteResult put(String key, byte[] value, PutOptions options) {
    ApiResponse r = transport.execute(putRequest(key, value, options));
    if (!r.ok()) throw mismatch(r);
    return readWrite(r, () -> {
      JsonNode b = r.json();
      return new WriteResult(Json.requiredText(b, "key"), Json.requiredLong(b, "version"), Json.requiredLong(b, "index"),
          r.node(), r.appliedIndex());
    });
  }

  /**
   * Sets {@code key} to {@code value} if it is at {@code expectedVersion} (0: if it is absent). A
   * mismatch is a result ({@link CasResult#matched()} false, with the current version), not an exception.
   *
   * @throws NotAppliedException the write certainly did not happen (for another reason than a mismatch)
   * @throws OutcomeUnknownException it may have happened
   */
  public CasResult compareAndSet(String key, long expectedVersion, byte[] value) {
    PutOptions options = expectedVersion == 0 ? PutOptions.none().withIfAbsent() : PutOptions.none().withIfVersion(expectedVersion);
    ApiResponse r = transport.execute(putRequest(key, value, options));
    return readWrite(r, () -> {
      JsonNode b = r.json();
      if (!r.ok()) {
        long current = Json.requiredLong(b, "currentVersion");
        return new CasResult(key, false, 0, current, 0, r.node(), r.appliedIndex());
      }
      long version = Json.requiredLong(b, "version");
      return new CasResult(Json.requiredText(b, "key"), true, version, version, Json.requiredLong(b, "index"), r.node(),
          r.appliedIndex());
    });
  }

  /** Deletes {@code key} unconditionally. See {@link #delete(String, DeleteOptions)}. */
  public DeleteResult delete(String key) {
    return delete(key, DeleteOptions.none());
  }

  /** Deletes {@code key} if it is at {@code ifVersion}. See {@link #delete(String, DeleteOptions)}. */
  public DeleteResult delete(String key, long ifVersion) {
    return delete(key, DeleteOptions.none().withIfVersion(ifVersion));
  }

  /**
   * Deletes {@code key}. Deleting an absent key succeeds with {@link DeleteResult#deleted()} false.
   *
   * @throws ConditionFailedException the {@code ifVersion} condition did not hold
   * @throws NotAppliedException the delete certainly did not happen
   * @throws OutcomeUnknownException it may have happened
   */
  public DeleteResult delete(String key, DeleteOptions options) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (options.ifVersion() != null) headers.put("If-Match", "\"" + options.ifVersion() + "\"");
    ApiResponse r = transport.execute(new ApiRequest("DELETE", keyPath(key), null, headers, true,
        options.idempotencyKey(), MISMATCH));
    if (!r.ok()) throw mismatch(r);
    return readWrite(r, () -> {
      JsonNode b = r.json();
      return new DeleteResult(Json.requiredText(b, "key"), Json.requiredBoolean(b, "deleted"),
          b.path("version").asLong(0), Json.requiredLong(b, "index"), r.node(), r.appliedIndex());
    });
  }

  /** {@link #get(String, Consistency, long)} without a minimum index. */
  public Optional<KeyValue> get(String key, Consistency consistency) {
    return get(key, consistency, 0);
  }

  /**
   * Reads {@code key}.
   *
   * @param minIndex for {@link Consistency#STALE}: the serving node first waits until it applied this
   *     log index (e.g. a {@link WriteResult#index()} this client saw); 0 for none
   * @return the key, or empty when it does not exist (404 {@code NOT_FOUND})
   * @throws NotAppliedException the read failed after its retries
   */
  public Optional<KeyValue> get(String key, Consistency consistency, long minIndex) {
    String q = "?consistency=" + consistency.wireName() + (minIndex > 0 ? "&minIndex=" + minIndex : "");
    ApiResponse r = transport.execute(ApiRequest.read(keyPath(key) + q, Set.of("NOT_FOUND")));
    if (!r.ok()) return Optional.empty();
    long version = r.longHeader("ETag", -1);
    if (version < 0) throw unreadable(r, new IllegalStateException("the answer has no ETag version"));
    return Optional.of(new KeyValue(key, r.body(), version, r.longHeader(ApiResponse.LEASE, 0), r.node(), r.appliedIndex()));
  }

  /**
   * One page of the keys starting with {@code prefix}, in key order: at most {@code limit} (1 to
   * 10000) of them; {@link ScanPage#more()} says whether more follow.
   *
   * @throws NotAppliedException the scan failed after its retries
   */
  public ScanPage scan(String prefix, int limit, Consistency consistency) {
    return scanPage(prefix, null, limit, consistency);
  }

  /**
   * Every key starting with {@code prefix}, read page by page ({@code pageSize} keys per request), each
   * page continuing after the previous page's last key. Lazy: a page is fetched when iteration reaches
   * it, so a failure surfaces from the iterator's {@code hasNext()}. The pages are separate reads: the
   * whole is not one snapshot.
   */
  public Iterable<KeyValue> scanAll(String prefix, int pageSize, Consistency consistency) {
    return () -> new ScanIterator(this, prefix, pageSize, consistency);
  }

  ScanPage scanPage(String prefix, String after, int limit, Consistency consistency) {
    if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    String q = "/v1/kv?prefix=" + encode(prefix) + "&limit=" + limit + "&consistency=" + consistency.wireName()
        + (after == null ? "" : "&after=" + encode(after));
    ApiResponse r = transport.execute(ApiRequest.read(q, NONE));
    try {
      JsonNode b = r.json();
      long applied = Json.requiredLong(b, "appliedIndex");
      String node = b.path("node").isTextual() ? b.get("node").asText() : r.node();
      List<KeyValue> entries = new ArrayList<>();
      JsonNode list = b.get("entries");
      if (list == null || !list.isArray()) throw new IllegalStateException("the answer has no 'entries' list");
      for (JsonNode e : list) {
        entries.add(new KeyValue(Json.requiredText(e, "key"), Base64.getDecoder().decode(Json.requiredText(e, "value")),
            Json.requiredLong(e, "version"), e.path("lease").asLong(0), node, applied));
      }
      return new ScanPage(entries, Json.requiredBoolean(b, "more"), applied, node);
    } catch (RuntimeException e) {
      throw unreadable(r, e);
    }
  }

  /**
   * Watches keys: calls {@code listener} with every change of {@code request}'s key or prefix, from its
   * start position, on a thread of the returned {@link Watch} (see there for reconnects and what the
   * listener is promised). Returns at once; the watch runs until closed, or until it meets {@code
   * COMPACTED} or a failure that does not go away. Closing the client closes its watches.
   *
   * @throws IllegalStateException the client is closed, or {@link BellwetherClientBuilder#shortLived()
   *     short-lived}
   */
  public Watch watch(WatchRequest request, WatchListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    if (closed) throw new IllegalStateException("this BellwetherClient is closed");
    if (!transport.canStream()) throw new IllegalStateException(Transport.SHORT_LIVED_CANNOT_WATCH);
    Watch w = new Watch(transport, scheduler(), watchIdleTimeout, request, listener);
    watches.add(w);
    watches.removeIf(x -> !x.isRunning());
    return w;
  }

  /**
   * Stops this client: later calls throw {@link IllegalStateException}, its watches end, and its
   * leases' keepalives stop (without revoking them: they expire after their TTL). Calls in progress
   * may still finish. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (Watch w : watches) w.close();
    synchronized (this) {
      if (scheduler != null) scheduler.shutdownNow();
    }
    executor.shutdownNow();
  }

  /** Grants, keeps alive, revokes and looks up leases. */
  public Leases leases() {
    if (closed) throw new IllegalStateException("this BellwetherClient is closed");
    return new Leases(transport, this::scheduler, executor);
  }

  Transport transport() {
    return transport;
  }

  /** The client's timer thread (keepalives, watch watchdogs), started on first use. */
  synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      if (closed) throw new IllegalStateException("this BellwetherClient is closed");
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "bellwether-client-timer");
        t.setDaemon(true);
        return t;
      });
      s.setRemoveOnCancelPolicy(true);
      scheduler = s;
    }
    return scheduler;
  }

  private ApiRequest putRequest(String key, byte[] value, PutOptions options) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (options.ifVersion() != null) headers.put("If-Match", "\"" + options.ifVersion() + "\"");
    if (options.ifAbsent()) headers.put("If-None-Match", "*");
    String path = keyPath(key) + (options.lease() == 0 ? "" : "?lease=" + options.lease());
    return new ApiRequest("PUT", path, value.clone(), headers, true, options.idempotencyKey(), MISMATCH);
  }

  private String keyPath(String key) {
    if (closed) throw new IllegalStateException("this BellwetherClient is closed");
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("key must not be empty");
    return "/v1/kv/" + encode(key).replace("%2F", "/");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static ConditionFailedException mismatch(ApiResponse r) {
    JsonNode b = r.json();
    String message = b.path("message").asText("");
    return new ConditionFailedException("condition failed at " + r.endpoint() + ": " + message, message, r.endpoint(),
        b.path("currentVersion").asLong(0));
  }

  /** Reads a write's answer; one that cannot be read does not say whether the write happened. */
  private static <T> T readWrite(ApiResponse r, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      throw new OutcomeUnknownException("HTTP " + r.status() + " from " + r.endpoint() + " with an answer this client"
          + " cannot read (" + e.getMessage() + "): " + r.text() + "; the write may or may not have happened",
          r.status(), null, r.text(), r.endpoint(), r.idempotencyKey(), e);
    }
  }

  private static NotAppliedException unreadable(ApiResponse r, RuntimeException e) {
    return new NotAppliedException("HTTP " + r.status() + " from " + r.endpoint() + " with an answer this client cannot"
        + " read (" + e.getMessage() + "): " + r.text(), r.status(), null, r.text(), r.endpoint(), e);
  }
}
