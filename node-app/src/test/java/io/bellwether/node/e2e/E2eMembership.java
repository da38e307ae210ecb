package io.bellwether.node.e2e;

import static org.awaitility.Awaitility.await;

import io.bellwether.node.cli.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Membership of an {@link E2eCluster} as an operator changes it: new node processes that join with
 * {@code --join}, and the membership routes ({@code POST /v1/members/{id}/promote}, {@code DELETE
 * /v1/members/{id}}) asked again, as the API says is safe, while the answer is one that may pass:
 * a 409 {@code NOT_CAUGHT_UP}, {@code CHANGE_IN_PROGRESS} or {@code QUORUM_AT_RISK}, a 503, a 504
 * (the change may have happened: asking again answers with what is so) or no answer.
 */
final class E2eMembership {

  /** What {@code GET /v1/cluster} of one node says of the configuration it uses. */
  record View(String node, String role, long term, String leader, long configIndex, boolean changePending,
      Set<String> voters, Set<String> learners, long appliedIndex, long commitIndex, long snapshotsInstalled) {

    static View of(JsonObject s) {
      Set<String> voters = new TreeSet<>();
      Set<String> learners = new TreeSet<>();
      JsonArray members = s.getJsonArray("members");
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        (m.getBoolean("voter") ? voters : learners).add(m.getString("id"));
      }
      return new View(s.getString("node"), s.getString("role"), s.getLong("term"), s.getString("leader"),
          s.getLong("configIndex"), s.getBoolean("changePending"), voters, learners, s.getLong("appliedIndex"),
          s.getLong("commitIndex"), s.getJsonObject("snapshot").getLong("installed"));
    }

