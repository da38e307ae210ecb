package io.bellwether.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The nodes a client may talk to, and the one it uses now. Every node serves every route (a follower
 * forwards writes to the leader itself), so the client stays on one node until it fails, then moves
 * to the next. Thread-safe.
 */
final class Endpoints {

  private final List<URI> all;
  private final AtomicInteger current = new AtomicInteger();

  /**
   * @throws IllegalArgumentException naming the endpoint that is not an http(s) URL with a host, or
   *     when there is none
   */
  Endpoints(List<String> urls) {
    if (urls.isEmpty()) throw new IllegalArgumentException("endpoints: give at least one node URL, e.g. http://127.0.0.1:8080");
    List<URI> uris = new ArrayList<>();
    for (String url : urls) uris.add(parse(url));
    this.all = List.copyOf(uris);
  }

  private static URI parse(String url) {
    String trimmed = url == null ? "" : url.strip();
    while (trimmed.endsWith("/")) trimmed = trimmed.substring(0, trimmed.length() - 1);
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoints: '" + url + "' is not a URL: " + e.getMessage(), e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null) {
      throw new IllegalArgumentException("endpoints: '" + url + "' must be http(s)://host:port with nothing after it");
    }
    return uri;
  }

  List<URI> all() {
    return all;
  }

  /** Where {@link #current()} is in {@link #all()}: a watch starts there, then goes its own way. */
  int currentIndex() {
    return Math.floorMod(current.get(), all.size());
  }

  /** The node to send the next attempt to. */
  URI current() {
    return all.get(Math.floorMod(current.get(), all.size()));
  }

  /**
   * {@code failed} did not serve an attempt: move on to the next node, unless another thread already
   * moved away from it (so concurrent failures of one node advance once, not once per caller).
   */
  void failed(URI failed) {
    int now = current.get();
    if (all.get(Math.floorMod(now, all.size())).equals(failed)) current.compareAndSet(now, now + 1);
  }

  /** Uses {@code target} (one of {@link #all()}) from now on; nothing if it is not one. */
  void moveTo(URI target) {
    int i = all.indexOf(target);
    if (i >= 0) current.set(i);
  }

  boolean anyHttps() {
    return all.stream().anyMatch(u -> "https".equals(u.getScheme()));
  }
}
