package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.Headers;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Goal: the dashboard ({@code GET /ui}) works in a real browser. Against a real cluster it lists the
 * three members and the leader, and when the node it was loaded from (the leader) dies by kill -9 it
 * shows, within seconds, the leader the cluster actually elected, a timeline entry for its term, and
 * the killed node unreachable; its "make leader" button moves the leadership. Against a scripted member: it asks for a token only after a 401,
 * sends it, resumes with {@code Last-Event-ID} after the stream breaks, shows the member unreachable
 * meanwhile, and its SSE parser gives the same frames however the stream is cut into chunks.
 * Method: headless Chromium driven by Selenium (Debian's chromium and chromium-driver; the test
 * fails saying how to install them when they are missing); three {@code bellwether node} processes
 * (Vert.x, MapDB), as in {@code FailoverTest}; the page's state read through its stable ids
 * ({@code #members [data-member]} with {@code data-role} and {@code data-reachable}, {@code #leader},
 * {@code #timeline [data-term]}).
 */
@SuppressWarnings("unchecked") // the page's state comes back from the browser as untyped maps and lists
class DashboardBrowserIT {

  /** Reads what the tests check in one go, so no re-render can fall between two reads. */
  private static final String PAGE_STATE = """
      const text = (s) => document.querySelector(s)?.textContent ?? null;
      return {
        leader: text('#leader'),
        members: [...document.querySelectorAll('#members [data-member]')]
            .map((r) => `${r.dataset.member}:${r.dataset.role}:${r.dataset.reachable}`),
        terms: [...document.querySelectorAll('#timeline [data-term]')].map((i) => `${i.dataset.term}:${i.dataset.leader}`),
        tokenAsked: !document.querySelector('#token-form').hidden,
      };""";

  @TempDir static Path dir;
  static ChromeDriver browser;

  @BeforeAll
  static void startBrowser() {
    browser = HeadlessChromium.start(dir);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) browser.quit();
  }

  static Map<String, Object> page() {
    return (Map<String, Object>) browser.executeScript(PAGE_STATE);
  }

  @Test
  void followsTheClusterThroughAKillOfTheNodeItCameFrom() throws Exception {
    NodeProcess.Addresses addresses = NodeProcess.Addresses.free(List.of("a", "b", "c"));
    Map<String, String> http = addresses.http();
    Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    try {
      for (String id : http.keySet()) nodes.put(id, startNode(id, addresses.peers()));
      for (NodeProcess n : nodes.values()) n.awaitOutput("serving", Duration.ofSeconds(60));
      String leader = LocalClusterTest.awaitLeader(urls(http.values()), null);
      long term = cluster("http://" + http.get(leader)).getLong("term");

      browser.get("http://" + http.get(leader) + "/ui");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Map<String, Object> page = page();
        assertThat(page.get("leader")).isEqualTo(leader);
        assertThat((List<String>) page.get("members")).containsExactlyInAnyOrder(http.keySet().stream()
            .map(id -> id + ":" + (id.equals(leader) ? "leader" : "follower") + ":true").toArray(String[]::new));
        assertThat((List<String>) page.get("terms")).contains(term + ":" + leader);
      });

      long killed = System.nanoTime();
      nodes.get(leader).process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
      List<String> survivors = urls(http.entrySet().stream().filter(e -> !e.getKey().equals(leader)).map(Map.Entry::getValue).toList());
      String newLeader = LocalClusterTest.awaitLeader(survivors, leader);
      long newTerm = cluster("http://" + http.get(newLeader)).getLong("term");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        Map<String, Object> page = page();
        assertThat(page.get("leader")).isEqualTo(newLeader);
        assertThat((List<String>) page.get("members")).contains(leader + ":unknown:false", newLeader + ":leader:true");
        assertThat((List<String>) page.get("terms")).contains(newTerm + ":" + newLeader);
      });
      System.out.printf("dashboard: the page showed leader %s (term %d) and %s unreachable %d ms after the kill%n",
          newLeader, newTerm, leader, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
      assertThat(HeadlessChromium.consoleProblems(browser)).as("the browser console").noneMatch(m -> m.contains("Uncaught"));

      // The "make leader" button, on a page served by a survivor: the leadership moves to the other one.
      String other = http.keySet().stream().filter(id -> !id.equals(leader) && !id.equals(newLeader)).findFirst().orElseThrow();
      browser.get("http://" + http.get(other) + "/ui");
      await().atMost(Duration.ofSeconds(10)).until(() -> newLeader.equals(page().get("leader")));
      browser.findElement(By.cssSelector("#members [data-member='" + other + "'] button[data-action=transfer]")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> other.equals(page().get("leader")));
      assertThat(LocalClusterTest.awaitLeader(survivors, leader)).isEqualTo(other);
    } finally {
      nodes.values().forEach(NodeProcess::close);
    }
  }

  @Test
  void asksForATokenOnlyOn401AndResumesWithTheLastEventId() throws Exception {
    try (FakeMember member = new FakeMember()) {
      member.token = "s3cret-token";
      String event = new JsonObject().put("seq", 7).put("time", System.currentTimeMillis()).put("node", FakeMember.ID)
          .put("type", "leader_changed").put("term", 3).put("leader", FakeMember.ID).putNull("previousLeader")
          .put("leaderlessMs", 640).put("cause", "startup").encode();
      String status = member.status(3).encode();
      // Frames cut mid-field, mid-JSON and between \r and \n, a comment; then the stream ends, and
      // the next two attempts fail.
      member.scripts.add(FakeMember.streamThenClose("event: hel", "lo\r", "\ndata: " + member.hello(7).encode() + "\r\n\r\n",
          "event: status\ndata: " + status.substring(0, 40), status.substring(40) + "\n\n",
          ": keepalive\n\nid: 7\nevent: event\nda", "ta: " + event + "\n", "\n"));
      member.scripts.add(FakeMember.refuse(503));
      member.scripts.add(FakeMember.refuse(503));
      browser.get(member.url() + "/ui");

      await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) page().get("tokenAsked"));
      assertThat(member.eventRequests.peek().getFirst("Authorization")).as("a token before any 401").isNull();
      browser.findElement(By.cssSelector("#token-form input")).sendKeys(member.token);
      browser.findElement(By.cssSelector("#token-form button")).click();

      Headers first = nextWithToken(member);
      assertThat(first.getFirst("Last-Event-ID")).as("the first stream resumes nothing").isNull();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat((List<String>) page().get("terms")).contains("3:f1"));
      // The stream ended and the next attempts fail: the member shows unreachable until one succeeds.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat((List<String>) page().get("members"))
          .containsExactly("f1:unknown:false"));
      for (int attempt = 2; attempt <= 4; attempt++) {
        assertThat(nextWithToken(member).getFirst("Last-Event-ID")).as("attempt " + attempt).isEqualTo("7");
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat((List<String>) page().get("members"))
          .containsExactly("f1:leader:true"));
      assertThat(page().get("leader")).isEqualTo("f1");
      assertThat(page().get("tokenAsked")).isEqualTo(false);
    }
  }

  /** The next events request that carried the member's token (those without it were answered 401). */
  private static Headers nextWithToken(FakeMember member) throws InterruptedException {
    for (;;) {
      Headers h = member.eventRequests.poll(10, TimeUnit.SECONDS);
      assertThat(h).as("an events request within 10 s").isNotNull();
      if (h.getFirst("Authorization") != null) {
        assertThat(h.getFirst("Authorization")).isEqualTo("Bearer " + member.token);
        return h;
      }
    }
  }

  @Test
  void theStreamParserGivesTheSameFramesHoweverTheStreamIsCut() throws Exception {
    try (FakeMember member = new FakeMember()) {
      browser.get(member.url() + "/ui");
      // Every way of cutting the text in three pieces, and one character at a time, parsed in the page.
      Map<String, Object> result = (Map<String, Object>) browser.executeAsyncScript("""
          const done = arguments[arguments.length - 1];
          import('/ui/sse.js').then(({ SseParser }) => {
            const text = ': keepalive\\r\\nevent: hello\\r\\ndata: {"a":1}\\r\\n\\r\\nid: 5\\nevent: event\\ndata: line1\\n'
                + 'data: line2\\n\\nevent: status\\rdata: x\\r\\rdata: y\\n\\nretry: 10\\nid: 6\\ndata:z\\n\\nevent: lost\\n\\n';
            const run = (pieces) => {
              const out = [];
              const parser = new SseParser((f) => out.push([f.event, f.data, f.id]), (c) => out.push(['comment', c]));
              pieces.forEach((p) => parser.feed(p));
              return JSON.stringify({ out, last: parser.lastEventId });
            };
            const whole = run([text]);
            const differ = [];
            for (let i = 0; i <= text.length; i++) {
              for (let j = i; j <= text.length; j++) {
                if (run([text.slice(0, i), text.slice(i, j), text.slice(j)]) !== whole) differ.push(`${i},${j}`);
              }
            }
            done({ whole, differ: differ.slice(0, 10), byChar: run(text.split('')) === whole });
          }, (e) => done({ error: String(e) }));
          """);
      assertThat(result.get("error")).isNull();
      assertThat(new JsonObject((String) result.get("whole"))).isEqualTo(new JsonObject("""
          {"out": [["comment", "keepalive"], ["hello", "{\\"a\\":1}", null], ["event", "line1\\nline2", "5"],
                   ["status", "x", "5"], ["message", "y", "5"], ["message", "z", "6"]],
           "last": "6"}"""));
      assertThat((List<String>) result.get("differ")).as("cuts (i,j) that changed the frames").isEmpty();
      assertThat(result.get("byChar")).isEqualTo(true);
    }
  }

  private NodeProcess startNode(String id, String peers) throws Exception {
    return NodeProcess.fromClasspath(dir.resolve(id + ".out"), "node", "--node-id", id, "--cluster-id", "dashboard",
        "--peers", peers, "--transport", "vertx", "--storage", "mapdb", "--data-dir", dir.resolve(id).toString());
  }

  private static List<String> urls(java.util.Collection<String> addresses) {
    return addresses.stream().map(a -> "http://" + a).toList();
  }

  private static JsonObject cluster(String url) throws Exception {
    return new JsonObject(Http.get(url + "/v1/cluster").body());
  }
}
