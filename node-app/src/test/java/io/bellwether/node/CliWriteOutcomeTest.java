package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.node.cli.ClientCommands;
import io.bellwether.node.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Goal: {@code put} and {@code delete} exit with 1 ("failed, and the write certainly did not
 * happen") only when that is known, and with 3 ("outcome unknown") whenever the request may have
 * reached a node and no answer says it did not happen. Method: the commands through picocli, as
 * {@code bin/bellwether} runs them, against a {@link FakeHttpServer} that answers as each test says.
 */
class CliWriteOutcomeTest {

  static FakeHttpServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new FakeHttpServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run put(String key) throws InterruptedException {
    server.received.clear();
    Run r = run("put", key, "v", "--url", server.url(), "--timeout", "5");
    assertThat(server.received.poll(5, TimeUnit.SECONDS)).as("the request reached the server").startsWith("PUT ");
    return r;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      // A node's bug: exited 1, "certainly did not happen".
      "500 | application/json | {\"error\":\"INTERNAL\",\"message\":\"java.lang.IllegalStateException\"}",
      // A proxy in front of the node.
      "502 | text/html        | <html>Bad Gateway</html>",
      "503 | text/plain       | Service Unavailable",
      // A success whose body cannot be read: exited 1 through a NullPointerException.
      "200 | text/plain       | OK",
  })
  void aWriteWithoutACertainNoIsOutcomeUnknown(int status, String contentType, String body) throws Exception {
    server.behave(FakeHttpServer.respond(status, contentType, body));
    Run r = put("k-" + status);
    assertThat(r.code()).as(r.err()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    assertThat(r.err()).contains("may or may not");
  }

  @Test
  void aConnectionBrokenAfterSendingIsOutcomeUnknown() throws Exception {
    // Before, the IOException escaped to picocli: a stack trace and exit 1.
    server.behave(FakeHttpServer.closeAfterReading());
    Run r = put("k-closed");
    assertThat(r.code()).as(r.err()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    assertThat(r.err()).contains("may or may not");

    server.received.clear();
    Run d = run("delete", "k-closed", "--url", server.url());
    assertThat(d.code()).as(d.err()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
  }

  @Test
  void theNodesOwnNoStaysACertainNo() throws Exception {
    server.behave(FakeHttpServer.respond(503, "application/json", "{\"error\":\"NO_LEADER\",\"message\":\"no leader known\"}"));
    assertThat(put("k-503").code()).isEqualTo(ClientCommands.EXIT_FAILED);
    server.behave(FakeHttpServer.respond(429, "application/json", "{\"error\":\"OVERLOADED\",\"message\":\"busy\"}"));
    assertThat(put("k-429").code()).isEqualTo(ClientCommands.EXIT_FAILED);
    server.behave(FakeHttpServer.respond(412, "application/json",
        "{\"error\":\"VERSION_MISMATCH\",\"message\":\"no\",\"currentVersion\":3}"));
    assertThat(put("k-412").code()).isEqualTo(ClientCommands.EXIT_MISMATCH);
    server.behave(FakeHttpServer.respond(504, "application/json", "{\"error\":\"OUTCOME_UNKNOWN\",\"message\":\"?\"}"));
    assertThat(put("k-504").code()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    server.behave(FakeHttpServer.respond(200, "application/json", "{\"key\":\"k\",\"version\":4,\"index\":4}"));
    Run ok = put("k-200");
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).startsWith("OK k version=4 index=4");
  }

  private static Run transfer() throws InterruptedException {
    server.received.clear();
    Run r = run("leader", "transfer", "--to", "n2", "--url", server.url(), "--timeout", "5");
    assertThat(server.received.poll(5, TimeUnit.SECONDS)).as("the request reached the server")
        .isEqualTo("POST /v1/leader/transfer HTTP/1.1");
    return r;
  }

  @Test
  void aLeaderTransferExitsLikeAWrite() throws Exception {
    // Moving the leadership is an effect too: 1 only when the node said it did not happen.
    server.behave(FakeHttpServer.respond(200, "application/json", "{\"leader\":\"n2\",\"from\":\"n1\"}"));
    Run ok = transfer();
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("OK leader n2 (was n1)\n");
    server.behave(FakeHttpServer.respond(503, "application/json", "{\"error\":\"NO_LEADER\",\"message\":\"no leader known\"}"));
    assertThat(transfer().code()).isEqualTo(ClientCommands.EXIT_FAILED);
    server.behave(FakeHttpServer.respond(400, "application/json", "{\"error\":\"INVALID_REQUEST\",\"message\":\"no\"}"));
    assertThat(transfer().code()).isEqualTo(ClientCommands.EXIT_FAILED);
    server.behave(FakeHttpServer.respond(504, "application/json", "{\"error\":\"OUTCOME_UNKNOWN\",\"message\":\"?\"}"));
    assertThat(transfer().code()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    server.behave(FakeHttpServer.respond(502, "text/html", "<html>Bad Gateway</html>"));
    Run proxy = transfer();
    assertThat(proxy.code()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    assertThat(proxy.err()).contains("leadership transfer").contains("may or may not");
    server.behave(FakeHttpServer.respond(200, "text/plain", "OK"));
    assertThat(transfer().code()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    server.behave(FakeHttpServer.closeAfterReading());
    Run broken = transfer();
    assertThat(broken.code()).isEqualTo(ClientCommands.EXIT_OUTCOME_UNKNOWN);
    assertThat(broken.err()).contains("a leadership transfer may or may not have happened");
  }

  @Test
  void readsStillFailWithOne() throws Exception {
    server.behave(FakeHttpServer.respond(500, "text/plain", "oops"));
    Run r = run("get", "k", "--url", server.url());
    assertThat(r.code()).isEqualTo(ClientCommands.EXIT_FAILED);
  }

  @Test
  void aValueFileThatCannotBeReadIsACertainNo() {
    Run r = run("put", "k", "--file", "/nonexistent/bellwether-value", "--url", server.url());
    assertThat(r.code()).isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(r.err()).contains("bellwether-value");
  }
}
