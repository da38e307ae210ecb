package io.bellwether.node.cli;

import static io.bellwether.node.cli.LocalClusterLayout.LOG_PREFIX;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether local-cluster add} and {@code local-cluster remove ID}: grow and shrink the local
 * cluster that {@code bellwether local-cluster} runs in a directory. They do not start or stop node
 * processes themselves: they record the change in the directory's layout ({@link
 * LocalClusterLayout}), the running launcher starts or stops the node (so its log sits beside the
 * others', Ctrl-C stops it with them, and the next run starts it again, or not), and they wait for
 * the outcome through the nodes' HTTP APIs and the node's log.
 *
 * <p>Exit codes: 0 done; 1 failed (no local cluster in the directory, or it is not running, a node
 * that did not join in time, a removal the cluster refused); 2 bad usage; 3 a removal whose outcome
 * is unknown (as {@code bellwether member remove}).
 */
final class LocalClusterMembers {

  private LocalClusterMembers() {}

  /** What {@code add} and {@code remove} share: the directory, the deadline, the checks. */
  abstract static class Change implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
        description = "the directory of the running local cluster (default ./${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
        description = "how long to wait for the node (default ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Spec CommandSpec spec;
    Path dir;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
      if (timeoutSeconds < 1) {
        err().println("error: --timeout must be at least 1 second, got " + timeoutSeconds);
        return 2;
      }
      dir = dataDir.toAbsolutePath().normalize();
      if (!LocalClusterLayout.exists(dir)) {
        err().println("error: no local cluster in " + dir + " (no " + LocalClusterLayout.FILE
            + "); start one with 'bin/bellwether local-cluster --data-dir " + dataDir + "'");
        return 1;
      }
      if (!LocalClusterLayout.launcherRunning(dir)) {
        err().println("error: the local cluster in " + dir + " is not running; start it with "
            + "'bin/bellwether local-cluster --data-dir " + dataDir + "' (in another terminal), then try again");
        return 1;
      }
      try {
        return change(LocalClusterLayout.load(dir));
      } finally {
        out().flush();
        err().flush();
      }
    }

    abstract int change(LocalClusterLayout layout) throws Exception;

    long deadline() {
      return System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    }

    Path log(String id) {
      return dir.resolve("logs").resolve(id + ".log");
    }

    /** {@code GET /v1/cluster} from {@code id}, or null when it does not answer. */
    JsonObject cluster(LocalClusterLayout layout, String id) {
      try {
        HttpResponse<byte[]> r = client(layout, Duration.ofSeconds(2)).send(url(layout, id), "GET", "/v1/cluster");
        return r.statusCode() == 200 ? new JsonObject(new String(r.body(), StandardCharsets.UTF_8)) : null;
      } catch (IOException | RuntimeException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** A client with the cluster's credentials, when it is secure (the CA and the admin token). */
    Client client(LocalClusterLayout layout, Duration timeout) {
      return new Client(timeout, LocalClusterSecurity.of(dir, layout));
    }

    /** Node {@code id}'s URL, {@code http://} or {@code https://}. */
    String url(LocalClusterLayout layout, String id) {
      return LocalClusterSecurity.of(dir, layout).url(layout.http(id));
    }

    /** The ids of the members in a {@code GET /v1/cluster} answer. */
    static Set<String> memberIds(JsonObject cluster) {
      Set<String> ids = new LinkedHashSet<>();
      JsonArray members = cluster.getJsonArray("members");
      for (int i = 0; i < members.size(); i++) ids.add(members.getJsonObject(i).getString("id"));
      return ids;
    }

    /** What {@code log} holds after its first {@code from} bytes. */
    static String tail(Path log, long from) throws IOException {
      if (!Files.exists(log)) return "";
      byte[] all = Files.readAllBytes(log);
      int start = (int) Math.min(from, all.length);
      return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Starts one more node in the local cluster running in --data-dir (the next free id, free ports).",
          "It joins as a learner; with --promote it then becomes a voter once caught up.",
          "Prints its URL once the cluster counts it, and how to promote or remove it."})
  static final class Add extends Change {
    @Option(names = "--promote", description = "make it a voter once it has caught up")
    boolean promote;

    @Override
    int change(LocalClusterLayout current) throws Exception {
      JsonObject seen = null;
      for (String id : current.activeIds()) {
        seen = cluster(current, id);
        if (seen != null) break;
      }
      if (seen == null) {
        err().println("error: no node of the local cluster in " + dir + " answers at its HTTP address "
            + current.activeIds() + "; see the logs in " + dir.resolve("logs"));
        return 1;
      }
      String id;
      LocalClusterLayout layout;
      try (FileChannel lock = LocalClusterLayout.lock(dir, LocalClusterLayout.CHANGE_LOCK_FILE)) {
        layout = LocalClusterLayout.load(dir);
        id = layout.add(memberIds(seen), promote);
        layout.save(dir);
      }
      Path log = log(id);
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      out().printf("adding node %s to local cluster '%s' (%s)...%n", id, layout.clusterId(),
          promote ? "a learner, then a voter once caught up" : "as a learner");
      out().flush();
      String what = promote ? "a voter" : "a learner";
      long startedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(10, timeoutSeconds));
      long deadline = deadline();
      String takeOut = "bin/bellwether local-cluster remove " + id + " --data-dir " + dataDir;
      while (System.nanoTime() < deadline) {
        String since = tail(log, logStart);
        if (since.contains(LOG_PREFIX + "node " + id + " exited")) {
          err().println("error: node " + id + " exited before it became " + what + "; the end of its log ("
              + log + "):");
          since.lines().skip(Math.max(0, since.lines().count() - 15)).forEach(l -> err().println("  " + l));
          err().println("It stays in the layout; '" + takeOut + "' takes it out.");
          return 1;
        }
        if (!since.contains(LOG_PREFIX + "starting node " + id) && System.nanoTime() > startedBy) {
          err().println("error: the local cluster running in " + dir + " did not start " + id
              + " (is it an older bellwether, which cannot add nodes? restart it); '" + takeOut + "' takes it out");
          return 1;
        }
        if (!LocalClusterLayout.launcherRunning(dir)) {
          err().println("error: the local cluster in " + dir + " stopped before " + id + " became " + what);
          return 1;
        }
        if (is(cluster(layout, id), id, promote)) {
          out().printf("node %s joined local cluster '%s' as %s%n", id, layout.clusterId(), what);
          out().printf("  %s  %s  peer %s  log %s%n", id, url(layout, id), layout.peer(id), log);
          if (!promote) {
            out().printf("make it a voter:  %s%n", LocalClusterSecurity.of(dir, layout)
                .adminCommand("bin/bellwether member promote " + id + " --url " + url(layout, id)));
          }
          out().printf("take it out:      %s%n", takeOut);
          return 0;
        }
        Thread.sleep(200);
      }
      err().println("error: " + id + " did not become " + what + " within " + timeoutSeconds
          + "s; it is still running and trying (see " + log + "); '" + takeOut + "' takes it out");
      return 1;
    }

    /** Whether {@code cluster} (as the new node sees it) has {@code id}, as a voter if asked, committed. */
    private static boolean is(JsonObject cluster, String id, boolean voter) {
      if (cluster == null || cluster.getBoolean("changePending", true)) return false;
      JsonArray members = cluster.getJsonArray("members");
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        if (m.getString("id").equals(id)) return !voter || m.getBoolean("voter");
      }
      return false;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Removes node ID from the local cluster running in --data-dir (DELETE /v1/members/ID through another node), then stops it.",
          "Later runs of the local cluster do not start it again; its data directory stays."})
  static final class Remove extends Change {
    @Parameters(index = "0", paramLabel = "ID", description = "a node of the local cluster (n1, n2, ...)")
    String id;

    @Override
    int change(LocalClusterLayout layout) throws Exception {
      if (!layout.allIds().contains(id)) {
        err().println("error: " + id + " is not a node of the local cluster in " + dir + " (its nodes: "
            + String.join(", ", layout.activeIds()) + ")");
        return 1;
      }
      if (layout.removedIds().contains(id)) {
        out().println("OK " + id + " was removed already");
        return 0;
      }
      List<String> via = new ArrayList<>(layout.activeIds());
      via.remove(id);
      via.add(id); // the node itself last: it forwards to the leader too
      int code = removeThrough(layout, via, true);
      if (code != 0) return code;
      boolean running = cluster(layout, id) != null;
      Path log = log(id);
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      try (FileChannel lock = LocalClusterLayout.lock(dir, LocalClusterLayout.CHANGE_LOCK_FILE)) {
        LocalClusterLayout now = LocalClusterLayout.load(dir);
        now.markRemoved(id);
        now.save(dir);
      }
      // Until the process has exited, not only stopped answering HTTP: it leaves discovery last.
      long deadline = deadline();
      while (running && !tail(log, logStart).contains(LOG_PREFIX + "node " + id + " exited")) {
        if (System.nanoTime() > deadline) {
          err().println("error: " + id + " is removed, but its process has not exited " + timeoutSeconds
              + "s later; is the local cluster still running? (see " + log + ")");
          return 1;
        }
        Thread.sleep(200);
      }
      // With Hazelcast discovery the leader's membership autopilot adds every node it discovers, and
      // may have added this one back while it was still running: now that it is gone, remove it again.
      via.remove(id);
      for (String other : via) {
        JsonObject seen = cluster(layout, other);
        if (seen == null) continue;
        if (memberIds(seen).contains(id)) {
          code = removeThrough(layout, via, false);
          if (code != 0) return code;
        }
        break;
      }
      out().println("node " + id + " is stopped; the local cluster will not start it again (its data stays in "
          + dir.resolve(id) + ")");
      return 0;
    }

    /**
     * {@code DELETE /v1/members/ID} through the first node that can be reached; 0 once it is not a
     * member. Prints the outcome when {@code report}, errors always.
     */
    private int removeThrough(LocalClusterLayout layout, List<String> via, boolean report) throws InterruptedException {
      Client client = client(layout, Duration.ofSeconds(timeoutSeconds));
      for (String node : via) {
        HttpResponse<byte[]> r;
        try {
          r = client.send(url(layout, node), "DELETE", "/v1/members/" + id);
        } catch (ConnectException | HttpConnectTimeoutException down) {
          continue; // nothing was sent: ask the next node
        } catch (IOException e) {
          err().println("error: no answer from " + node + " (" + e + "); the removal may or may not have happened:"
              + " '" + LocalClusterSecurity.of(dir, layout).adminCommand("bin/bellwether member list --url " + url(layout, node))
              + "' shows it; asking again is safe");
          return ClientCommands.EXIT_OUTCOME_UNKNOWN;
        }
        JsonObject body = ClientCommands.Base.json(r);
        if (r.statusCode() == 200 && body != null) {
          if (report) {
            out().println("OK " + id + " is removed (configuration " + body.getValue("configIndex") + ", leader "
                + body.getString("leader", "?") + ")");
          }
          return 0;
        }
        String error = body == null ? "HTTP_" + r.statusCode() : body.getString("error", "HTTP_" + r.statusCode());
        if (r.statusCode() == 404 && error.equals("NOT_A_MEMBER")) {
          if (report) out().println("OK " + id + " is not a member of the cluster (any more)");
          return 0;
        }
        err().println("error " + error + " (HTTP " + r.statusCode() + "): "
            + (body == null ? ClientCommands.Base.text(r) : body.getString("message", "")));
        return r.statusCode() == 504 || body == null ? ClientCommands.EXIT_OUTCOME_UNKNOWN : ClientCommands.EXIT_FAILED;
      }
      err().println("error: no node of the local cluster answers " + via + "; nothing was removed");
      return 1;
    }
  }

  /** {@link ApiClient} against any of several nodes. */
  record Client(Duration timeout, LocalClusterSecurity security) {
    HttpResponse<byte[]> send(String url, String method, String path) throws IOException, InterruptedException {
      return security.client(url, timeout).send(method, path, null, Map.of());
    }
  }
}