package io.bellwether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bellwether-bench watch} and {@code load --workload keepalive} through their command line
 * against {@link FakeWatchCluster}: the report must match what the fake served and streamed.
 */
class CoordinationToolTest {

  private static Vertx vertx;
  private FakeWatchCluster cluster;
  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    if (cluster != null) cluster.close();
  }


  private BenchRun.Result run(String... args) throws Exception {
    return BenchRun.run(dir, args);
  }

  private BenchRun.Result watch(int watchers) throws Exception {
    return run("watch", "--endpoints", cluster.endpoints(), "--watchers", Integer.toString(watchers),
        "--connections", "2", "--duration", "600ms", "--warmup", "200ms", "--keys", "20", "--catch-up-timeout", "5s");
  }

  @Test
  void everyWatcherGetsEveryWriteAndTheFiguresAddUp() throws Exception {
    cluster = new FakeWatchCluster(vertx, 3);
    BenchRun.Result r = watch(5);

    assertThat(r.code()).isZero();
    JsonNode j = r.json();
    assertThat(cluster.streamCount()).isEqualTo(5);
    assertThat(j.get("ackedWrites").asLong()).isPositive().isEqualTo(cluster.puts.get());
    long window = j.get("ackedInWindow").asLong();
    assertThat(window).isPositive().isLessThan(cluster.puts.get()); // the warm-up's writes are not in it
    assertThat(j.get("eventsDelivered").asLong()).isEqualTo(5 * window);
    assertThat(j.get("deliveryRatio").asDouble()).isEqualTo(1.0);
    assertThat(j.get("completeWatchers").asInt()).isEqualTo(5);
    assertThat(j.get("missing").asLong() + j.get("duplicates").asLong() + j.get("outOfOrder").asLong()).isZero();
    assertThat(j.get("delay").get("count").asLong()).isEqualTo(5 * window);
    assertThat(j.get("catchUpMs").isNumber()).isTrue();
    // Spread round-robin: 2, 2 and 1 watchers on the three endpoints.
    List<String> endpoints = j.get("perWatcher").findValuesAsText("endpoint");
    assertThat(endpoints).hasSize(5);
    for (int n = 0; n < 3; n++) {
      String port = ":" + cluster.ports.get(n);
      assertThat(endpoints.stream().filter(e -> e.endsWith(port)).count()).isEqualTo(n < 2 ? 2 : 1);
    }
    assertThat(j.get("load").get("ops").asLong()).isPositive();
    assertThat(r.out()).contains("5 of 5 watchers").contains("catch-up");
  }

  @Test
  void aMissedAndARepeatedEventAreReportedAndFailTheRun() throws Exception {
    cluster = new FakeWatchCluster(vertx, 1);
    cluster.dropPut = 3;
    cluster.dropOnStream = 1;
    cluster.repeatPut = 5;
    cluster.repeatOnStream = 2;
    BenchRun.Result r = watch(3);

    assertThat(r.code()).isEqualTo(1);
    JsonNode j = r.json();
    assertThat(j.get("missing").asLong()).isEqualTo(1);
    assertThat(j.get("duplicates").asLong()).isEqualTo(1);
    assertThat(j.get("completeWatchers").asInt()).isEqualTo(1);
    assertThat(j.get("catchUpMs").isNull()).isTrue();
    assertThat(r.err()).contains("not every watcher");
  }

  @Test
  void aStreamTheNodeEndsIsReportedAsDropped() throws Exception {
    cluster = new FakeWatchCluster(vertx, 1);
    cluster.endAfterPut = 4;
    cluster.endOnStream = 2;
    BenchRun.Result r = watch(2);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.json().get("dropped").get("SLOW_CONSUMER").asLong()).isEqualTo(1);
    assertThat(r.json().get("caughtUp").asBoolean()).as("the dropped watcher is not waited for").isTrue();
    assertThat(r.json().get("missing").asLong()).isPositive();
  }

  @Test
  void keepaliveGrantsTheLeasesThenKeepsOnlyThoseAlive() throws Exception {
    cluster = new FakeWatchCluster(vertx, 3);
    BenchRun.Result r = run("load", "--endpoints", cluster.endpoints(), "--workload", "keepalive", "--keys", "7",
        "--connections", "3", "--duration", "500ms", "--warmup", "0");

    assertThat(r.code()).isZero();
    assertThat(cluster.grants.get()).isEqualTo(7);
    JsonNode j = r.json();
    assertThat(j.get("errorCount").asLong()).as("every keepalive named a granted lease").isZero();
    assertThat(j.get("ops").asLong()).isPositive().isEqualTo(cluster.keepalives.get());
    assertThat(j.get("keepalive").get("count").asLong()).isEqualTo(j.get("ops").asLong());
    assertThat(cluster.keptAlive).isSubsetOf(cluster.leases).hasSize(7);
    assertThat(r.out()).contains("keepalives of 7 leases");
  }

  @Test
  void keepaliveAndWatchAreRefusedForEtcd() throws Exception {
    assertThat(run("load", "--target", "etcd", "--endpoints", "http://127.0.0.1:1", "--workload", "keepalive").code())
        .isEqualTo(2);
    BenchRun.Result w = run("watch", "--target", "etcd", "--endpoints", "http://127.0.0.1:1");
    assertThat(w.code()).isEqualTo(2);
    assertThat(w.err()).contains("Bellwether only");
  }
}
