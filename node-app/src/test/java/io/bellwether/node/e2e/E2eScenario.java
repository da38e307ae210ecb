package io.bellwether.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bellwether.testkit.lin.HistoryFiles;
import io.bellwether.testkit.lin.HistoryJson;
import io.bellwether.node.Modules;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * What every end-to-end scenario shares: a fresh {@link E2eCluster} in its own folder under the build
 * directory ({@code e2e/<scenario>-<seed>/}: fault log, node logs, history), a seed for the fault
 * schedule (printed; {@code -Dbellwether.e2e.seed=N} replays the same schedule, though not the same
 * timing of real processes), clients, and the checks after healing. A passing run deletes its data
 * directories and keeps its logs; a failing run keeps everything, with the history as JSON lines.
 * With {@code -Dbellwether.history.dir=DIR} every run, passing or failing, also saves its history
 * in DIR as {@code e2e-<scenario>-seed-<seed>.jsonl}, in the format the simulation writes too
 * ({@code HistoryJson}).
 */
abstract class E2eScenario {

  static final String SEED_PROPERTY = "bellwether.e2e.seed";
  /** {@code -Dbellwether.e2e.soak=N}: every fault schedule N times longer (default 1, for mvn verify). */
  static final String SOAK_PROPERTY = "bellwether.e2e.soak";
  static final Duration LEADER_WITHIN = Duration.ofSeconds(30);
  static final Duration CONVERGE_WITHIN = Duration.ofSeconds(30);
  private static final int CLIENTS = 4;

  protected long seed;
  /** {@code <test class>.<test method>}: names the run's folder and its history file. */
  protected String scenario;
  protected SplittableRandom random;
  protected Path dir;
  protected E2eCluster cluster;
  protected ClientHistory history;
  protected Workload workload;

  @BeforeAll
  static void needsDurableModules() {
    Modules m = Modules.fromClasspath();
    assumeTrue(m.hasTransport("vertx") && m.hasStorage("mapdb"), "needs transport 'vertx' and storage 'mapdb'");
  }

  @BeforeEach
  void startCluster(TestInfo test) throws IOException {
    seed = Long.getLong(SEED_PROPERTY, new SplittableRandom().nextLong());
    random = new SplittableRandom(seed);
    scenario = getClass().getSimpleName() + "." + test.getTestMethod().orElseThrow().getName() + variant();
    dir = buildDir().resolve("e2e").resolve(scenario + "-" + seed);
    Files.createDirectories(dir);
    System.out.println("e2e " + scenario + " seed=" + seed + " (replay the fault schedule with -D" + SEED_PROPERTY
        + "=" + seed + "), files in " + dir);
    E2eSecurity security = secure() ? E2eSecurity.create(dir) : null;
    E2eHttp.use(security);
    cluster = E2eCluster.start(dir, "e2e-" + UUID.randomUUID().toString().substring(0, 8), security, nodeSettings());
    cluster.log("seed " + seed);
    history = new ClientHistory();
  }

  @AfterEach
  void stopCluster() throws Exception {
    try {
      if (workload != null) workload.close();
    } finally {
      if (cluster != null) cluster.close();
      E2eHttp.use(null);
    }
  }

  /**
   * Whether the scenario's cluster runs secure: peer TLS, HTTPS and token authentication on every
   * node, the clients on HTTPS with a write token. Faults act on the same links, now carrying TLS.
   */
  protected boolean secure() {
    return false;
  }

  /**
   * Tells apart the runs of one scenario class over several node settings (a parameterized class):
   * appended to the scenario's name, so each run has its own folder and history file. Empty by default.
   */
  protected String variant() {
    return "";
  }

  /** Settings every node of the scenario's cluster gets besides the common ones ({@code --set k=v}). */
  protected Map<String, String> nodeSettings() {
    return Map.of();
  }

  protected void startClients() {
    workload = new Workload(cluster.urls(), history, CLIENTS, random.nextLong());
  }

  /** Clients that send a request again to another node while it may pass ({@link Workload}'s failover). */
  protected void startFailoverClients() {
    workload = new Workload(cluster.urls(), history, CLIENTS, random.nextLong(), true);
  }

  /** How many rounds of faults: {@code normal}, times the soak factor. */
  protected static int rounds(int normal) {
    return normal * Math.max(1, Integer.getInteger(SOAK_PROPERTY, 1));
  }

  /** Lets the fault schedule run for {@code d}: a timed step of the schedule, not a wait on a condition. */
  protected static void hold(Duration d) {
    await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
  }

  /** A pause between faults, between {@code minMs} and {@code maxMs}, from the seed. */
  protected void holdRandom(long minMs, long maxMs) {
    hold(Duration.ofMillis(minMs + random.nextLong(maxMs - minMs + 1)));
  }

  /**
   * Stops the clients, heals every fault, then checks: all nodes converge on one applied index and
   * hold the same data; requests succeed again; the history is linearizable; stale reads hold.
   */
  protected void healAndCheck() throws Exception {
    workload.close();
    int okDuringFaults = workload.okCount();
    cluster.healAll();
    try {
      cluster.awaitLeader(LEADER_WITHIN);
      long written = awaitWriteSucceeds();
      long applied = cluster.awaitConvergence(written, CONVERGE_WITHIN);
      assertSameDataEverywhere(applied);
      checkHistory(okDuringFaults);
    } catch (Throwable t) {
      cluster.log("check failed: " + t);
      throw t;
    }
  }

