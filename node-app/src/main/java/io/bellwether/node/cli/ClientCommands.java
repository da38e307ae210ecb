package io.bellwether.node.cli;

import io.bellwether.node.http.ApiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The client commands' exit codes, and the raw-HTTP base of {@code status}, {@code leader transfer}
 * ({@link LeaderCommand}) and {@code member} ({@link MemberCommand}). The key-value commands {@code
 * put}, {@code get}, {@code delete} and {@code scan} are {@link KvCommands}, on the Java client; all
 * talk to the HTTP API of the node at {@code --url}.
 *
 * <p>Exit codes: 0 done; 1 failed, and a write certainly did not happen; 3 outcome unknown (the write
 * may have happened); 4 key not found; 5 condition failed (version mismatch).
 *
 * <p>For a write, 1 (and 4, 5) is a promise that it did not happen, so it is given only when that is
 * known: the connection could not be opened (nothing was sent), or the node answered with one of the
 * API's "did not happen" statuses in Bellwether's own error format. Every other ending of a write (no
 * answer in time, a connection broken after sending, a 500, a 502 or 503 from a proxy, an answer that
 * cannot be read, even a success whose body cannot be read) is 3.
 */
public final class ClientCommands {

  public static final int EXIT_FAILED = 1;
  public static final int EXIT_OUTCOME_UNKNOWN = 3;
  public static final int EXIT_NOT_FOUND = 4;
  public static final int EXIT_MISMATCH = 5;

  private ClientCommands() {}

  /** Common flow: send, print, map the answer to an exit code. */
  abstract static class Base extends TargetCommand {

    @Override
    public Integer call() throws Exception {
      try {
        prepare();
      } catch (IOException e) {
        err().println("error: " + e); // nothing was sent
        return EXIT_FAILED;
      }
      ApiClient client;
      try {
        client = target.client();
      } catch (IOException e) {
        err().println("error: " + e.getMessage()); // nothing was sent
        return EXIT_FAILED;
      }
      HttpResponse<byte[]> response;
      try {
        response = send(client);
      } catch (SSLHandshakeException e) {
        // The handshake comes before the request: nothing reached the node.
        err().println("error: TLS handshake with " + target.url + " failed (" + e.getMessage() + "): is the node's"
            + " certificate signed by a CA that --cacert trusts, for this host name? Does the node require a client"
            + " certificate (--cert, --key)?");
        return EXIT_FAILED;
      } catch (ConnectException | HttpConnectTimeoutException e) {
        // The connection was never opened: nothing reached the node. (HttpConnectTimeoutException is
        // an HttpTimeoutException, so it must be caught before the one below.)
        err().println("error: cannot connect to " + target.url + " (" + e.getMessage() + ")");
        return EXIT_FAILED;
      } catch (HttpTimeoutException e) {
        err().println("error: no answer from " + target.url + " within " + target.timeoutSeconds
            + "s; a " + action() + " may or may not have happened");
        return EXIT_OUTCOME_UNKNOWN;
      } catch (IOException e) {
        // Connected, then the connection broke (reset, closed before the answer): the request may
        // have been read and carried out. Before, this escaped to picocli, which exits with 1.
        err().println("error: no answer from " + target.url + " (" + e + "); a " + action() + " may or may not have happened");
        return EXIT_OUTCOME_UNKNOWN;
      }
      if (response.statusCode() / 100 == 2) {
        try {
          onSuccess(response);
          return 0;
        } catch (RuntimeException unreadable) {
          // Not an answer of this API (a missing or broken body, another server at this URL). Before,
          // the exception escaped to picocli, which exits with 1: "failed", for a write that the
          // status says happened.
          err().println("error: HTTP " + response.statusCode() + " with an answer this client cannot read ("
              + unreadable + "): " + text(response) + (isWrite() ? "; the " + action() + " may or may not have happened" : ""));
          return isWrite() ? EXIT_OUTCOME_UNKNOWN : EXIT_FAILED;
        }
      }
      return onError(response);
    }

    /** Work before anything is sent (reading the value); an IOException here means nothing was sent. */
    void prepare() throws IOException {}

    abstract HttpResponse<byte[]> send(ApiClient client) throws IOException, InterruptedException;

    /** Prints the answer; throws (any RuntimeException) if the answer cannot be read. */
    abstract void onSuccess(HttpResponse<byte[]> response);

    /** Whether this command writes: then a failure is "did not happen" (1) only when that is certain. */
    boolean isWrite() {
      return false;
    }

    /** What the messages call the command's effect when its outcome is unknown. */
    String action() {
      return "write";
    }

    int onError(HttpResponse<byte[]> response) {
      JsonObject body = json(response);
      String code = body == null ? null : body.getValue("error") instanceof String c && !c.isBlank() ? c : null;
      String message = body == null ? text(response) : body.getString("message", "");
      int status = response.statusCode();
      if (isWrite() && (code == null || !ApiError.WRITE_NOT_DONE_STATUSES.contains(status))) {
        // A 500 or 502, a 503 that is not the node's own, an answer that is not JSON: none of these
        // says the write did not happen, and it may have reached the node.
        err().println("error " + (code == null ? "HTTP_" + status : code) + " (HTTP " + status + "): " + message
            + (status == 504 ? "" : " (not an answer that says the " + action() + " did not happen: it may or may not have)"));
        return EXIT_OUTCOME_UNKNOWN;
      }
      err().println("error " + (code == null ? "HTTP_" + status : code) + " (HTTP " + status + "): " + message);
      if (status == 401) err().println("give a bearer token with --token or $BELLWETHER_TOKEN");
      if (status == 403) err().println("the token's role does not allow this; ask for a token with the role it needs");
      return switch (status) {
        case 404 -> EXIT_NOT_FOUND;
        case 412 -> EXIT_MISMATCH;
        case 504 -> EXIT_OUTCOME_UNKNOWN;
        default -> EXIT_FAILED;
      };
    }

    static JsonObject json(HttpResponse<byte[]> response) {
      try {
        return new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
      } catch (DecodeException | ClassCastException e) {
        return null;
      }
    }

    static String text(HttpResponse<byte[]> response) {
      String t = new String(response.body(), StandardCharsets.UTF_8).strip();
      return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
  }


  /** {@code body.field}, or an exception saying the answer cannot be read. */
  static Object required(JsonObject body, String field) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) throw new IllegalStateException("the answer has no '" + field + "'");
    return v;
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows the cluster as a node sees it.")
  public static final class Status extends Base {
    @Option(names = "--json", description = "print the raw JSON") boolean raw;

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
      out().printf("node %s: %s, term %d, leader %s, commit %d, applied %d%n", c.getString("node"),
          c.getString("role"), c.getLong("term"), c.getString("leader", "(none)"), c.getLong("commitIndex"),
          c.getLong("appliedIndex"));
      out().printf("%-10s %-10s %-22s %-22s %-10s %-6s%n", "MEMBER", "ROLE", "HTTP", "PEER", "MATCH", "LAG");
      JsonArray members = c.getJsonArray("members");
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        out().printf("%-10s %-10s %-22s %-22s %-10s %-6s%n", m.getString("id"), m.getString("role"),
            orDash(m.getValue("httpAddress")), orDash(m.getValue("peerAddress")), orDash(m.getValue("matchIndex")),
            orDash(m.getValue("lag")));
      }
    }

    private static String orDash(Object o) {
      return o == null ? "-" : o.toString();
    }
  }
}
