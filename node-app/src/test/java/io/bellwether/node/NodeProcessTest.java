package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code bellwether node} runs as a process, serves the API, and stops gracefully on SIGTERM.
 * Method: start a single-voter node from the test classpath with the default modules, wait for
 * /health/ready, write and read, then send SIGTERM.
 */
class NodeProcessTest {

  @TempDir Path dir;

  @Test
  void aSingleNodeProcessServesAndStopsOnSigterm() throws Exception {
    int http = TestCluster.freePort();
    int peer = TestCluster.freePort();
    String base = "http://127.0.0.1:" + http;
    try (NodeProcess node = NodeProcess.fromClasspath(dir.resolve("node.log"), "node", "--node-id", "solo",
        "--voters", "solo", "--http-listen", "127.0.0.1:" + http, "--peer-listen", "127.0.0.1:" + peer,
        "--data-dir", dir.resolve("data").toString(), "--tick", "20ms")) {
      node.awaitOutput("serving " + base, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> Http.get(base + "/health/ready").statusCode() == 200);

      HttpResponse<String> put = Http.put(base + "/v1/kv/process/key", "from a test");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      HttpResponse<String> get = Http.get(base + "/v1/kv/process/key");
      assertThat(get.body()).isEqualTo("from a test");
      assertThat(get.headers().firstValue("X-Bellwether-Node")).contains("solo");

      node.stop(Duration.ofSeconds(20));
      assertThat(node.output()).contains("node solo stopped");
    }
  }
}