  /** After every other callback: a failed run keeps everything, a passing one drops its data. */
  @RegisterExtension
  final TestWatcher keepFilesOfFailures = new TestWatcher() {
    @Override
    public void testSuccessful(ExtensionContext context) {
      saveHistoryInRequestedDir();
      try {
        deleteDataDirs();
      } catch (IOException e) {
        System.out.println("e2e: could not delete the data directories: " + e);
      }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (history != null && dir != null) saveHistory();
      saveHistoryInRequestedDir();
      System.out.println("e2e FAILED, seed=" + seed + ": history, fault log and node logs in " + dir);
    }
  };

  private void checkHistory(int okDuringFaults) throws Exception {
    System.out.println("e2e history: " + history.countByType() + ", stale reads " + history.staleReadCount()
        + ", ok during faults " + okDuringFaults);
    assertThat(okDuringFaults).as("the clients made progress").isGreaterThan(20);
    CoreChecker.Verdict verdict = CoreChecker.check(history.history());
    System.out.println("e2e linearizability: " + verdict.explanation().lines().findFirst().orElse(""));
    assertThat(verdict.outcome()).as("seed=%d: %s", seed, verdict.explanation()).isEqualTo("LINEARIZABLE");
    assertThat(history.staleReadProblems()).as("seed=%d: stale reads and versions", seed).isEmpty();
  }

  /**
   * No acknowledged write was lost: each key's linearizable value, read from the leader, is at its
   * last acknowledged version or later, and is that write's value when at that version.
   */
  protected void assertNoAcknowledgedWriteLost() throws Exception {
    String url = cluster.node(cluster.awaitLeader(LEADER_WITHIN)).url();
    for (String key : Workload.KEYS) {
      Map.Entry<Long, String> acked = history.lastAcknowledged(key);
      HttpResponse<String> r = send(E2eHttp.request(url + "/v1/kv/" + key).GET());
      assertThat(r.statusCode()).as("read of %s: %s", key, r.body()).isIn(200, 404);
      long version = r.statusCode() == 404 ? 0
          : Long.parseLong(r.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
      assertThat(version).as("%s: version now against its last acknowledged write", key).isGreaterThanOrEqualTo(acked.getKey());
      if (version == acked.getKey() && version > 0) assertThat(r.body()).as(key).isEqualTo(acked.getValue());
    }
  }

  /** A put through every node in turn until one succeeds: the cluster serves again. Returns its version. */
  private long awaitWriteSucceeds() {
    long[] version = new long[1];
    List<String> urls = cluster.urls();
    int[] attempt = new int[1];
    await("a write succeeds after healing").atMost(CONVERGE_WITHIN).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          String url = urls.get(attempt[0]++ % urls.size());
          HttpResponse<String> r = send(E2eHttp.request(url + "/v1/kv/healed")
              .header("Idempotency-Key", "heal-" + seed).PUT(HttpRequest.BodyPublishers.ofString("yes")));
          if (r.statusCode() != 200) return false;
          version[0] = new JsonObject(r.body()).getLong("version");
          return true;
        });
    cluster.log("a write succeeded at version " + version[0]);
    return version[0];
  }

  /** Every node answers linearizable reads again, and stale reads at {@code applied} agree everywhere. */
  private void assertSameDataEverywhere(long applied) {
    for (String key : Workload.KEYS) {
      String first = null;
      for (String url : cluster.urls()) {
        String uri = url + "/v1/kv/" + key + "?consistency=stale&minIndex=" + applied;
        String[] answer = new String[1];
        await("stale read of " + key + " on " + url).atMost(CONVERGE_WITHIN).ignoreExceptions().until(() -> {
          HttpResponse<String> r = send(E2eHttp.request(uri).GET());
          answer[0] = r.statusCode() + " " + r.headers().firstValue("ETag").orElse("") + " " + r.body();
          return r.statusCode() == 200 || r.statusCode() == 404;
        });
        if (first == null) first = answer[0];
        assertThat(answer[0]).as("%s on %s at applied index %d", key, url, applied).isEqualTo(first);
        await("linearizable read of " + key + " on " + url).atMost(CONVERGE_WITHIN).ignoreExceptions()
            .until(() -> {
              int s = send(E2eHttp.request(url + "/v1/kv/" + key).GET()).statusCode();
              return s == 200 || s == 404;
            });
      }
    }
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return E2eHttp.current().client().send(request.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void saveHistory() {
    try {
      HistoryJson.write(history.history(), dir.resolve("history.jsonl"));
      history.writeStaleReads(dir.resolve("stale-reads.jsonl"));
    } catch (IOException e) {
      System.out.println("e2e: could not save the history: " + e);
    }
  }

  /** Asked for with {@code -Dbellwether.history.dir}: this run's history, whatever its verdict. */
  private void saveHistoryInRequestedDir() {
    if (history == null) return;
    HistoryFiles.requestedDir().ifPresent(historyDir -> {
      try {
        Path file = HistoryFiles.save(history.history(), historyDir, "e2e-" + scenario + "-seed-" + seed);
        System.out.println("e2e history saved to " + file);
      } catch (IOException e) {
        System.out.println("e2e: could not save the history in " + historyDir + ": " + e);
      }
    });
  }

  private void deleteDataDirs() throws IOException {
    List<Path> dataDirs;
    try (Stream<Path> entries = Files.list(dir)) {
      dataDirs = entries.filter(p -> p.getFileName().toString().startsWith("data-")).toList();
    }
    for (Path data : dataDirs) {
      try (Stream<Path> files = Files.walk(data)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /** The module's build folder ({@code target}, or the {@code bw.target} of this build). */
  static Path buildDir() {
    try {
      Path classes = Path.of(E2eScenario.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.getParent();
    } catch (Exception e) {
      return Path.of("target");
    }
  }
}
