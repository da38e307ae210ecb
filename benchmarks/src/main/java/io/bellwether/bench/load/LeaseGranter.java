package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Grants the leases a {@link Workload#KEEPALIVE} run keeps alive, before it starts: {@code connections}
 * chains, chain {@code c} granting leases {@code c, c+n, ...} one at a time, each with a TTL of
 * {@value #TTL_SECONDS} s (longer than any run, so no lease ends under the load). A failed grant is
 * retried (the leader may be moving; a grant whose answer was lost may leave an extra lease behind,
 * which ends by itself); after {@value Preloader#MAX_ATTEMPTS} failures of one lease the run fails.
 */
final class LeaseGranter {

  static final int TTL_SECONDS = 600;
  private final Harness h;
  private final Placement writeTo;
  private final BellwetherProtocol protocol;

  LeaseGranter(Harness h, Placement writeTo) {
    if (!(h.protocol instanceof BellwetherProtocol p)) {
      throw new IllegalArgumentException("--workload keepalive is for Bellwether only");
    }
    this.h = h;
    this.writeTo = writeTo;
    this.protocol = p;
  }

  /** Completes with the granted lease ids, lease number {@code i} at {@code [i]}. */
  Future<long[]> run(int count, int connections) {
    long[] ids = new long[count];
    List<Future<Void>> chains = new ArrayList<>();
    for (int c = 0; c < Math.min(connections, count); c++) {
      HttpClient client = h.connectionClient(1);
      Promise<Void> p = Promise.promise();
      int chain = c;
      h.vertx.getOrCreateContext().runOnContext(v -> grant(client, chain, chain, connections, ids, 1, p));
      chains.add(p.future());
    }
    return Future.all(chains).map(ids);
  }

  private void grant(HttpClient client, int chain, int n, int step, long[] ids, int attempt, Promise<Void> done) {
    if (n >= ids.length) {
      done.complete();
      return;
    }
    Endpoint endpoint = h.router.pick(writeTo, chain);
    Requests.fetch(client, endpoint, protocol.grantLease(TTL_SECONDS), h.timeout).onComplete(ar -> {
      JsonNode json = ar.succeeded() ? Json.parseOrNull(ar.result()) : null;
      if (json != null && json.path("id").asLong(0) > 0) {
        ids[n] = json.get("id").asLong();
        grant(client, chain, n + step, step, ids, 1, done);
        return;
      }
      h.tracker.invalidate();
      if (attempt >= Preloader.MAX_ATTEMPTS) {
        done.fail("lease grant #" + n + " failed " + attempt + " times, last: "
            + (ar.failed() ? ar.cause().getMessage() : "an answer without an id: " + ar.result()));
        return;
      }
      h.vertx.setTimer(50, id -> grant(client, chain, n, step, ids, attempt + 1, done));
    });
  }
}
