package io.bellwether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bellwether-bench failover} against a fake cluster whose leader "process" is a real child
 * process ({@code sleep 60}): the tool must kill it, and the fake elects a new leader a fixed time
 * after it sees the process exit, which bounds the measured time from below.
 */
class FailoverToolTest {

  private static final long ELECTION_MS = 300;
  private static Vertx vertx;
  private FakeCluster cluster;
  private Process leaderProcess;
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
  void cleanUp() {
    if (cluster != null) cluster.close();
    if (leaderProcess != null) leaderProcess.destroyForcibly();
  }

  /** A 3-member fake whose leader n2 "is" a sleep process; when it dies, n2 stops answering. */
  private FakeCluster clusterWithMortalLeader(boolean etcd, boolean reelect) throws Exception {
    cluster = new FakeCluster(vertx, etcd, 3);
    cluster.leaderId = "n2";
    cluster.followersForward = true;
    leaderProcess = new ProcessBuilder("sleep", "60").start();
    cluster.node(2).pid = leaderProcess.pid();
    cluster.node(2).process = leaderProcess;
    cluster.commitDelayMs = 20;
    leaderProcess.onExit().thenRun(() -> {
      try {
        cluster.kill(cluster.node(2));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      cluster.leaderId = null;
      if (reelect) {
        vertx.setTimer(ELECTION_MS, id -> {
          cluster.term++;
          cluster.leaderId = "n3";
        });
      }
    });
    return cluster;
  }

  private record Result(int code, String out, String err, JsonNode json, Path timeline) { }

  private Result failover(String... extra) throws Exception {
    Path json = dir.resolve("failover.json");
    Path timeline = dir.resolve("timeline.csv");
    String[] base = {"failover", "--endpoints", cluster.endpoints(), "--connections", "4", "--settle", "400ms",
        "--tail", "200ms", "--seed", "7", "--json", json.toString(), "--timeline", timeline.toString()};
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
        .toArray(String[]::new);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BenchCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    System.out.println(out);
    System.out.println(err);
    return new Result(code, out.toString(), err.toString(),
        Files.exists(json) ? Json.MAPPER.readTree(json.toFile()) : null, timeline);
  }

  @Test
  void killsTheLeaderProcessAndTimesTheFirstWriteSentAfterIt() throws Exception {
    clusterWithMortalLeader(false, true);
    String leaderUrl = cluster.node(2).url();

    // No --pids: the tool reads the leader's pid from /health/live.
    Result r = failover("--max-wait", "10s");

    assertThat(r.code()).isZero();
    assertThat(leaderProcess.isAlive()).isFalse();
    JsonNode j = r.json();
    assertThat(j.get("killedUrl").asText()).isEqualTo(leaderUrl);
    assertThat(j.get("killedPid").asLong()).isEqualTo(leaderProcess.pid());
    assertThat(j.get("killConfirmed").asBoolean()).isTrue();
    // The fake only accepts writes again ELECTION_MS after it saw the process exit, i.e. after the kill.
    assertThat(j.get("firstWriteAfterKillMs").asDouble()).isGreaterThanOrEqualTo(ELECTION_MS).isLessThan(10_000);
    assertThat(j.get("gapMs").asDouble()).isGreaterThanOrEqualTo(j.get("firstWriteAfterKillMs").asDouble());
    assertThat(j.get("firstWriteVia").asText()).isNotEqualTo(leaderUrl);
    assertThat(j.get("newLeader").asText()).isEqualTo(cluster.node(3).url());
    assertThat(j.get("writesBeforeKill").asLong()).isPositive();
    assertThat(j.get("writesAfterKill").asLong()).isPositive();
    assertThat(j.get("errors").get("503 NO_LEADER").asLong()).isPositive();
    assertThat(j.get("timelineGapMs").asLong()).isGreaterThanOrEqualTo(200);
    // Writes went to the survivors only: the leader's server saw none of them.
    assertThat(cluster.node(2).puts.get()).isZero();
    assertThat(Files.readAllLines(r.timeline()).get(0)).isEqualTo("timeMs,successes,errors");
    assertThat(r.out()).contains("first write after").contains(leaderUrl);
  }

  @Test
  void etcdTakesPidsFromTheCommandLineAndWritesViaTheLeaderOption() throws Exception {
    clusterWithMortalLeader(true, true);
    String leaderUrl = cluster.node(2).url();

    Result r = failover("--target", "etcd", "--max-wait", "10s", "--write-to", "leader",
        "--pids", leaderUrl + "=" + leaderProcess.pid() + "," + cluster.node(1).url() + "=1");

    assertThat(r.code()).isZero();
    assertThat(leaderProcess.isAlive()).isFalse();
    assertThat(r.json().get("target").asText()).isEqualTo("etcd");
    assertThat(r.json().get("killedUrl").asText()).isEqualTo(leaderUrl);
    assertThat(r.json().get("firstWriteAfterKillMs").asDouble()).isGreaterThanOrEqualTo(ELECTION_MS);
    // Before the kill the writers used the leader itself.
    assertThat(cluster.node(2).puts.get()).isPositive();
  }

  @Test
  void stopSignalFreezesTheLeaderForTheTrialAndKillsItAfterwards() throws Exception {
    // The fake "elects" once it sees the leader frozen (state T), not gone: the tool must SIGSTOP it.
    cluster = new FakeCluster(vertx, false, 3);
    cluster.leaderId = "n2";
    cluster.followersForward = true;
    cluster.commitDelayMs = 20;
    leaderProcess = new ProcessBuilder("sleep", "60").start();
    cluster.node(2).pid = leaderProcess.pid();
    cluster.node(2).process = leaderProcess;
    java.util.concurrent.atomic.AtomicBoolean seenFrozen = new java.util.concurrent.atomic.AtomicBoolean();
    long pid = leaderProcess.pid();
    vertx.setPeriodic(5, timer -> {
      if (seenFrozen.get() || !isFrozen(pid)) return;
      seenFrozen.set(true);
      vertx.cancelTimer(timer);
      // kill() waits for the fake's server to close, which needs this event loop: not from here.
      java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          cluster.kill(cluster.node(2));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        cluster.leaderId = null;
        vertx.setTimer(ELECTION_MS, id -> {
          cluster.term++;
          cluster.leaderId = "n3";
        });
      });
    });

    Result r = failover("--max-wait", "10s", "--signal", "STOP");

    assertThat(r.code()).isZero();
    assertThat(seenFrozen).isTrue();
    assertThat(r.json().get("signal").asText()).isEqualTo("STOP");
    assertThat(r.json().get("firstWriteAfterKillMs").asDouble()).isGreaterThanOrEqualTo(ELECTION_MS);
    assertThat(r.json().get("killConfirmed").asBoolean()).isTrue(); // killed once the trial was over
    assertThat(leaderProcess.isAlive()).isFalse();
    assertThat(r.out()).contains("stopped leader").contains("SIGSTOP");
  }

  /** Whether the process is stopped by a signal: state T in /proc/PID/stat (Linux). */
  private static boolean isFrozen(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void reportsFailureWhenNoWriteSucceedsInTime() throws Exception {
    clusterWithMortalLeader(false, false);

    Result r = failover("--max-wait", "500ms");

    assertThat(r.code()).isEqualTo(1);
    assertThat(leaderProcess.isAlive()).isFalse();
    assertThat(r.json().get("ok").asBoolean()).isFalse();
    assertThat(r.json().get("firstWriteAfterKillMs").isNull()).isTrue();
    assertThat(r.out()).contains("NONE within");
  }
}
