package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: with {@code kv.state=mapdb}, a follower whose data directory was wiped catches up through
 * InstallSnapshot from the leader's layer files (streamed, written to its own layer files as they
 * arrive), and then holds every key, deleted keys staying deleted. Method: three nodes over the MapDB
 * log store, snapshots every 20 entries with no catch-up tail (so the leader's log no longer has what
 * the wiped node lacks); writes and deletes, one follower stopped and wiped, more writes, restart.
 */
class KvStateCatchUpTest {

  @TempDir Path dir;

  @Test
  void aWipedFollowerCatchesUpFromTheLeadersLayers() throws Exception {
    try (TestCluster c = TestCluster.startEach(3, id -> Map.of("storage", "mapdb",
        "data.dir", dir.resolve(id).toString(), "snapshot.entries", "20", "snapshot.catchup.entries", "0"))) {
      BellwetherNode leader = c.awaitLeader();
      for (int i = 0; i < 60; i++) put(leader, "k" + i, "v" + i);
      for (int i = 0; i < 60; i += 10) {
        assertThat(Http.delete(leader.httpUrl() + "/v1/kv/k" + i).statusCode()).isEqualTo(200);
      }
      BellwetherNode follower = c.aFollower();
      NodeConfig config = follower.config();
      follower.close();
      c.nodes.remove(follower);
      for (int i = 60; i < 120; i++) put(leader, "k" + i, "v" + i);
      wipe(config.dataDir());

      BellwetherNode back = BellwetherNode.start(config, Modules.fromClasspath());
      c.nodes.add(back);
      long commit = leader.status().commitIndex();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> back.status().appliedIndex() >= commit && back.status().snapshotsInstalled() >= 1);
      for (int i = 0; i < 120; i++) {
        var r = Http.get(back.httpUrl() + "/v1/kv/k" + i + "?consistency=stale");
        if (i < 60 && i % 10 == 0) assertThat(r.statusCode()).as("k%d was deleted", i).isEqualTo(404);
        else assertThat(r.body()).as("k%d", i).isEqualTo("v" + i);
      }
      try (Stream<Path> files = Files.list(config.dataDir().resolve("kv"))) {
        assertThat(files.map(p -> p.getFileName().toString())).as("the state arrived as layer files")
            .anyMatch(n -> n.matches("L[0-9]+\\.sst"));
      }
    }
  }

  private static void put(BellwetherNode node, String key, String value) {
    assertThat(Http.putEventually(node.httpUrl() + "/v1/kv/" + key, value).statusCode()).isEqualTo(200);
  }

  private static void wipe(Path path) throws Exception {
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
