package io.bellwether.node.e2e;

// Goal: membership changes of a running cluster of real node processes, under clients whose history
// is checked for linearizability, lose no acknowledged write, end with every member agreeing on the
// configuration, and really change who counts: a promoted node is needed for a majority, a removed
// one is not. Method: 3 processes behind link proxies, failover clients with idempotency keys;
// (1) n4 and n5 join with --join, catch up as learners, are promoted (5 voters), then two founding
// nodes are removed, the leader first (it hands over), and stopped; (2) a follower is killed with
// kill -9 and its disk wiped, its id is refused a new start with --join, a new node n4 takes its
// place and the dead one is removed. Each prints what it cost the clients; then, with the clients
// stopped, one node is paused so that a write commits only if the configuration is the one reported.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.node.e2e.E2eMembership.Change;
import io.bellwether.node.e2e.E2eMembership.View;
import io.bellwether.testkit.lin.Op;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MembershipE2eTest extends E2eScenario {

  /** A join, a promotion or a removal: a new JVM starting on the shared 2-core machine included. */
  private static final Duration CHANGE_WITHIN = Duration.ofSeconds(30);
  /**
   * The longest a write may wait ({@link Workload#longestSince}: from the request, or from the
   * write's start when later) while a member is removed and stopped: two minimum election timeouts
   * (10 ticks of 50 ms), the bound of the leader's hand-over. One that worked costs a few
   * hundred milliseconds on the shared 2-core machine; one that failed costs the bound and an
   * election (and a second term, which the term check catches anyway).
   */
  private static final long REMOVAL_PAUSE_BOUND_MS = 1_000;
  /** How long a single write may take when the configuration is the one every node reports. */
  private static final Duration QUORUM_WRITE_WITHIN = Duration.ofSeconds(10);

  private E2eMembership members;
  /** Terms in the order the scenario saw them, with what had just happened. */
  private final List<String> terms = new ArrayList<>();

  @BeforeEach
  void membership() {
    members = new E2eMembership(cluster);
  }

  /** A node that joined: when its process started, was added (serving), and had caught up (nanoTime). */
  private record Joined(String id, long started, long added, long caughtUp, long target, long snapshotsInstalled) {
    String describe() {
      return String.format("%s: added as a learner %d ms after its process started, caught up to index %d %d ms"
          + " later (%d snapshot(s) installed)", id, ms(added - started), target, ms(caughtUp - added),
          snapshotsInstalled);
    }
  }

  /** A member removed and its process stopped (nanoTime), with the leader and term around it. */
  private record Removal(String id, boolean leader, long sent, long answered, long stopped, Change change,
      String leaderBefore, long termBefore, String leaderAfter, long termAfter) {}

  @Test
  void growingToFiveAndShrinkingToThreeWithoutTheLeaderKeepsEveryAcknowledgedWrite() throws Exception {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    startFailoverClients();
    hold(Duration.ofMillis(1500)); // warm-up: JIT, connections, a few snapshots
    noteTerm("before", leader);
    long from = System.nanoTime();

    List<Joined> joined = joinAndCatchUp(List.of("n4", "n5"));
    members.awaitAgreement(cluster.memberIds(), Set.of("n1", "n2", "n3"), Set.of("n4", "n5"), CHANGE_WITHIN);
    List<Change> promotions = new ArrayList<>();
    for (Joined j : joined) promotions.add(members.promote(j.id, CHANGE_WITHIN));
    Set<String> five = Set.of("n1", "n2", "n3", "n4", "n5");
    long configOfFive = members.awaitAgreement(cluster.memberIds(), five, Set.of(), CHANGE_WITHIN);
    noteTerm("5 voters", cluster.awaitLeader(LEADER_WITHIN));

    // The leader first, asked itself (it hands its leadership over, then the new leader removes
    // it), then a founding node that follows, asked through n5.
    List<Removal> removals = new ArrayList<>();
    String first = cluster.awaitLeader(LEADER_WITHIN);
    removals.add(removeAndStop(first, first));
    String leaderNow = cluster.awaitLeader(LEADER_WITHIN);
    List<String> founders = E2eCluster.IDS.stream().filter(id -> !id.equals(first) && !id.equals(leaderNow)).toList();
    String second = founders.get(random.nextInt(founders.size()));
    removals.add(removeAndStop(second, "n5"));
    Set<String> three = new TreeSet<>(five);
    three.removeAll(Set.of(first, second));
    long configOfThree = members.awaitAgreement(cluster.memberIds(), three, Set.of(), CHANGE_WITHIN);
    long to = System.nanoTime();
    assertThat(cluster.memberIds()).containsExactlyInAnyOrderElementsOf(three);
    awaitWritesAcknowledgedAfter(removals.get(1).stopped, 20);
    noteTerm("3 voters", cluster.awaitLeader(LEADER_WITHIN));

    report("grow 3 -> 5 -> 3", from, to, joined, promotions, removals);
    System.out.printf("e2e membership: configuration %d with 5 voters, %d with %s%n", configOfFive, configOfThree,
        three);
    assertThat(removals.get(0).leader).as("the first removal was the leader's").isTrue();
    assertThat(removals.get(1).leader).as("the second removal was a follower's").isFalse();
    assertClientsUsed(List.of("n4", "n5"));

    healAndCheck();
    assertNoAcknowledgedWriteLost();
    members.awaitAgreement(cluster.memberIds(), three, Set.of(), CHANGE_WITHIN);
    proveTheConfigurationCounts(three, Set.of("n4", "n5"));
  }

  @Test
  void replacingAKilledFollowerWithANewNodeKeepsEveryAcknowledgedWrite() throws Exception {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    startFailoverClients();
    hold(Duration.ofMillis(1500)); // warm-up
    noteTerm("before", leader);
    long from = System.nanoTime();

    List<String> followers = new ArrayList<>(E2eCluster.IDS);
    followers.remove(leader);
    String dead = followers.get(random.nextInt(followers.size()));
    cluster.kill(dead);
    cluster.wipe(dead);

    // Its id with a wiped disk must not come back (it forgot its votes): started with --join beside
    // the new node, it must exit without joining.
    List<Joined> joined;
    try (E2eNode again = members.joiner(dead, dead + "-with-wiped-disk")) {
      cluster.log("start " + dead + " again with --join on its wiped data directory");
      again.start();
      joined = joinAndCatchUp(List.of("n4"));
      assertThat(again.awaitExit(Duration.ofSeconds(60))).as("exit code of %s started again on a wiped disk,"
          + " see %s", dead, again.log()).isEqualTo(1);
      assertThat(again.outputOfLastRun()).contains("could not join the cluster", dead);
      cluster.log(dead + " with a wiped disk was refused: " + again.outputOfLastRun().lines()
          .filter(l -> l.contains("could not join")).findFirst().orElse(""));
    }

    List<String> live = cluster.memberIds().stream().filter(id -> !id.equals(dead)).toList();
    Set<String> founders = Set.copyOf(E2eCluster.IDS);
    members.awaitAgreement(live, founders, Set.of("n4"), CHANGE_WITHIN);
    List<Change> promotions = List.of(members.promote("n4", CHANGE_WITHIN));
    Set<String> four = new TreeSet<>(founders);
    four.add("n4");
    members.awaitAgreement(live, four, Set.of(), CHANGE_WITHIN);
    noteTerm("4 voters, " + dead + " dead", cluster.awaitLeader(LEADER_WITHIN));

    String termLeader = cluster.awaitLeader(LEADER_WITHIN);
    long termBefore = term(termLeader);
    long sent = System.nanoTime();
    Change removed = members.remove(dead, "n4", CHANGE_WITHIN);
    long answered = System.nanoTime();
    cluster.retire(dead);
    workload.removeEndpoint(cluster.node(dead).url());
    String leaderAfter = cluster.awaitLeader(LEADER_WITHIN);
    Removal removal = new Removal(dead, false, sent, answered, answered, removed, termLeader, termBefore, leaderAfter,
        term(leaderAfter));
    Set<String> three = new TreeSet<>(four);
    three.remove(dead);
    long configOfThree = members.awaitAgreement(cluster.memberIds(), three, Set.of(), CHANGE_WITHIN);
    long to = System.nanoTime();
    awaitWritesAcknowledgedAfter(answered, 20);
    noteTerm("3 voters", cluster.awaitLeader(LEADER_WITHIN));

    report("replace killed " + dead + " by n4", from, to, joined, promotions, List.of(removal));
    System.out.printf("e2e membership: configuration %d with %s%n", configOfThree, three);
    assertClientsUsed(List.of("n4"));

    healAndCheck();
    assertNoAcknowledgedWriteLost();
    members.awaitAgreement(cluster.memberIds(), three, Set.of(), CHANGE_WITHIN);
    proveTheConfigurationCounts(three, Set.of("n4"));
  }

  /**
   * Starts every node of {@code ids} with {@code --join} at once, and waits until each has been
   * added (it prints its serving line), is a learner, and has applied what the leader had committed
   * when it was added. The clients use each from the moment it serves.
   */
  private List<Joined> joinAndCatchUp(List<String> ids) throws Exception {
    Map<String, Long> started = new LinkedHashMap<>();
    for (String id : ids) {
      started.put(id, System.nanoTime());
      members.join(id);
    }
    Map<String, Long> added = new LinkedHashMap<>();
    Map<String, Long> target = new LinkedHashMap<>();
    Map<String, Long> caughtUp = new LinkedHashMap<>();
    await("learners " + ids + " added and caught up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          for (String id : ids) {
            E2eNode node = cluster.node(id);
            if (!added.containsKey(id) && node.outputOfLastRun().contains(" serving ")) {
              added.put(id, System.nanoTime()); // first, before anything that asks the nodes
            }
            if (!added.containsKey(id) && !node.isAlive()) {
              throw new AssertionError("node " + id + " exited, see " + node.log());
            }
          }
          for (String id : ids) {
            if (added.containsKey(id) && !target.containsKey(id)) {
              Long commit = cluster.leaderNow().flatMap(cluster::status).map(s -> s.getLong("commitIndex")).orElse(null);
              if (commit == null) continue; // no leader answers just now: look again
              target.put(id, commit);
              workload.addEndpoint(cluster.node(id).url());
              cluster.log(id + " was added; it must apply index " + commit);
            }
            if (target.containsKey(id) && !caughtUp.containsKey(id)) {
              View v = members.view(id).orElse(null);
              if (v != null && v.appliedIndex() >= target.get(id)) {
                caughtUp.put(id, System.nanoTime());
                assertThat(v.role()).as("%s once caught up", id).isEqualTo("learner");
              }
            }
          }
          return caughtUp.size() == ids.size();
        });
    List<Joined> joined = new ArrayList<>();
    for (String id : ids) {
      joined.add(new Joined(id, started.get(id), added.get(id), caughtUp.get(id), target.get(id),
          members.view(id).orElseThrow().snapshotsInstalled()));
      cluster.log(joined.get(joined.size() - 1).describe());
    }
    return joined;
  }

  /**
   * Removes {@code id} (asking {@code via} first), then takes it out of the clients' endpoints and
   * stops it with SIGTERM, as an operator would.
   */
  private Removal removeAndStop(String id, String via) throws Exception {
    String leaderBefore = cluster.awaitLeader(LEADER_WITHIN);
    long termBefore = term(leaderBefore);
    long sent = System.nanoTime();
    Change change = members.remove(id, via, CHANGE_WITHIN);
    long answered = System.nanoTime();
    assertThat(E2eMembership.members(change.answer())).as("the configuration that removed %s", id).doesNotContain(id);
    if (change.answer().containsKey("leader")) {
      assertThat(change.answer().getString("leader")).as("the node that removed %s", id).isNotEqualTo(id);
    }
    cluster.retire(id);
    workload.removeEndpoint(cluster.node(id).url());
    assertThat(cluster.stop(id)).as("exit code of removed %s after SIGTERM", id).isIn(0, 143);
    long stopped = System.nanoTime();
    String leaderAfter = cluster.awaitLeader(LEADER_WITHIN);
    long termAfter = term(leaderAfter);
    assertThat(leaderAfter).as("the leader after %s was removed", id).isNotEqualTo(id);
    return new Removal(id, id.equals(leaderBefore), sent, answered, stopped, change, leaderBefore, termBefore,
        leaderAfter, termAfter);
  }

  /** Waits until at least {@code n} writes that were first sent after {@code after} are acknowledged. */
  private void awaitWritesAcknowledgedAfter(long after, int n) {
    await(n + " writes acknowledged by the new configuration").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50)).until(() -> workload.writes().stream()
            .filter(w -> w.invoked() > after && w.outcome() == Op.Type.OK).count() >= n);
  }

  /** The clients got answers from the new nodes. */
  private void assertClientsUsed(List<String> ids) {
    Map<String, Integer> ok = workload.okByEndpoint();
    System.out.println("e2e membership: operations answered by endpoint: " + ok.entrySet().stream()
        .map(e -> nodeAt(e.getKey()) + "=" + e.getValue()).collect(Collectors.joining(", ")));
    for (String id : ids) {
      assertThat(ok.getOrDefault(cluster.node(id).url(), 0)).as("operations %s answered", id).isPositive();
    }
  }

  private String nodeAt(String url) {
    return cluster.nodes().stream().filter(n -> n.url().equals(url)).map(n -> n.id).findFirst().orElse(url);
  }

  /**
   * With the clients stopped: a write commits only if the configuration every node reports is the
   * one that counts. The leader is moved to a new node if a founding node leads, and one founding
   * follower is paused, so a majority of {@code voters} needs the new nodes; were a promoted node not
   * counted, or a removed (stopped) one still counted, no majority would be up and the write would
   * never commit.
   */
  private void proveTheConfigurationCounts(Set<String> voters, Set<String> newNodes) throws Exception {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    List<String> founders = voters.stream().filter(id -> !newNodes.contains(id)).sorted().toList();
    List<String> pausable = founders.stream().filter(id -> !id.equals(leader)).toList();
    String writeTo = leader;
    if (pausable.isEmpty()) { // the only founding node leads: hand its leadership to a new node
      String to = newNodes.iterator().next();
      HttpResponse<String> r = send(E2eHttp.request(cluster.node(leader).url() + "/v1/leader/transfer")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("to", to).encode())));
      assertThat(r.statusCode()).as("leadership transfer to %s: %s", to, r.body()).isEqualTo(200);
      writeTo = cluster.awaitLeader(LEADER_WITHIN);
      assertThat(writeTo).isEqualTo(to);
      pausable = founders;
    }
    String paused = pausable.get(0);
    cluster.pause(paused);
    try {
      String url = cluster.node(writeTo).url() + "/v1/kv/quorum-check";
      long start = System.nanoTime();
      await("a write commits through " + writeTo + " with " + paused + " paused, as a majority of the voters " + voters
          + " is up (it does not if a promoted node is not counted, or a removed one still is)").atMost(QUORUM_WRITE_WITHIN)
          .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> send(E2eHttp.request(url)
              .header("Idempotency-Key", "quorum-check-" + seed).PUT(HttpRequest.BodyPublishers.ofString("yes")))
              .statusCode() == 200);
      cluster.log("a write committed through " + writeTo + " with " + paused + " paused, in "
          + ms(System.nanoTime() - start) + " ms: a majority of " + voters + " counts the new nodes, and no removed one");
    } finally {
      cluster.resume(paused);
    }
  }

  private void report(String name, long from, long to, List<Joined> joined, List<Change> promotions,
      List<Removal> removals) {
    List<Workload.WriteTiming> writes = workload.writes();
    List<Workload.WriteTiming> during = Workload.overlapping(writes, from, to);
    long failed = during.stream().filter(w -> w.outcome() == Op.Type.FAIL && !w.error().startsWith("412")).count();
    long unknown = during.stream().filter(w -> w.outcome() == Op.Type.INFO).count();
    long casRefused = during.stream().filter(w -> w.outcome() == Op.Type.FAIL && w.error().startsWith("412")).count();
    System.out.printf("e2e membership [%s, seed %d]: %d ms from the first change to the last agreement; %d writes"
            + " and cas: %d failed, %d outcome unknown, %d cas whose condition did not hold; %d sent again to another"
            + " node (why, over the whole run: %s); longest write %d ms%n", name, seed, ms(to - from), during.size(), failed, unknown,
        casRefused, during.stream().filter(w -> w.attempts() > 1).count(), workload.retried(),
        Workload.longest(writes, from, to));
    for (Joined j : joined) System.out.println("e2e membership [" + name + "]: " + j.describe());
    for (int i = 0; i < promotions.size(); i++) {
      Change p = promotions.get(i);
      System.out.printf("e2e membership [%s]: promoted %s in %d ms, %d request(s), refused %s%n", name,
          joined.get(i).id, p.millis(), p.requests(), p.refusals());
    }
    for (Removal r : removals) {
      System.out.printf("e2e membership [%s]: removed %s (%s) in %d ms, %d request(s), refused %s; leader %s term %d"
              + " -> leader %s term %d; longest wait of a write %d ms and longest time"
              + " without an acknowledged write %d ms, from the request to %s%n", name, r.id, r.leader ? "the leader" : "a follower",
          ms(r.answered - r.sent), r.change.requests(), r.change.refusals(), r.leaderBefore, r.termBefore,
          r.leaderAfter, r.termAfter, Workload.longestSince(writes, r.sent, r.stopped), longestGap(writes, r.sent, r.stopped),
          r.stopped == r.answered ? "the answer" : "the process's exit");
    }
    System.out.println("e2e membership [" + name + "]: terms " + terms);
    assertThat(failed).as("writes that certainly failed during the changes (a cas whose condition did not hold"
        + " aside)").isZero();
    for (Removal r : removals) {
      // A leader removed hands over first: one term for the hand-over, no election timeout; a
      // follower's removal changes neither leader nor term.
      assertThat(r.termAfter).as("term after removing %s (%s)", r.id, r.leader ? "the leader" : "a follower")
          .isEqualTo(r.termBefore + (r.leader ? 1 : 0));
      if (!r.leader) assertThat(r.leaderAfter).as("leader after removing follower %s", r.id).isEqualTo(r.leaderBefore);
      assertThat(Workload.longestSince(writes, r.sent, r.stopped)).as("longest wait of a write while %s was removed and stopped", r.id)
          .isLessThan(REMOVAL_PAUSE_BOUND_MS);
    }
  }

  /**
   * The longest time between {@code from} and {@code to} (nanoTime) in which no write was
   * acknowledged, in milliseconds.
   */
  private static long longestGap(List<Workload.WriteTiming> writes, long from, long to) {
    List<Long> acks = writes.stream().filter(w -> w.outcome() == Op.Type.OK && w.ended() >= from && w.ended() <= to)
        .map(Workload.WriteTiming::ended).sorted().toList();
    long longest = 0;
    long previous = from;
    for (long ack : acks) {
      longest = Math.max(longest, ack - previous);
      previous = ack;
    }
    return ms(Math.max(longest, to - previous));
  }

  private void noteTerm(String when, String leader) {
    terms.add(when + ": " + leader + " leads in term " + term(leader));
  }

  private long term(String id) {
    return cluster.status(id).map(s -> s.getLong("term")).orElseThrow(() -> new AssertionError(id + " does not answer"));
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
