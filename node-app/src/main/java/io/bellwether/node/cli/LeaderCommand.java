package io.bellwether.node.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether leader transfer [--to ID]}: hands the cluster's leadership to another voter
 * ({@code POST /v1/leader/transfer} on any node, which forwards it to the leader), e.g. before
 * restarting the leader's machine.
 *
 * <p>Exit codes as for a write ({@link ClientCommands}): 0 the named voter (or the most caught-up
 * one) leads now, or already did; 1 the leadership certainly did not move (an unknown node, no
 * leader, nothing reachable); 2 bad usage; 3 outcome unknown (no answer, or the leadership did not
 * move in time and may still move: {@code bellwether status} shows who leads).
 */
@Command(name = "leader", mixinStandardHelpOptions = true, description = "Acts on the cluster's leadership.",
    subcommands = {LeaderCommand.Transfer.class})
public final class LeaderCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: bellwether leader transfer [--to ID]");
  }

  @Command(name = "transfer", mixinStandardHelpOptions = true,
      description = {"Hands the leadership to another voter and prints the new leader.",
          "Any node's URL will do: it forwards the request to the leader."})
  public static final class Transfer extends ClientCommands.Base {
    @Option(names = "--to", paramLabel = "ID", description = "the node to lead next (default: the most caught-up voter)")
    String to;

    @Override
    HttpResponse<byte[]> send(ApiClient client) throws IOException, InterruptedException {
      String body = (to == null ? new JsonObject() : new JsonObject().put("to", to)).encode();
      return client.send("POST", "/v1/leader/transfer", body.getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/json"));
    }

    /** Not a write, but like one its outcome may be unknown, and 1 must mean "certainly did not move". */
    @Override
    boolean isWrite() {
      return true;
    }

    @Override
    String action() {
      return "leadership transfer";
    }

    @Override
    void onSuccess(HttpResponse<byte[]> response) {
      JsonObject body = json(response);
      Object leader = ClientCommands.required(body, "leader");
      Object from = ClientCommands.required(body, "from");
      out().println(leader.equals(from) ? "OK leader " + leader + " (already the leader)"
          : "OK leader " + leader + " (was " + from + ")");
    }
  }
}
