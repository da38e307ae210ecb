package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.List;

/** What differs between the targets: the requests, how answers are read, and how to find the leader. */
interface Protocol {

  /** The request that writes key {@code index}. */
  Req write(int index);

  /** The request that reads key {@code index} at the configured consistency. */
  Req read(int index);

  /**
   * The request that keeps lease number {@code index} alive (of those given to {@link #useLeases}).
   *
   * @throws UnsupportedOperationException for a target without leases over this API
   */
  default Req keepalive(int index) {
    throw new UnsupportedOperationException("keepalive is for Bellwether only");
  }

  /**
   * The leases {@link #keepalive} refers to, by number; call before the workers start (they read
   * it without a lock: starting them on their contexts publishes it).
   */
  default void useLeases(long[] ids) {
    throw new UnsupportedOperationException("leases are for Bellwether only");
  }

  /** Reads an HTTP answer (any status) into an {@link Outcome}. */
  Outcome classify(int status, MultiMap headers, Buffer body, boolean read);

  /** Asks every endpoint who leads; fails when none is known. */
  Future<Endpoint> findLeader(HttpClient client, List<Endpoint> endpoints, Duration timeout);

  /** The process id of the member at {@code endpoint}, if the API tells it; fails otherwise. */
  Future<Long> pid(HttpClient client, Endpoint endpoint, Duration timeout);

  /** {@code authorization}: the {@code Authorization} header of every request (Bellwether only), or null. */
  static Protocol of(Target target, KeySpace keys, Consistency consistency, String authorization) {
    return switch (target) {
      case BELLWETHER -> new BellwetherProtocol(keys, consistency, authorization);
      case ETCD -> new EtcdProtocol(keys, consistency);
    };
  }
}
