package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code bellwether local-cluster} runs three real node processes that replicate over the Vert.x
 * transport: writes through the leader and through a follower are readable everywhere, a kill -9 of
 * the leader elects a new one without losing acknowledged writes, and SIGTERM stops every node; with
 * durable storage, a restart on the same directory brings the data back; with Hazelcast discovery,
 * the nodes find each other's addresses through it; {@code local-cluster add} starts a node that
 * joins the running cluster as a learner (a voter with {@code --promote}) and {@code local-cluster
 * remove} takes one out and stops it, and both refuse clearly when no local cluster runs in the
 * directory. Method: start the command as
 * a process from the test classpath and drive the nodes over HTTP. Runs only when the "vertx"
 * transport (and, for the restart, the "mapdb" storage) is on the classpath.
 */
class LocalClusterTest {

  private static final Pattern NODE_LINE = Pattern.compile("(n\\d+)  http://(\\S+)  peer");

  @TempDir Path dir;

  @BeforeAll
  static void needsTheVertxTransport() {
    assumeTrue(Modules.fromClasspath().hasTransport("vertx"), "transport 'vertx' is not on the classpath");
  }

  static Map<String, String> urls(String output) {
    Map<String, String> urls = new LinkedHashMap<>();
    Matcher m = NODE_LINE.matcher(output);
    while (m.find()) urls.put(m.group(1), "http://" + m.group(2));
    return urls;
  }

  static JsonObject cluster(String url) throws Exception {
    return new JsonObject(Http.get(url + "/v1/cluster").body());
  }

