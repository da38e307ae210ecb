package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.Role;
import io.bellwether.testkit.inmem.CrashableLogStore;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvRead;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.ReadConsistency;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Goal: three real RaftNodes talking over VertxTransport on loopback elect a leader, replicate writes,
// and a follower catches up after its node was restarted, or after only its transport was closed and
// reopened on the same port while the node kept running.
// Method: ephemeral ports published in a test discovery, in-memory stores, Awaitility deadlines.
class RaftClusterOverTcpTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final List<String> IDS = List.of("n1", "n2", "n3");

  private final TestNodes transports = new TestNodes();
  private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
  private final Map<String, CrashableLogStore> stores = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final SplittableRandom seeds = new SplittableRandom(seed());

  private static long seed() {
    long seed = System.nanoTime();
    System.out.println("RaftClusterOverTcpTest seed=" + seed);
    return seed;
  }

  @AfterEach
  void stop() {
    nodes.values().forEach(RaftNode::close);
    transports.close();
  }

  @Test
  void electsALeaderReplicatesWritesAndARestartedFollowerCatchesUp() throws Exception {
    for (String id : IDS) {
      stores.put(id, new CrashableLogStore());
      startNode(id, 0);
    }
    String leader = awaitLeader();
    promptly().until(() -> IDS.stream()
        .allMatch(id -> leader.equals(nodes.get(id).status().leader())));

    KvWrite last = null;
    for (int i = 0; i < 20; i++) last = putViaLeader("k" + i, "v" + i);
    for (String id : IDS) assertThat(staleGet(id, "k19", last.index())).isEqualTo("v19");

    String follower = IDS.stream().filter(id -> !id.equals(awaitLeader())).findFirst().orElseThrow();
    nodes.remove(follower).close(); // closes its transport and store
    stores.put(follower, stores.get(follower).crashCopy());
    for (int i = 20; i < 40; i++) last = putViaLeader("k" + i, "v" + i);

    startNode(follower, ports.get(follower));
    long index = last.index();
    promptly().until(() -> nodes.get(follower).status().appliedIndex() >= index);
    assertThat(staleGet(follower, "k39", index)).isEqualTo("v39");
    assertThat(staleGet(follower, "k0", index)).isEqualTo("v0");
  }

  @Test
  void aFollowerWhoseTransportIsBouncedWhileItRunsCatchesUp() throws Exception {
    for (String id : IDS) {
      stores.put(id, new CrashableLogStore());
      startNode(id, 0);
    }
    KvWrite last = putViaLeader("before", "x");
    String follower = IDS.stream().filter(id -> !id.equals(awaitLeader())).findFirst().orElseThrow();
    BouncingTransport transport = bouncing.get(follower);

    transport.closeOnly();
    for (int i = 0; i < 20; i++) last = putViaLeader("k" + i, "v" + i);
    long index = last.index();
    assertThat(nodes.get(follower).status().appliedIndex()).isLessThan(index);
    transport.reopen();

    promptly().until(() -> nodes.get(follower).status().appliedIndex() >= index);
    assertThat(staleGet(follower, "k19", index)).isEqualTo("v19");
  }

  private final Map<String, BouncingTransport> bouncing = new LinkedHashMap<>();

  private void startNode(String id, int port) {
    BouncingTransport transport = new BouncingTransport(transports, id, port);
    bouncing.put(id, transport);
    RaftNode node = RaftNode.builder()
        .nodeId(id)
        .voters(Set.copyOf(IDS))
        .raftConfig(RaftConfig.DEFAULT.withTickMicros(10_000)) // the engine knows its 10 ms tick
        .store(stores.get(id))
        .transport(transport)
        .stateMachine(new KvStateMachine())
        .random(seeds.split())
        .tick(Duration.ofMillis(10))
        .requestTimeout(Duration.ofSeconds(3))
        .build()
        .start();
    nodes.put(id, node);
    ports.put(id, transport.current.localEndpoint().port());
  }

  /** Awaitility first looks after 100 ms by default; these conditions are often true at once. */
  private static org.awaitility.core.ConditionFactory promptly() {
    return await().atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
  }

  private String awaitLeader() {
    return promptly().until(this::leader, Optional::isPresent).orElseThrow();
  }

  private Optional<String> leader() {
    return nodes.values().stream()
        .map(RaftNode::status)
        .filter(s -> s.role() == Role.LEADER)
        .max((a, b) -> Long.compare(a.term(), b.term()))
        .map(s -> s.nodeId());
  }

  private KvWrite putViaLeader(String key, String value) {
    return promptly().ignoreExceptions().until(() -> new KvClient(nodes.get(awaitLeader()))
        .put(key, value.getBytes(StandardCharsets.UTF_8))
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS), KvWrite::ok);
  }

  private String staleGet(String id, String key, long minIndex) throws Exception {
    KvRead read = new KvClient(nodes.get(id)).get(key, ReadConsistency.STALE, minIndex)
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(read.found()).as(key + " on " + id).isTrue();
    return new String(read.value(), StandardCharsets.UTF_8);
  }

  /**
   * A node's transport that a test can close and reopen (on the same port) while the node runs;
   * publishes the bound address at each start.
   */
  private static final class BouncingTransport implements io.bellwether.core.spi.Transport {
    private final TestNodes nodes;
    private final String id;
    private volatile VertxTransport current;
    private InboundHandler inbound;

    BouncingTransport(TestNodes nodes, String id, int port) {
      this.nodes = nodes;
      this.id = id;
      this.current = nodes.create(id, port, Map.of());
    }

    @Override
    public void start(InboundHandler inbound) {
      this.inbound = inbound;
      nodes.startAndPublish(current, inbound);
    }

    void closeOnly() {
      current.close();
    }

    void reopen() {
      int port = current.localEndpoint().port();
      VertxTransport next = nodes.create(id, port, Map.of());
      nodes.startAndPublish(next, inbound);
      current = next;
    }

    @Override
    public void send(io.bellwether.core.message.Message message) {
      current.send(message);
    }

    @Override
    public void close() {
      current.close();
    }
  }
}
