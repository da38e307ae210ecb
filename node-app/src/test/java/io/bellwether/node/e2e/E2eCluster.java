package io.bellwether.node.e2e;

import static org.awaitility.Awaitility.await;

import io.bellwether.node.cli.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Three {@code bellwether node} processes on loopback (Vert.x transport, MapDB storage, static
 * discovery) with a {@link LinkProxy} on every directed link: node i's peer list names, for node j,
 * the proxy of link i to j, for both the peer port and the HTTP port (followers forward writes over
 * HTTP). Clients reach each node's HTTP port directly. Every fault is written to the fault log.
 *
 * <p>More nodes can join the running cluster ({@link E2eMembership#join}, processes started with
 * {@code --join} at their own addresses: no proxies, the others reach them at the addresses they
 * announce; they reach the founders at the addresses in the configuration, which the first leader
 * wrote from its peer list, i.e. through that leader's link proxies). A node the cluster no longer has as a member is {@link #retire}d: from then on the
 * observations, the clients' URLs and the healing leave it out.
 */
final class E2eCluster implements AutoCloseable {

  static final List<String> IDS = List.of("n1", "n2", "n3");

  private final Map<String, E2eNode> nodes = new LinkedHashMap<>();
  /** Key "i>j": the proxies of node i's peer and HTTP connections to node j. */
  private final Map<String, LinkProxy> peerLinks = new LinkedHashMap<>();
  private final Map<String, LinkProxy> httpLinks = new LinkedHashMap<>();
  /** Nodes that are no longer members: observed, healed and used by clients no more. */
  private final Set<String> retired = new LinkedHashSet<>();
  private final PrintWriter faultLog;
  private final long startNanos = System.nanoTime();
  private final Path dir;
  private String clusterId;
  /** Null for a plain cluster; else every node's certificate, the CA and the tokens. */
  private E2eSecurity security;
  /** A scenario's own node settings, after the common ones (a later {@code --set} wins). */
  private Map<String, String> settings = Map.of();

  private E2eCluster(Path dir) throws IOException {
    this.dir = dir;
    this.faultLog = new PrintWriter(Files.newBufferedWriter(dir.resolve("faults.log")), true);
  }

  static E2eCluster start(Path dir, String clusterId) throws IOException {
    return start(dir, clusterId, null);
  }

  /** A cluster whose nodes use peer TLS, HTTPS and tokens from {@code security} (null: none). */
  static E2eCluster start(Path dir, String clusterId, E2eSecurity security) throws IOException {
    return start(dir, clusterId, security, Map.of());
  }

  /** As {@link #start(Path, String, E2eSecurity)}, every node also given {@code settings} ({@code --set k=v}). */
  static E2eCluster start(Path dir, String clusterId, E2eSecurity security, Map<String, String> settings)
      throws IOException {
    E2eCluster c = new E2eCluster(dir);
    c.security = security;
    c.settings = Map.copyOf(settings);
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
    this.clusterId = clusterId;
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
      List<String> args = new ArrayList<>(nodeArgs(i));
      args.addAll(List.of("--peers", String.join(",", peers)));
      nodes.put(i, new E2eNode(i, httpPorts.get(i), args, dir.resolve(i + ".log")));
    }
  }

  static final int SNAPSHOT_ENTRIES = 60;

  /** What every node is started with, whether it founded the cluster or joins it. */
  List<String> nodeArgs(String id) {
    List<String> args = new ArrayList<>(List.of("node", "--node-id", id, "--cluster-id", clusterId, "--transport", "vertx",
        "--storage", "mapdb", "--data-dir", dataDir(id).toString(), "--tick", "50ms",
        "--request-timeout", "2s", "--set", "shutdown.grace=0",
        // Small snapshot thresholds, so every scenario also snapshots, compacts and, after a
        // kill, may catch a node up through InstallSnapshot between real processes.
        "--set", "snapshot.entries=" + SNAPSHOT_ENTRIES, "--set", "snapshot.catchup.entries=10"));
    if (security != null) args.addAll(security.nodeArgs(id));
    settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return args;
  }

  Path dataDir(String id) {
    return dir.resolve("data-" + id);
  }

  // ---- membership ---------------------------------------------------------------------------

  /** Takes a node that joins the cluster (see {@link E2eMembership#join}) into this cluster's nodes. */
  void adopt(E2eNode node) {
    if (nodes.putIfAbsent(node.id, node) != null) throw new IllegalArgumentException(node.id + " exists already");
    log("start " + node.id + " (" + node.url() + ") with --join");
  }

  /** {@code id} is no longer a member: leave it out of the URLs, observations and healing from now on. */
  void retire(String id) {
    log("retire " + id + " (not a member)");
    retired.add(id);
  }

  /** Deletes the data directory of {@code id}, which must not be running: its disk is lost. */
  void wipe(String id) throws IOException {
    if (nodes.get(id).isAlive()) throw new IllegalStateException(id + " is running");
    log("wipe the data directory of " + id);
    try (Stream<Path> files = Files.walk(dataDir(id))) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  /** The ids of the nodes that are members as far as the scenario knows (not {@link #retire}d). */
  List<String> memberIds() {
    return nodes.keySet().stream().filter(id -> !retired.contains(id)).toList();
  }

  E2eNode node(String id) {
    return nodes.get(id);
  }

  List<E2eNode> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The URLs of the members (retired nodes left out). */
  List<String> urls() {
    return memberIds().stream().map(id -> nodes.get(id).url()).toList();
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

  /** Starts every member that is not running, then waits for all of them to serve. */
  void restartAll() throws IOException {
    log("restart all");
    for (E2eNode n : members()) {
      if (!n.isAlive()) n.start();
    }
    for (E2eNode n : members()) n.awaitServing();
  }

  private List<E2eNode> members() {
    return memberIds().stream().map(nodes::get).toList();
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

  /** Every link passes again, every paused member continues, every killed member restarts. */
  void healAll() throws IOException, InterruptedException {
    healLinks();
    for (E2eNode n : members()) {
      if (n.isPaused()) resume(n.id);
    }
    for (E2eNode n : members()) {
      if (!n.isAlive()) restart(n.id);
    }
  }

  // ---- observation -----------------------------------------------------------------------------

  /** {@code GET /v1/cluster} of one node, empty if it does not answer within a second. */
  Optional<JsonObject> status(String id) {
    try {
      HttpResponse<String> r = E2eHttp.current().client().send(E2eHttp.request(nodes.get(id).url() + "/v1/cluster")
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(new JsonObject(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The member that says it leads with the highest term, among those that answer. */
  Optional<String> leaderNow() {
    String leader = null;
    long term = -1;
    for (String id : memberIds()) {
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
   * Waits until every member answers with the same commit and applied index as the others, and
   * that index is at least {@code minIndex}; returns it.
   */
  long awaitConvergence(long minIndex, Duration within) {
    long[] converged = new long[1];
    await("all members at one applied index").atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
      Long applied = null;
      for (String id : memberIds()) {
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