    @Override
    public String toString() {
      return node + "(" + role + ", term " + term + ", config " + configIndex + (changePending ? " pending" : "")
          + ", voters " + voters + ", learners " + learners + ")";
    }
  }

  /** A change that was carried out: the answer, how many requests it took, and why they were refused. */
  record Change(JsonObject answer, int requests, Map<String, Integer> refusals, long millis) {}

  private final E2eCluster cluster;

  E2eMembership(E2eCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * A new node process {@code id} on fresh ports with {@code --join} and the URLs of the members,
   * not started and not one of the cluster's nodes (for a start that must be refused); its log is
   * {@code <logName>.log}.
   */
  E2eNode joiner(String id, String logName) {
    List<String> args = new ArrayList<>(cluster.nodeArgs(id));
    int http = FreePorts.next();
    args.addAll(List.of("--peer-listen", "127.0.0.1:" + FreePorts.next(), "--http-listen", "127.0.0.1:" + http,
        "--join", String.join(",", cluster.urls())));
    return new E2eNode(id, http, args, cluster.dataDir(id).resolveSibling(logName + ".log"));
  }

  /**
   * Starts {@code id} as a new node that joins the cluster, without waiting: it prints its serving
   * line once it has been added as a learner.
   */
  E2eNode join(String id) throws IOException {
    E2eNode node = joiner(id, id);
    cluster.adopt(node);
    node.start();
    return node;
  }

  Optional<View> view(String id) {
    return cluster.status(id).map(View::of);
  }

  /** Makes learner {@code id} a voter, through the running members in turn. */
  Change promote(String id, Duration within) {
    return change("promote " + id, running(), within,
        url -> E2eHttp.request(url + "/v1/members/" + id + "/promote")
            .POST(HttpRequest.BodyPublishers.noBody()),
        answer -> voters(answer).contains(id), false);
  }

  /**
   * Removes member {@code id}, asking {@code via} first, then the other running members in turn. A
   * 404 {@code NOT_A_MEMBER} after an answer that may have done it means it did.
   */
  Change remove(String id, String via, Duration within) {
    List<String> order = new ArrayList<>(List.of(via));
    running().stream().filter(m -> !m.equals(via)).forEach(order::add);
    return change("remove " + id, order, within,
        url -> E2eHttp.request(url + "/v1/members/" + id).DELETE(),
        answer -> !members(answer).contains(id), true);
  }

  private List<String> running() {
    return cluster.memberIds().stream().filter(id -> cluster.node(id).isRunning()).toList();
  }

  private interface Request {
    HttpRequest.Builder to(String url);
  }

  private interface Done {
    boolean test(JsonObject answer);
  }

  private Change change(String what, List<String> ids, Duration within, Request request, Done done,
      boolean absentMeansDone) {
    long started = System.nanoTime();
    int[] sent = new int[1];
    Map<String, Integer> refusals = new TreeMap<>();
    JsonObject[] answer = new JsonObject[1];
    boolean[] mayHaveHappened = new boolean[1];
    cluster.log("ask: " + what);
    await(what).atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      String url = cluster.node(ids.get(sent[0]++ % ids.size())).url();
      HttpResponse<String> r;
      try {
        r = E2eScenario.send(request.to(url));
      } catch (ConnectException e) {
        refusals.merge("refused", 1, Integer::sum); // nothing was sent
        return false;
      } catch (IOException e) {
        refusals.merge("io", 1, Integer::sum);
        mayHaveHappened[0] = true;
        return false;
      }
      JsonObject body = r.body().startsWith("{") ? new JsonObject(r.body()) : new JsonObject();
      String error = body.getString("error", "");
      if (r.statusCode() == 200) {
        if (!done.test(body)) throw new AssertionError(what + ": answered 200 with " + body);
        answer[0] = body;
        return true;
      }
      if (r.statusCode() == 404 && error.equals("NOT_A_MEMBER") && absentMeansDone && mayHaveHappened[0]) {
        answer[0] = body;
        return true;
      }
      refusals.merge(r.statusCode() + (error.isEmpty() ? "" : " " + error), 1, Integer::sum);
      boolean mayPass = r.statusCode() == 503 || r.statusCode() == 504 || (r.statusCode() == 409
          && Set.of("NOT_CAUGHT_UP", "CHANGE_IN_PROGRESS", "QUORUM_AT_RISK").contains(error));
      if (!mayPass) throw new AssertionError(what + " via " + url + ": " + r.statusCode() + " " + r.body());
      if (r.statusCode() == 504) mayHaveHappened[0] = true;
      return false;
    });
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    cluster.log(what + ": done in " + millis + " ms after " + sent[0] + " request(s), refused " + refusals
        + ": " + answer[0].encode());
    return new Change(answer[0], sent[0], refusals, millis);
  }

  /**
   * Waits until every node of {@code ids} uses a committed configuration with exactly these voters
   * and learners, all at the same configuration index; returns that index.
   */
  long awaitAgreement(Collection<String> ids, Set<String> voters, Set<String> learners, Duration within) {
    Map<String, View> last = new TreeMap<>();
    try {
      await("every node of " + ids + " uses voters " + voters + " and learners " + learners).atMost(within)
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            last.clear();
            for (String id : ids) view(id).ifPresent(v -> last.put(id, v));
            return last.size() == ids.size() && last.values().stream().allMatch(v -> !v.changePending()
                && v.voters().equals(voters) && v.learners().equals(learners)
                && v.configIndex() == last.values().iterator().next().configIndex());
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; last seen: " + last.values(), e);
    }
    long index = last.values().iterator().next().configIndex();
    cluster.log("every node of " + ids + " uses configuration " + index + ": voters " + voters + " learners "
        + learners);
    return index;
  }

  static Set<String> voters(JsonObject configuration) {
    Set<String> voters = new TreeSet<>();
    JsonArray members = configuration.getJsonArray("members", new JsonArray());
    for (int i = 0; i < members.size(); i++) {
      if (members.getJsonObject(i).getBoolean("voter")) voters.add(members.getJsonObject(i).getString("id"));
    }
    return voters;
  }

  static Set<String> members(JsonObject configuration) {
    Set<String> ids = new TreeSet<>();
    JsonArray members = configuration.getJsonArray("members", new JsonArray());
    for (int i = 0; i < members.size(); i++) ids.add(members.getJsonObject(i).getString("id"));
    return ids;
  }
}
