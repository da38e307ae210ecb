package io.bellwether.node.e2e;

import static org.awaitility.Awaitility.await;

import io.bellwether.node.cli.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Three {@code bellwether node} processes on loopback (Vert.x transport, MapDB storage, static
 * discovery) with a {@link LinkProxy} on every directed link: node i's peer list names, for node j,
 * the proxy of link i to j, for both the peer port and the HTTP port (followers forward writes over
 * HTTP). Clients reach each node's HTTP port directly. Every fault is written to the fault log.
 */
final class E2eCluster implements AutoCloseable {

  static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  private final Map<String, E2eNode> nodes = new LinkedHashMap<>();
  /** Key "i>j": the proxies of node i's peer and HTTP connections to node j. */
  private final Map<String, LinkProxy> peerLinks = new LinkedHashMap<>();
  private final Map<String, LinkProxy> httpLinks = new LinkedHashMap<>();
  private final PrintWriter faultLog;
  private final long startNanos = System.nanoTime();

  private E2eCluster(Path dir) throws IOException {
    this.faultLog = new PrintWriter(Files.newBufferedWriter(dir.resolve("faults.log")), true);
  }

  static E2eCluster start(Path dir, String clusterId) throws IOException {
    E2eCluster c = new E2eCluster(dir);
    try {
      c.build(dir, clusterId);
      for (E2eNode n : c.nodes.values()) n.start();
      for (E2eNode n : c.nodes.values()) n.awaitServing();
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void build(Path dir, String clusterId) throws IOException {
    Map<String, Integer> peerPorts = new LinkedHashMap<>();
    Map<String, Integer> httpPorts = new LinkedHashMap<>();
    for (String id : IDS) {
      peerPorts.put(id, FreePorts.next());
      httpPorts.put(id, FreePorts.next());
    }
    for (String i : IDS) {
      List<String> peers = new ArrayList<>();
      for (String j : IDS) {
        if (i.equals(j)) {
          peers.add(j + "=127.0.0.1:" + peerPorts.get(j) + "@127.0.0.1:" + httpPorts.get(j));
          continue;
        }
        LinkProxy peer = new LinkProxy(i + ">" + j, peerPorts.get(j));
        LinkProxy http = new LinkProxy(i + ">" + j + "/http", httpPorts.get(j));
        peerLinks.put(i + ">" + j, peer);
        httpLinks.put(i + ">" + j, http);
        peers.add(j + "=127.0.0.1:" + peer.port() + "@127.0.0.1:" + http.port());
      }
      List<String> args = List.of("node", "--node-id", i, "--cluster-id", clusterId,
          "--peers", String.join(",", peers), "--transport", "vertx", "--storage", "mapdb",
          "--data-dir", dir.resolve("data-" + i).toString(), "--tick", "50ms",
          "--request-timeout", "2s", "--set", "shutdown.grace=0",
          // Small snapshot thresholds, so every scenario also snapshots, compacts and, after a
          // kill, may catch a node up through InstallSnapshot between real processes.
          "--set", "snapshot.entries=" + SNAPSHOT_ENTRIES, "--set", "snapshot.catchup.entries=10");
      nodes.put(i, new E2eNode(i, httpPorts.get(i), args, dir.resolve(i + ".log")));
    }
  }

  static final int SNAPSHOT_ENTRIES = 60;

  E2eNode node(String id) {
    return nodes.get(id);
  }

  List<E2eNode> nodes() {
    return List.copyOf(nodes.values());
  }

  List<String> urls() {
    return nodes.values().stream().map(E2eNode::url).toList();
  }

  // ---- faults -------------------------------------------------------------------------------

  void log(String event) {
    faultLog.printf("%8.3fs %s%n", (System.nanoTime() - startNanos) / 1e9, event);
    System.out.printf("e2e %8.3fs %s%n", (System.nanoTime() - startNanos) / 1e9, event);
  }

  void kill(String id) throws InterruptedException {
    log("kill -9 " + id);
    nodes.get(id).kill();
  }

  /** SIGTERM: a graceful stop (a leader hands its leadership over first); returns the exit code. */
  int stop(String id) throws InterruptedException {
    log("SIGTERM " + id);
    int exit = nodes.get(id).stop();
    log(id + " exited with " + exit);
    return exit;
  }

  void restart(String id) throws IOException {
    log("restart " + id);
    nodes.get(id).start();
    nodes.get(id).awaitServing();
  }

  /** Starts every node that is not running, then waits for all of them to serve. */
  void restartAll() throws IOException {
    log("restart all");
    for (E2eNode n : nodes.values()) {
      if (!n.isAlive()) n.start();
    }
    for (E2eNode n : nodes.values()) n.awaitServing();
  }

  void pause(String id) throws IOException, InterruptedException {
    log("SIGSTOP " + id);
    nodes.get(id).pause();
  }

  void resume(String id) throws IOException, InterruptedException {
    log("SIGCONT " + id);
    nodes.get(id).resume();
  }

  /** Cuts the link from {@code from} to {@code to} (one direction): a black hole. */
  void cut(String from, String to) {
    log("cut " + from + " -> " + to);
    peerLinks.get(from + ">" + to).drop();
    httpLinks.get(from + ">" + to).drop();
  }

  /** Cuts every link into and out of {@code id}. */
  void isolate(String id) {
    log("isolate " + id);
    for (String other : IDS) {
      if (!other.equals(id)) {
        peerLinks.get(id + ">" + other).drop();
        httpLinks.get(id + ">" + other).drop();
        peerLinks.get(other + ">" + id).drop();
        httpLinks.get(other + ">" + id).drop();
      }
    }
  }

  /** Cuts every link into {@code id}: it can still send, but hears nothing. */
  void deafen(String id) {
    log("deafen " + id + " (it sends, but receives nothing)");
    for (String other : IDS) {
      if (!other.equals(id)) {
        peerLinks.get(other + ">" + id).drop();
        httpLinks.get(other + ">" + id).drop();
      }
    }
  }

  /** Cuts both directions between {@code a} and {@code b}: the third node still sees both (a bridge). */
  void bridge(String a, String b) {
    log("cut " + a + " <-> " + b + " (bridge through the third node)");
    for (String[] link : new String[][] {{a, b}, {b, a}}) {
      peerLinks.get(link[0] + ">" + link[1]).drop();
      httpLinks.get(link[0] + ">" + link[1]).drop();
    }
  }

  /** Every link passes again, without delay. */
  void healLinks() {
    log("heal links");
    peerLinks.values().forEach(LinkProxy::pass);
    httpLinks.values().forEach(LinkProxy::pass);
  }

  void delay(String from, String to, long ms) {
    log("delay " + from + " -> " + to + " by " + ms + "ms");
    peerLinks.get(from + ">" + to).delay(ms);
  }

  /** Every link passes again, every paused node continues, every killed node restarts. */
  void healAll() throws IOException, InterruptedException {
    healLinks();
    for (E2eNode n : nodes.values()) {
      if (n.isPaused()) resume(n.id);
    }
    for (E2eNode n : nodes.values()) {
      if (!n.isAlive()) restart(n.id);
    }
  }

  // ---- observation -----------------------------------------------------------------------------

  /** {@code GET /v1/cluster} of one node, empty if it does not answer within a second. */
  Optional<JsonObject> status(String id) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(nodes.get(id).url() + "/v1/cluster"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(new JsonObject(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The node that says it leads with the highest term, among those that answer. */
  Optional<String> leaderNow() {
    String leader = null;
    long term = -1;
    for (String id : IDS) {
      if (!nodes.get(id).isRunning()) continue;
      Optional<JsonObject> s = status(id);
      if (s.isPresent() && "leader".equals(s.get().getString("role")) && s.get().getLong("term") > term) {
        leader = id;
        term = s.get().getLong("term");
      }
    }
    return Optional.ofNullable(leader);
  }

  /** Waits for a leader that every running, connected node agrees on. */
  String awaitLeader(Duration within) {
    String[] found = new String[1];
    await("a leader").atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      Optional<String> l = leaderNow();
      found[0] = l.orElse(null);
      return l.isPresent();
    });
    return found[0];
  }

  /** A running node other than {@code notThis}. */
  String anotherThan(String notThis) {
    return IDS.stream().filter(id -> !id.equals(notThis)).findFirst().orElseThrow();
  }

  /**
   * Waits until every node answers with the same commit and applied index as the others, and that
   * index is at least {@code minIndex}; returns it.
   */
  long awaitConvergence(long minIndex, Duration within) {
    long[] converged = new long[1];
    await("all nodes at one applied index").atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
      Long applied = null;
      for (String id : IDS) {
        Optional<JsonObject> s = status(id);
        if (s.isEmpty()) return false;
        long a = s.get().getLong("appliedIndex");
        if (a != s.get().getLong("commitIndex") || a < minIndex || (applied != null && applied != a)) {
          return false;
        }
        applied = a;
      }
      converged[0] = applied;
      return true;
    });
    log("converged at applied index " + converged[0]);
    return converged[0];
  }

  @Override
  public void close() {
    for (E2eNode n : nodes.values()) n.close();
    peerLinks.values().forEach(LinkProxy::close);
    httpLinks.values().forEach(LinkProxy::close);
    faultLog.close();
  }
}
