package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every key once before the run, so reads find values: {@code connections} chains, chain
 * {@code c} writing keys {@code c, c+n, ...} one at a time. A failed write is retried (the leader
 * may be moving); after {@value #MAX_ATTEMPTS} failures of one key the preload fails.
 */
final class Preloader {

  static final int MAX_ATTEMPTS = 50;
  private final Harness h;
  private final Placement writeTo;

  Preloader(Harness h, Placement writeTo) {
    this.h = h;
    this.writeTo = writeTo;
  }

  Future<Void> run(int keys, int connections) {
    List<Future<Void>> chains = new ArrayList<>();
    for (int c = 0; c < Math.min(connections, keys); c++) {
      HttpOps ops = new HttpOps(h.connectionClient(1), h.protocol, h.timeout);
      Promise<Void> p = Promise.promise();
      int chain = c;
      h.vertx.getOrCreateContext().runOnContext(v -> write(ops, chain, chain, connections, keys, 1, p));
      chains.add(p.future());
    }
    return Future.all(chains).mapEmpty();
  }

  private void write(HttpOps ops, int chain, int key, int step, int keys, int attempt, Promise<Void> done) {
    if (key >= keys) {
      done.complete();
      return;
    }
    Endpoint endpoint = h.router.pick(writeTo, chain);
    ops.send(endpoint, h.protocol.write(key), false).onComplete(ar -> {
      Outcome o = ar.result();
      if (o.success()) {
        write(ops, chain, key + step, step, keys, 1, done);
        return;
      }
      if (o.leaderChanged()) h.tracker.invalidate();
      if (attempt >= MAX_ATTEMPTS) {
        done.fail("preload: key #" + key + " failed " + attempt + " times, last: " + o.errorKind());
        return;
      }
      h.vertx.setTimer(50, id -> write(ops, chain, key, step, keys, attempt + 1, done));
    });
  }
}
