package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.node.cli.ClientCommands;
import io.bellwether.node.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the client commands print readable answers and exit with the documented codes. Method: run
 * them through picocli, as {@code bin/bellwether} does, against a single-node cluster in this JVM.
 */
class CliTest {

  static TestCluster cluster;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(1, Map.of());
    cluster.awaitLeader();
    url = cluster.nodes.get(0).httpUrl();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * The one-call commands run as {@code bin/bellwether} runs them, in a JVM of their own through
   * {@code Main.main}, and load only what they need: that is what brought a command from 1.1-1.5 s
   * to about a third of a second (docs/BENCHMARKS.md, "The command line"). No Logback (its
   * configuration alone is 0.3 s), no {@code java.net.http} client (0.3 s to build, 0.3 s more at
   * exit), nothing of the node's server side.
   */
  @Test
  void oneCallCommandsInTheirOwnJvmLoadOnlyWhatTheyNeed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String[][] commands = {
      {"put", "own-jvm", "from a process", "--url", url},
      {"get", "own-jvm", "--url", url},
      {"status", "--url", url},
    };
    String[] expected = {"OK own-jvm version=", "from a process", "node n1: leader"};
    for (int i = 0; i < commands.length; i++) {
      java.nio.file.Path classes = dir.resolve(commands[i][0] + ".classes");
      java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
          java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
          "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
          Main.class.getName()));
      cmd.addAll(java.util.List.of(commands[i]));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).as(String.join(" ", commands[i])).startsWith(expected[i]);
      String loaded = java.nio.file.Files.readString(classes);
      assertThat(loaded).as("classes loaded by " + commands[i][0])
          .contains("io.bellwether.client.ShortLivedHttp")
          .doesNotContain("ch.qos.logback.classic.LoggerContext")
          .doesNotContain("jdk.internal.net.http.HttpClientImpl")
          .doesNotContain("io.bellwether.node.cli.NodeCommand")
          .doesNotContain("io.bellwether.node.BellwetherNode")
          .doesNotContain("com.hazelcast");
    }
  }

  @Test
  void putGetDeleteRoundTrip() {
    Run put = run("put", "greeting/en", "hello world", "--url", url);
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.out()).startsWith("OK greeting/en version=");

    Run get = run("get", "greeting/en", "--url", url, "-v");
    assertThat(get.code()).isZero();
    assertThat(get.out()).startsWith("hello world\n").contains("appliedIndex=").contains("node=n1");

    Run stale = run("get", "greeting/en", "--url", url, "--consistency", "stale");
    assertThat(stale.out()).isEqualTo("hello world\n");

    Run scan = run("scan", "greeting/", "--url", url);
    assertThat(scan.out()).contains("greeting/en").contains("= hello world");

    Run delete = run("delete", "greeting/en", "--url", url);
    assertThat(delete.code()).isZero();
    assertThat(delete.out()).startsWith("DELETED greeting/en");

    Run missing = run("get", "greeting/en", "--url", url);
    assertThat(missing.code()).isEqualTo(ClientCommands.EXIT_NOT_FOUND);
    assertThat(missing.err()).contains("NOT_FOUND");
  }

  @Test
  void conditionsAndTheirExitCodes() {
    assertThat(run("put", "cli-cas", "one", "--if-absent", "--url", url).code()).isZero();
    Run again = run("put", "cli-cas", "two", "--if-absent", "--url", url);
    assertThat(again.code()).isEqualTo(ClientCommands.EXIT_MISMATCH);
    assertThat(again.err()).contains("VERSION_MISMATCH").contains("HTTP 412");
    Run bad = run("get", "cli-cas", "--consistency", "eventual", "--url", url);
    assertThat(bad.code()).isEqualTo(ClientCommands.EXIT_FAILED);
    // Checked by the client before sending: nothing reaches the node.
    assertThat(bad.err()).contains("unknown consistency 'eventual'");
    Run lease = run("get", "cli-cas", "--consistency", "lease", "--url", url);
    assertThat(lease.code()).isZero();
    assertThat(lease.out()).contains("one");
  }

  @Test
  void statusPrintsTheMembers() {
    Run status = run("status", "--url", url);
    assertThat(status.code()).isZero();
    assertThat(status.out()).contains("node n1: leader").contains("MEMBER").contains("n1");
    assertThat(run("status", "--json", "--url", url).out()).contains("\"commitIndex\"");
  }

  @Test
  void leaderTransferOnASingleNodeSaysItAlreadyLeads() {
    Run r = run("leader", "transfer", "--url", url);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("OK leader n1 (already the leader)\n");
    Run unknown = run("leader", "transfer", "--to", "n2", "--url", url);
    assertThat(unknown.code()).isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(unknown.err()).contains("INVALID_REQUEST").contains("HTTP 400").contains("'n2' is not a voter");
    Run noSubcommand = run("leader");
    assertThat(noSubcommand.code()).isEqualTo(2);
    assertThat(noSubcommand.err()).contains("Missing subcommand").contains("leader transfer");
  }

  @Test
  void anUnreachableNodeIsAClearError() throws Exception {
    Run r = run("get", "x", "--url", "http://127.0.0.1:" + TestCluster.freePort());
    assertThat(r.code()).isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(r.err()).contains("cannot connect");
  }
}
