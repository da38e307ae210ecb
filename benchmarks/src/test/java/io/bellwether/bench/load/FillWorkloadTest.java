package io.bellwether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bellwether-bench load --workload fill} against a {@link FakeCluster}: every key of the range
 * is written exactly once (failed writes retried on the same key), in parts that add up to the same
 * keys, and the run ends by itself once the keys are written.
 */
class FillWorkloadTest {

  private static Vertx vertx;
  private final List<FakeCluster> clusters = new ArrayList<>();
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
  void closeClusters() {
    clusters.forEach(FakeCluster::close);
  }

  private FakeCluster cluster() throws Exception {
    FakeCluster c = new FakeCluster(vertx, false, 3);
    clusters.add(c);
    return c;
  }

  private static Set<String> keys(String prefix, int width, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + String.format("%0" + width + "d", i))
        .collect(Collectors.toSet());
  }

  @Test
  void everyKeyIsWrittenExactlyOnceDespiteFailedWrites() throws Exception {
    FakeCluster c = cluster();
    c.node(1).failEvery = 3; // a third of the leader's answers are 503 NO_LEADER: those keys must be retried
    Path timeline = dir.resolve("fill.csv");
    BenchRun.Result r = BenchRun.run(dir, "load", "--endpoints", c.endpoints(), "--workload", "fill", "--keys", "2000",
        "--connections", "8", "--duration", "60s", "--error-backoff", "0", "--key-prefix", "fill/",
        "--timeline", timeline.toString());

    assertThat(r.code()).isZero();
    assertThat(c.data.keySet()).isEqualTo(keys("fill/", 4, 0, 2000));
    assertThat(c.stored.values()).extracting(AtomicInteger::get).containsOnly(1);
    int failed = c.node(1).putsFailed.get();
    assertThat(failed).isPositive();
    assertThat(c.totalPuts()).isEqualTo(2000 + failed);
    JsonNode j = r.json();
    assertThat(j.get("workload").asText()).isEqualTo("fill");
    assertThat(j.get("ops").asLong()).isEqualTo(2000);
    assertThat(j.get("keysToWrite").asLong()).isEqualTo(2000);
    assertThat(j.get("keysWritten").asLong()).isEqualTo(2000);
    assertThat(j.get("errorCount").asLong()).isEqualTo(failed);
    assertThat(j.get("warmupSeconds").asDouble()).isZero(); // the 5 s default warm-up does not apply to a fill
    // Ended by itself, long before the 60 s limit; the rate is over the time the fill took.
    double elapsed = j.get("elapsedSeconds").asDouble();
    assertThat(elapsed).isLessThan(30);
    assertThat(j.get("throughput").asDouble()).isGreaterThan(2000 / 60.0);
    long timelineOk = Files.readAllLines(timeline).stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
    assertThat(timelineOk).isEqualTo(2000);
  }

  @Test
  void aFillInPartsWritesTheSameKeysAsOne() throws Exception {
    FakeCluster c = cluster();
    BenchRun.Result first = BenchRun.run(dir, "load", "--endpoints", c.endpoints(), "--workload", "fill", "--keys", "1000",
        "--fill-to", "400", "--connections", "4");
    assertThat(first.code()).isZero();
    assertThat(first.json().get("keysWritten").asLong()).isEqualTo(400);
    assertThat(c.data.keySet()).isEqualTo(keys("bench/", 3, 0, 400));

    BenchRun.Result rest = BenchRun.run(dir, "load", "--endpoints", c.endpoints(), "--workload", "fill", "--keys", "1000",
        "--fill-from", "400", "--connections", "4");
    assertThat(rest.code()).isZero();
    assertThat(rest.json().get("fillFrom").asInt()).isEqualTo(400);
    assertThat(rest.json().get("keysWritten").asLong()).isEqualTo(600);
    // Padded to the width of --keys in both parts: bench/000..bench/999, each written once.
    assertThat(c.data.keySet()).isEqualTo(keys("bench/", 3, 0, 1000));
    assertThat(c.stored.values()).extracting(AtomicInteger::get).containsOnly(1);
  }

  @Test
  void theDurationLimitsAFillThatCannotFinish() throws Exception {
    FakeCluster c = cluster();
    c.commitDelayMs = 20; // one connection: about 50 writes/s, far from 100,000 keys in 300 ms
    BenchRun.Result r = BenchRun.run(dir, "load", "--endpoints", c.endpoints(), "--workload", "fill",
        "--keys", "100000", "--connections", "1", "--duration", "300ms");

    assertThat(r.code()).isZero();
    long written = r.json().get("keysWritten").asLong();
    assertThat(written).isPositive().isLessThan(100_000).isEqualTo(c.totalPuts());
    assertThat(c.data.keySet()).isEqualTo(keys("bench/", 5, 0, (int) written));
  }

  @Test
  void fillOptionsThatDoNotFitAreUsageErrors() throws Exception {
    String e = "http://127.0.0.1:1";
    assertThat(BenchRun.run(dir, "load", "--endpoints", e, "--workload", "fill", "--keys", "10", "--fill-from", "10")
        .err()).contains("--fill-from and --fill-to must satisfy");
    assertThat(BenchRun.run(dir, "load", "--endpoints", e, "--workload", "fill", "--keys", "10", "--fill-to", "11")
        .code()).isEqualTo(2);
    assertThat(BenchRun.run(dir, "load", "--endpoints", e, "--workload", "write", "--fill-from", "3").err())
        .contains("for --workload fill only");
    assertThat(BenchRun.run(dir, "load", "--endpoints", e, "--workload", "fill", "--preload").code()).isEqualTo(2);
  }

  @Test
  void tenMillionKeysAreMadeOnDemandNotHeld() {
    // Held as strings, ten million keys and their paths would take far more than the tests' 256 MB heap.
    KeySpace keys = new KeySpace("big/", 10_000_000, 200, 1);
    BellwetherProtocol protocol = new BellwetherProtocol(keys, Consistency.LINEARIZABLE);
    EtcdProtocol etcd = new EtcdProtocol(keys, Consistency.LINEARIZABLE);

    assertThat(keys.key(42)).isEqualTo("big/0000042");
    assertThat(protocol.write(9_999_999).uri()).isEqualTo("/v1/kv/big/9999999");
    assertThat(protocol.read(7).uri()).isEqualTo("/v1/kv/big/0000007?consistency=linearizable");
    assertThat(new String(etcd.write(0).body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"key\":\"YmlnLzAwMDAwMDA=\"");
  }
}