  static String awaitLeader(List<String> urls, String notThis) {
    String[] leader = new String[1];
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      String seen = null;
      for (String u : urls) {
        String l = cluster(u).getString("leader");
        if (l == null || l.equals(notThis) || (seen != null && !seen.equals(l))) return false;
        seen = l;
      }
      leader[0] = seen;
      return true;
    });
    return leader[0];
  }

  @Test
  void threeProcessesReplicateSurviveALeaderKillAndStopOnSigterm() throws Exception {
    try (NodeProcess lc = NodeProcess.fromClasspath(dir.resolve("local-cluster.out"), "local-cluster",
        "--nodes", "3", "--data-dir", dir.resolve("data").toString())) {
      lc.awaitOutput("cluster ready", Duration.ofSeconds(90));
      Map<String, String> urls = urls(lc.output());
      assertThat(urls).containsOnlyKeys("n1", "n2", "n3");
      // The dashboard's address, served by the first node.
      assertThat(lc.output()).contains("Dashboard: " + urls.get("n1") + "/ui   (every member, live; any node serves it)");
      assertThat(Http.get(urls.get("n1") + "/ui").statusCode()).isEqualTo(200);

      String leader = awaitLeader(new ArrayList<>(urls.values()), null);
      String follower = urls.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      assertThat(Http.putEventually(urls.get(leader) + "/v1/kv/via-leader", "L").statusCode()).isEqualTo(200);
      HttpResponse<String> forwarded = Http.putEventually(urls.get(follower) + "/v1/kv/via-follower", "F");
      assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);
      for (String url : urls.values()) {
        assertThat(Http.getEventually(url + "/v1/kv/via-leader").body()).isEqualTo("L");
        assertThat(Http.getEventually(url + "/v1/kv/via-follower").body()).isEqualTo("F");
      }

      long leaderPid = new JsonObject(Http.get(urls.get(leader) + "/health/live").body()).getLong("pid");
      ProcessHandle.of(leaderPid).orElseThrow().destroyForcibly();
      lc.awaitOutput("node " + leader + " exited", Duration.ofSeconds(20));

      List<String> survivors = new ArrayList<>(urls.values());
      survivors.remove(urls.get(leader));
      String newLeader = awaitLeader(survivors, leader);
      assertThat(newLeader).isNotEqualTo(leader);
      for (String url : survivors) {
        assertThat(Http.getEventually(url + "/v1/kv/via-leader").body()).isEqualTo("L");
        assertThat(Http.getEventually(url + "/v1/kv/via-follower").body()).isEqualTo("F");
      }
      HttpResponse<String> after = Http.putEventually(survivors.get(0) + "/v1/kv/after-failover", "A");
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      assertThat(Http.getEventually(survivors.get(1) + "/v1/kv/after-failover").body()).isEqualTo("A");

      List<ProcessHandle> children = lc.process.children().toList();
      assertThat(children).hasSize(2);
      lc.stop(Duration.ofSeconds(40));
      children.forEach(c -> assertThat(c.isAlive()).as("node process " + c.pid()).isFalse());
    }
  }

  @Test
  void aRestartOnTheSameDataDirectoryBringsTheClusterBack() throws Exception {
    assumeTrue(Modules.fromClasspath().hasStorage("mapdb"), "storage 'mapdb' is not on the classpath");
    Path data = dir.resolve("data");
    Map<String, String> urls;
    try (NodeProcess lc = NodeProcess.fromClasspath(dir.resolve("first.out"), "local-cluster",
        "--nodes", "3", "--data-dir", data.toString())) {
      lc.awaitOutput("cluster ready", Duration.ofSeconds(90));
      urls = urls(lc.output());
      HttpResponse<String> put = Http.putEventually(urls.get("n1") + "/v1/kv/durable", "kept");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      lc.stop(Duration.ofSeconds(40));
    }
    try (NodeProcess lc = NodeProcess.fromClasspath(dir.resolve("second.out"), "local-cluster",
        "--nodes", "3", "--data-dir", data.toString())) {
      lc.awaitOutput("cluster ready", Duration.ofSeconds(90));
      assertThat(urls(lc.output())).isEqualTo(urls);
      for (String url : urls.values()) {
        assertThat(Http.getEventually(url + "/v1/kv/durable").body()).isEqualTo("kept");
      }
      lc.stop(Duration.ofSeconds(40));
    }
  }

  @Test
  void aSecondLauncherOnADirectoryInUseRefusesAndTheFirstClusterGoesOn() throws Exception {
    // It used to start nodes that died on their stores' locks and still print "cluster ready",
    // because the first cluster answered on the same ports.
    Path data = dir.resolve("data");
    try (NodeProcess first = NodeProcess.fromClasspath(dir.resolve("first.out"), "local-cluster",
        "--nodes", "3", "--data-dir", data.toString())) {
      first.awaitOutput("cluster ready", Duration.ofSeconds(90));
      Map<String, String> urls = urls(first.output());
      // The lock once lived in a FileChannel nobody referenced: the first garbage collection closed
      // it, and the lock went with it.
      collectGarbage(first.process.pid());
      try (NodeProcess second = NodeProcess.fromClasspath(dir.resolve("second.out"), "local-cluster",
          "--nodes", "3", "--data-dir", data.toString())) {
        assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).as(second.output()).isTrue();
        assertThat(second.process.exitValue()).as(second.output()).isEqualTo(2);
        assertThat(second.output()).contains("is in use by another 'bellwether local-cluster'")
            .doesNotContain("cluster ready");
      }
      assertThat(first.process.children().count()).as("the first cluster's nodes").isEqualTo(3);
      HttpResponse<String> put = Http.putEventually(urls.get("n1") + "/v1/kv/still-here", "yes");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      first.stop(Duration.ofSeconds(40));
    }
  }

  @Test
  void addStartsNodesThatJoinAndRemoveTakesOneOut() throws Exception {
    Path data = dir.resolve("data");
    String dataDir = data.toString();
    CliTest.Run nothingThere = CliTest.run("local-cluster", "add", "--data-dir", dataDir);
    assertThat(nothingThere.code()).isEqualTo(1);
    assertThat(nothingThere.err()).contains("no local cluster in " + data);
    // One founder keeps it quick; the two nodes are added at once (the layout's lock gives each its own id).
    try (NodeProcess lc = NodeProcess.fromClasspath(dir.resolve("lc.out"), "local-cluster",
        "--nodes", "1", "--data-dir", dataDir)) {
      lc.awaitOutput("cluster ready", Duration.ofSeconds(90));
      Map<String, String> urls = urls(lc.output());
      CompletableFuture<CliTest.Run> asLearner = CompletableFuture.supplyAsync(() ->
          CliTest.run("local-cluster", "add", "--data-dir", dataDir));
      CliTest.Run voter = CliTest.run("local-cluster", "add", "--promote", "--data-dir", dataDir);
      CliTest.Run learner = asLearner.get(90, TimeUnit.SECONDS);
      assertThat(learner.code()).as(learner.out() + learner.err()).isZero();
      assertThat(voter.code()).as(voter.out() + voter.err()).isZero();
      String learnerId = joined(learner.out(), "a learner");
      String voterId = joined(voter.out(), "a voter");
      assertThat(Set.of(learnerId, voterId)).isEqualTo(Set.of("n2", "n3"));
      assertThat(learner.out()).contains("bin/bellwether member promote " + learnerId + " --url http://",
          "bin/bellwether local-cluster remove " + learnerId + " --data-dir " + dataDir);
      urls.putAll(urls(learner.out()));
      urls.putAll(urls(voter.out()));
      for (String url : urls.values()) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> JoinProcessIT.voters(url)
            .equals(List.of("n1", voterId)) && cluster(url).getJsonArray("members").size() == 3);
      }
      HttpResponse<String> put = Http.putEventually(urls.get(learnerId) + "/v1/kv/via-learner", "L");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      assertThat(Http.getEventually(urls.get(voterId) + "/v1/kv/via-learner").body()).isEqualTo("L");

      CliTest.Run removed = CliTest.run("local-cluster", "remove", learnerId, "--data-dir", dataDir);
      assertThat(removed.code()).as(removed.out() + removed.err()).isZero();
      assertThat(removed.out()).contains("OK " + learnerId + " is removed (configuration ", "node " + learnerId + " is stopped");
      lc.awaitOutput("node " + learnerId + " exited", Duration.ofSeconds(20));
      assertThat(cluster(urls.get("n1")).getJsonArray("members").size()).isEqualTo(2);
      CliTest.Run unknown = CliTest.run("local-cluster", "remove", "n9", "--data-dir", dataDir);
      assertThat(unknown.code()).isEqualTo(1);
      assertThat(unknown.err()).contains("n9 is not a node of the local cluster in " + data);
      assertThat(lc.process.children().count()).as("n1 and " + voterId).isEqualTo(2);
      lc.stop(Duration.ofSeconds(40));
    }
    CliTest.Run stopped = CliTest.run("local-cluster", "add", "--data-dir", dataDir);
    assertThat(stopped.code()).isEqualTo(1);
    assertThat(stopped.err()).contains("the local cluster in " + data + " is not running");
  }

  /** The id in {@code add}'s "node ID joined local cluster 'C' as WHAT" line. */
  private static String joined(String out, String what) {
    Matcher m = Pattern.compile("node (n\\d+) joined local cluster '[^']+' as " + what).matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  /** Makes the JVM {@code pid} collect its garbage now ({@code jcmd PID GC.run}, from this JDK). */
  static void collectGarbage(long pid) throws Exception {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path jcmd = java.resolveSibling("jcmd");
    assumeTrue(Files.isExecutable(jcmd), "no jcmd beside " + java);
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void theClusterFindsItselfThroughHazelcast() throws Exception {
    assumeTrue(Modules.fromClasspath().hasDiscovery("hazelcast"), "discovery 'hazelcast' is not on the classpath");
    try (NodeProcess lc = NodeProcess.fromClasspath(dir.resolve("hazelcast.out"), "local-cluster",
        "--nodes", "3", "--discovery", "hazelcast", "--data-dir", dir.resolve("data").toString())) {
      lc.awaitOutput("cluster ready", Duration.ofSeconds(120));
      Map<String, String> urls = urls(lc.output());
      String leader = awaitLeader(new ArrayList<>(urls.values()), null);
      String follower = urls.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      HttpResponse<String> forwarded = Http.putEventually(urls.get(follower) + "/v1/kv/found-by-hazelcast", "H");
      assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);
      for (String url : urls.values()) {
        assertThat(Http.getEventually(url + "/v1/kv/found-by-hazelcast").body()).isEqualTo("H");
        assertThat(cluster(url).getJsonArray("members").getJsonObject(0).getString("httpAddress")).isNotNull();
      }
      lc.stop(Duration.ofSeconds(60));
    }
  }
}
