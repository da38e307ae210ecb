package io.bellwether.node.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether member list|add|promote|remove}: the cluster's configuration, and changes to it
 * one server at a time, through any node ({@code GET /v1/cluster}, {@code POST /v1/members}, {@code
 * POST /v1/members/ID/promote}, {@code DELETE /v1/members/ID}; a follower forwards changes to the
 * leader).
 *
 * <p>Exit codes as for a write ({@link ClientCommands}), since a change is one: 0 done (or already
 * so); 1 certainly not changed (409 {@code CHANGE_IN_PROGRESS}, {@code NOT_CAUGHT_UP}, {@code
 * CONFLICT}, {@code LAST_VOTER}, {@code QUORUM_AT_RISK}, a bad request, no leader, nothing reachable); 2 bad usage; 3 outcome
 * unknown (asking again is safe: what is already so is a no-op); 4 not a member.
 */
@Command(name = "member", mixinStandardHelpOptions = true,
    description = "Lists the cluster's members, or changes them one at a time.",
    subcommands = {MemberCommand.ListMembers.class, MemberCommand.Add.class, MemberCommand.Promote.class,
        MemberCommand.Remove.class})
public final class MemberCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: bellwether member list|add|promote|remove");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Prints the configuration the node at --url uses: each member, voter or learner, with its addresses.")
  public static final class ListMembers extends ClientCommands.Base {
    @Option(names = "--json", description = "print the raw JSON of GET /v1/cluster") boolean raw;

    @Override
    HttpResponse<byte[]> send(ApiClient client) throws IOException, InterruptedException {
      return client.send("GET", "/v1/cluster", null, Map.of());
    }

    @Override
    void onSuccess(HttpResponse<byte[]> response) {
      JsonObject c = json(response);
      if (raw) {
        out().println(c.encodePrettily());
        return;
      }
      out().printf("configuration %d%s, as node %s sees it (leader %s)%n", c.getLong("configIndex"),
          c.getBoolean("changePending") ? " (not committed yet)" : "", c.getString("node"),
          c.getString("leader", "unknown"));
      out().printf("%-10s %-7s %-10s %-22s %-22s %-10s %-6s%n", "MEMBER", "VOTER", "ROLE", "PEER", "HTTP", "MATCH", "LAG");
      JsonArray members = c.getJsonArray("members");
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        out().printf("%-10s %-7s %-10s %-22s %-22s %-10s %-6s%n", m.getString("id"),
            m.getBoolean("voter") ? "yes" : "no", m.getString("role"), orDash(m.getValue("peerAddress")),
            orDash(m.getValue("httpAddress")), orDash(m.getValue("matchIndex")), orDash(m.getValue("lag")));
      }
    }
  }

  /** A change: the outcome may be unknown, and 1 must mean "certainly not changed". */
  abstract static class Change extends ClientCommands.Base {
    @Override
    boolean isWrite() {
      return true;
    }

    @Override
    String action() {
      return "membership change";
    }

    /** {@code OK <what> (configuration N, leader L)}. */
    void printOk(HttpResponse<byte[]> response, String what) {
      JsonObject body = json(response);
      Object index = ClientCommands.required(body, "configIndex");
      ClientCommands.required(body, "members");
      out().println("OK " + what + " (configuration " + index + ", leader " + body.getString("leader", "?") + ")");
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Adds a node as a learner: it gets the log but does not vote until promoted.",
          "The same node at the same addresses again changes nothing."})
  public static final class Add extends Change {
    @Parameters(index = "0", paramLabel = "ID", description = "the new node's id") String id;
    @Option(names = "--peer", required = true, paramLabel = "HOST:PORT", description = "its node-to-node address")
    String peer;
    @Option(names = "--http", required = true, paramLabel = "HOST:PORT", description = "its HTTP API address")
    String http;

    @Override
    HttpResponse<byte[]> send(ApiClient client) throws IOException, InterruptedException {
      String body = new JsonObject().put("id", id).put("peerAddress", peer).put("httpAddress", http).encode();
      return client.send("POST", "/v1/members", body.getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/json"));
    }

    @Override
    void onSuccess(HttpResponse<byte[]> response) {
      printOk(response, id + " is a member");
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Makes a learner a voter, once it has caught up with the leader.",
          "A learner still behind is refused (NOT_CAUGHT_UP, with its lag): try again later."})
  public static final class Promote extends Change {
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    HttpResponse<byte[]> send(ApiClient client) throws IOException, InterruptedException {
      return client.send("POST", "/v1/members/" + path(id) + "/promote", new byte[0], Map.of());
    }

    @Override
    void onSuccess(HttpResponse<byte[]> response) {
      printOk(response, id + " is a voter");
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = {"Removes a member, learner or voter. Removing the leader hands its leadership over first.",
          "Stop the removed node afterwards; to bring it back, wipe its data directory and start it with --join."})
  public static final class Remove extends Change {
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    HttpResponse<byte[]> send(ApiClient client) throws IOException, InterruptedException {
      return client.send("DELETE", "/v1/members/" + path(id), null, Map.of());
    }

    @Override
    void onSuccess(HttpResponse<byte[]> response) {
      printOk(response, id + " is removed");
    }
  }

  private static String path(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String orDash(Object o) {
    return o == null ? "-" : o.toString();
  }
}
