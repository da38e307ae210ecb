package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvLeases;
import io.bellwether.core.kv.LeaseKeeper;
import io.bellwether.core.watch.ChangeHistory;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.node.cli.ClientCommands;
import io.bellwether.node.cli.Main;
import io.bellwether.node.http.HttpApi;
import io.bellwether.node.http.NodeServices;
import io.bellwether.node.membership.ClusterIdentity;
import io.bellwether.node.metrics.LeaderTransferMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: a write that fails in a way nobody classified, after it was handed to the node, is answered
 * 504 (it may have happened), never 500, which clients (the CLI among them) read as "failed". Method:
 * the HTTP API over a one-node cluster whose state machine applies every write but hands back a
 * result the KV facade cannot read, as a bug would: the write happens, and its answer fails.
 */
class UnexpectedWriteFailureTest {

  /** The key-value state machine, except that every result it returns is unreadable. */
  static final class UnreadableResults implements StateMachine {
    final KvStateMachine kv = new KvStateMachine();

    @Override
    public byte[] apply(long index, byte[] command) {
      kv.apply(index, command);
      return new byte[] {0x7f};
    }

    @Override
    public byte[] query(byte[] query) {
      return kv.query(query);
    }

    @Override
    public byte[] snapshot() {
      return kv.snapshot();
    }

    @Override
    public void restore(long index, byte[] snapshot) {
      kv.restore(index, snapshot);
    }
  }

  static Vertx vertx;
  static HttpApi http;
  static RaftNode node;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    http = new HttpApi(vertx, registry, 1024);
    Endpoint endpoint = http.listen(new Endpoint("127.0.0.1", 0), Duration.ofSeconds(10));
    url = "http://" + endpoint;
    node = RaftNode.builder().nodeId("n1").voters(Set.of("n1")).store(new InMemoryLogStore())
        .transport(new InMemoryNetwork().transport("n1")).stateMachine(new UnreadableResults())
        .tick(Duration.ofMillis(10)).build().start();
    http.attach(new NodeServices(node, new KvClient(node), new StaticDiscovery(Map.of()), true, Duration.ofSeconds(3),
        new LeaderTransferMetrics(registry), new ClusterIdentity("unexpected", "unexpected-0"),
        new ChangeHistory(100, 1 << 20, 50), new KvLeases(node, new LeaseKeeper(System::nanoTime, 1_000_000_000L),
            java.time.Clock.systemUTC()),
        new io.bellwether.node.config.WatchConfig(100, 1 << 20, Duration.ofSeconds(5), 10),
        new io.bellwether.node.events.EventLog("n1", java.time.Clock.systemUTC(), 100, registry)));
    await().atMost(Duration.ofSeconds(10)).until(() -> node.status().role() == Role.LEADER);
  }

  @AfterAll
  static void stop() throws Exception {
    if (http != null) http.close();
    if (node != null) node.close();
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aWriteWhoseAnswerFailsIsOutcomeUnknownNotInternal() throws Exception {
    HttpResponse<String> put = Http.put(url + "/v1/kv/applied", "yes");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(504);
    assertThat(new JsonObject(put.body()).getString("error")).isEqualTo("OUTCOME_UNKNOWN");
    // And rightly so: the write did happen.
    HttpResponse<String> get = Http.get(url + "/v1/kv/applied");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("yes");

    HttpResponse<String> delete = Http.delete(url + "/v1/kv/applied");
    assertThat(delete.statusCode()).as(delete.body()).isEqualTo(504);
    assertThat(Http.get(url + "/v1/kv/applied").statusCode()).isEqualTo(404);
  }

  @Test
  void theCliSaysOutcomeUnknownForIt() {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(err, true))
        .execute("put", "cli-applied", "yes", "--url", url);
    assertThat(code).as(err.toString()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
  }
}
