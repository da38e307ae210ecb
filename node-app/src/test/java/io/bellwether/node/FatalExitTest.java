package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.node.cli.FreePorts;
import io.bellwether.node.cli.Main;
import io.bellwether.node.cli.NodeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: a node whose storage fails while it runs does not linger as a zombie that answers HTTP but
// takes no part in the cluster: `bellwether node` closes everything and exits with EXIT_FATAL,
// naming the cause, so a supervisor can restart it from its durable state.
// Method: the real `node` command in this JVM with a test storage provider whose syncs start failing
// after three; HTTP writes keep the node syncing until it gives up.
class FatalExitTest {

  @Test
  void aStorageFailureWhileRunningEndsTheNodeCommandWithTheFatalExitCode() throws Exception {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    int http = FreePorts.next();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.commandLine()
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("node", "--node-id", "n1", "--storage", "failing-inmem", "--transport", "inmem",
            "--peer-listen", "127.0.0.1:" + FreePorts.next(), "--http-listen", "127.0.0.1:" + http,
            "--tick", "20ms", "--set", "storage.failing.after.syncs=3", "--set", "shutdown.grace=0"));

    // Writes make the node sync; the failing syncs begin after the first few (the election's).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int i = 0; !exit.isDone() && System.nanoTime() < deadline; i++) {
      try {
        Http.put("http://127.0.0.1:" + http + "/v1/kv/k" + i, "v");
      } catch (Exception refusedOrReset) {
        // the node is going away: expected once the disk fails
      }
    }
    int code = exit.completeOnTimeout(-1, 5, TimeUnit.SECONDS).join(); // -1: still running

    assertThat(code).as("stdout: %s%nstderr: %s", out, err).isEqualTo(NodeCommand.EXIT_FATAL);
    assertThat(err.toString()).contains("node n1 stopped on an unrecoverable error")
        .contains("injected disk failure");
    assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", http).close())
        .as("the HTTP server was closed").isInstanceOf(java.net.ConnectException.class);
  }
}
