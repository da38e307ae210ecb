package io.bellwether.node;

import static io.bellwether.node.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.node.cli.ClientCommands;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code watch}, {@code lease ...} and {@code lock} print readable answers and exit with the
 * documented codes; {@code lock} runs its command holding the lock, with the fencing token in its
 * environment, passes the command's exit code on and releases the lock. Method: picocli, as
 * {@code bin/bellwether} runs it, against a single-node cluster in this JVM.
 */
class CoordinationCliTest {

  static TestCluster cluster;
  static String url;
  static BellwetherClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(1, Map.of());
    cluster.awaitLeader();
    url = cluster.nodes.get(0).httpUrl();
    client = BellwetherClient.builder().endpoints(url).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  @Test
  void watchPrintsOneLinePerChangeFromAnIndexOrAsJson() {
    long from = client.put("w/a", ClientWatchTest.bytes("one")).index();
    client.put("other", ClientWatchTest.bytes("x"));
    long deleted = client.delete("w/a").index();
    CliTest.Run r = run("watch", "w/", "--from-index", Long.toString(from), "--count", "2", "--url", url);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("put w/a one (index " + from + ")\ndelete w/a (index " + deleted + ")\n");

    CliTest.Run json = run("watch", "w/a", "--exact", "--json", "--from-index", Long.toString(from), "--count", "1", "--url", url);
    JsonObject e = new JsonObject(json.out().strip());
    assertThat(e.getString("type")).isEqualTo("put");
    assertThat(e.getString("value")).isEqualTo("b25l"); // "one"
    assertThat(e.getString("id")).isEqualTo(Long.toString(from));

    CliTest.Run bad = run("watch", "--exact", "--url", url);
    assertThat(bad.code()).isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(bad.err()).contains("--exact needs a KEY");
  }

  @Test
  void leaseGrantKeepaliveGetListRevoke() {
    CliTest.Run grant = run("lease", "grant", "30", "--url", url);
    assertThat(grant.code()).as(grant.err()).isZero();
    Matcher m = Pattern.compile("OK lease (\\d+) ttl=30s").matcher(grant.out());
    assertThat(m.find()).as(grant.out()).isTrue();
    String id = m.group(1);
    client.put("leased", ClientWatchTest.bytes("v"), io.bellwether.client.PutOptions.none().withLease(Long.parseLong(id)));

    assertThat(run("lease", "keepalive", id, "--url", url).out()).isEqualTo("OK lease " + id + " kept alive\n");
    assertThat(run("lease", "get", id, "--url", url).out()).startsWith("lease " + id + " ttl=30s remaining=").endsWith("keys=leased\n");
    assertThat(run("lease", "list", "--url", url).out()).contains("lease " + id + " ttl=30s");
    assertThat(run("lease", "revoke", id, "--url", url).out()).startsWith("REVOKED lease " + id + " keysDeleted=1 index=");
    assertThat(run("lease", "revoke", id, "--url", url).out()).startsWith("ABSENT lease " + id);
    CliTest.Run gone = run("lease", "keepalive", id, "--url", url);
    assertThat(gone.code()).isEqualTo(ClientCommands.EXIT_NOT_FOUND);
    assertThat(gone.err()).contains("LEASE_NOT_FOUND");
    assertThat(run("lease", "get", id, "--url", url).code()).isEqualTo(ClientCommands.EXIT_NOT_FOUND);
  }

  @Test
  void lockRunsTheCommandWithItsTokenPassesItsExitCodeOnAndReleases(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    CliTest.Run r = run("lock", "cli-lock", "--ttl", "5", "--url", url, "--",
        "sh", "-c", "echo \"$BELLWETHER_LOCK_TOKEN\" > " + file);
    assertThat(r.code()).as(r.err()).isZero();
    Matcher m = Pattern.compile("locked cli-lock \\(fencing token (\\d+)\\)").matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    assertThat(Files.readString(file).strip()).isEqualTo(m.group(1));
    assertThat(client.scan("cli-lock/", 10, Consistency.LINEARIZABLE).entries()).as("released").isEmpty();

    CliTest.Run failing = run("lock", "cli-lock", "--url", url, "--", "sh", "-c", "exit 7");
    assertThat(failing.code()).isEqualTo(7);
    Matcher second = Pattern.compile("fencing token (\\d+)").matcher(failing.err());
    assertThat(second.find()).isTrue();
    assertThat(Long.parseLong(second.group(1))).isGreaterThan(Long.parseLong(m.group(1)));
    assertThat(client.scan("cli-lock/", 10, Consistency.LINEARIZABLE).entries()).isEmpty();
  }
}
