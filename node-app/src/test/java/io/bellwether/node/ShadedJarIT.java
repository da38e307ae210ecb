package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: the shaded jar that {@code bin/bellwether} runs is complete: its modules are found through
 * the merged ServiceLoader files and a node serves the API. Method: after {@code package}, start
 * {@code java -jar bellwether.jar node} with a single voter, wait for /health/ready, write and read.
 */
class ShadedJarIT {

  @TempDir Path dir;

  @Test
  void theShadedJarRunsANode() throws Exception {
    Path jar = Path.of(System.getProperty("bellwether.jar", "target/bellwether.jar"));
    assumeTrue(Files.isRegularFile(jar), "no shaded jar at " + jar);
    int http = TestCluster.freePort();
    String base = "http://127.0.0.1:" + http;
    try (NodeProcess node = NodeProcess.fromJar(jar, dir.resolve("node.out"), "node", "--node-id", "j1",
        "--voters", "j1", "--http-listen", "127.0.0.1:" + http, "--peer-listen", "127.0.0.1:" + TestCluster.freePort(),
        "--data-dir", dir.resolve("data").toString())) {
      node.awaitOutput("serving " + base, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> Http.get(base + "/health/ready").statusCode() == 200);
      HttpResponse<String> put = Http.put(base + "/v1/kv/jar", "shaded");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      assertThat(Http.get(base + "/v1/kv/jar").body()).isEqualTo("shaded");
      assertThat(node.output()).doesNotContain("cannot be loaded");
      node.stop(Duration.ofSeconds(30));
      assertThat(node.output()).contains("node j1 stopped");
    }
  }
}
