package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.pki.CertificateAuthority;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: a secure cluster (peer TLS with mutual authentication, HTTPS, tokens) keeps serving while the
 * leader's peer port is attacked, and refuses every attacker, saying why in its log and counting it in
 * {@code bellwether_transport_connections_tls_refused_total} on {@code /metrics}. The attackers: a TLS
 * client without a certificate, one with a certificate of another CA, one with a valid certificate
 * of one follower claiming in the Bellwether handshake to be the other follower, plaintext handshake
 * bytes, and an expired certificate of the cluster's CA. Each sends a well-formed handshake and a
 * heartbeat from a term far ahead, which would depose the leader if it were delivered. Method: three
 * real nodes in this JVM on loopback (Vert.x transport), a write every 20 ms to the leader over HTTPS
 * during the attacks, and the transport's refusal loggers captured.
 */
class SecureClusterUnderAttackTest {

  private static final List<String> HOSTS = List.of("127.0.0.1", "localhost");
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** The loggers of the two refusals: in the TLS handshake, and in the Bellwether handshake. */
  private static final List<String> REFUSAL_LOGGERS = List.of(
      "io.bellwether.transport.vertx.TlsRefusalLog", "io.bellwether.transport.vertx.InboundConnection");

  @TempDir Path dir;
  private Credentials creds;
  private HttpClient https;
  private CertificateAuthority peerCa;

  @Test
  void everyAttackerIsRefusedWhileWritesGoOnAndTheLeaderStays() throws Exception {
    creds = Credentials.in(dir);
    https = creds.httpsClient(false);
    peerCa = CertificateAuthority.create("peer-ca", Duration.ofDays(1));
    peerCa.writeTo(dir.resolve("peer-ca.pem"), dir.resolve("peer-ca-key.pem"));
    List<ListAppender<ILoggingEvent>> logs = new ArrayList<>();
    REFUSAL_LOGGERS.forEach(name -> logs.add(ClusterIdentityTest.capture(name)));
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try (TestCluster cluster = TestCluster.startEach(3, this::secureSettings)) {
      BellwetherNode leader = cluster.awaitLeader();
      String victim = leader.nodeId();
      List<String> followers = cluster.nodes.stream().map(BellwetherNode::nodeId).filter(id -> !id.equals(victim))
          .toList();
      String identity = new JsonObject(get(leader, "/v1/cluster").body()).getString("clusterId");
      int peerPort = Integer.parseInt(cluster.peerAddresses.get(victim).split(":")[1]);
      long term = leader.status().term();

      // The trickle of writes, each to the leader: all must succeed while the attacks go on.
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger written = new AtomicInteger();
      writer.scheduleWithFixedDelay(() -> {
        int i = written.get();
        try {
          HttpResponse<String> r = Credentials.send(https, "PUT", leader.httpUrl() + "/v1/kv/trickle-" + i,
              "v" + i, creds.writer);
          if (r.statusCode() == 200) written.incrementAndGet();
          else failures.add("write " + i + ": " + r.statusCode() + " " + r.body());
        } catch (Exception e) {
          failures.add("write " + i + ": " + e);
        }
      }, 0, 20, TimeUnit.MILLISECONDS);
      await().atMost(DEADLINE).until(() -> written.get() >= 5);

      // The message every attacker sends after its handshake, as the node it claims to be.
      String claimed = followers.get(1);
      byte[] attack = PeerAttacker.concat(PeerAttacker.hello(identity, claimed, victim),
          PeerAttacker.frame(new Heartbeat(claimed, victim, term + 100, 0, 1, 25_000, 10)));
      PeerAttacker attacker = new PeerAttacker(peerPort);
      X509Certificate ours = peerCa.certificate();
      CertificateAuthority otherCa = CertificateAuthority.create("other-ca", Duration.ofDays(1));
      Instant now = Instant.now();

      // Each attack, by what the node's log says about it.
      Map<String, Attack> attacks = new LinkedHashMap<>();
      attacks.put("Empty client certificate chain", () -> attacker.tls(ours, null, attack));
      attacks.put("not issued by this cluster's CA",
          () -> attacker.tls(ours, otherCa.issue(claimed, HOSTS, Duration.ofHours(1)), attack));
      attacks.put("peer claims node id '" + claimed + "' but its certificate names [" + followers.get(0),
          () -> attacker.tls(ours, peerCa.issue(followers.get(0), HOSTS, Duration.ofHours(1)), attack));
      attacks.put("the peer does not speak TLS", () -> attacker.plaintext(attack));
      attacks.put("CertificateExpiredException", () -> attacker.tls(ours,
          peerCa.issue(claimed, HOSTS, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))), attack));

      for (Map.Entry<String, Attack> a : attacks.entrySet()) {
        String why = a.getKey();
        double refusedBefore = refusedCount(leader);
        boolean closed = a.getValue().run();
        // First what a delivered heartbeat would have done (its term is far ahead), then the refusal.
        assertThat(cluster.nodes).as("after '%s' no node's term moved", why)
            .allSatisfy(n -> assertThat(n.status().term()).isEqualTo(term));
        assertThat(cluster.nodes).as("after '%s' the leader stayed", why)
            .allSatisfy(n -> assertThat(n.status().leader()).isEqualTo(victim));
        assertThat(closed).as("the node closed the connection of '%s'", why).isTrue();
        await(why).atMost(DEADLINE).until(() -> refusedCount(leader) > refusedBefore);
        await(why).atMost(DEADLINE).until(() -> warned(logs, "node " + victim + ": ", why));
      }

      int before = written.get();
      await().atMost(DEADLINE).until(() -> written.get() >= before + 5); // writes still flow
      writer.shutdown(); // lets the write in flight finish: interrupting it would fail it
      assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(failures).as("every write succeeded").isEmpty();
      assertThat(refusedCount(leader)).as("one refusal per attack").isGreaterThanOrEqualTo(attacks.size());
      assertThat(cluster.nodes).allSatisfy(n -> {
        assertThat(n.status().term()).as("the term never changed").isEqualTo(term);
        assertThat(n.status().leader()).as("the leader never changed").isEqualTo(victim);
      });
      System.out.printf("%d writes during %d attacks on %s's peer port, none failed%n",
          written.get(), attacks.size(), victim);
    } finally {
      writer.shutdownNow();
      for (int i = 0; i < logs.size(); i++) ClusterIdentityTest.release(REFUSAL_LOGGERS.get(i), logs.get(i));
    }
  }

  /** Peer TLS with the node's own certificate, HTTPS and tokens. */
  private Map<String, String> secureSettings(String id) {
    Path cert = dir.resolve(id + ".pem");
    Path key = dir.resolve(id + "-key.pem");
    try {
      peerCa.issue(id, HOSTS, Duration.ofHours(1)).writeTo(cert, key);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> s = new LinkedHashMap<>(creds.https("none"));
    s.putAll(creds.tokens());
    s.put("transport", "vertx");
    s.put("transport.tls.cert", cert.toString());
    s.put("transport.tls.key", key.toString());
    s.put("transport.tls.ca", dir.resolve("peer-ca.pem").toString());
    return s;
  }

  @FunctionalInterface
  private interface Attack {
    /** Attacks; returns whether the node closed the connection. */
    boolean run() throws Exception;
  }

  private HttpResponse<String> get(BellwetherNode node, String path) throws Exception {
    return Credentials.send(https, "GET", node.httpUrl() + path, null, creds.reader);
  }

  /** {@code bellwether_transport_connections_tls_refused_total} as {@code node}'s /metrics shows it. */
  private double refusedCount(BellwetherNode node) throws Exception {
    HttpResponse<String> r = get(node, "/metrics");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().lines().filter(l -> l.startsWith("bellwether_transport_connections_tls_refused_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no refusal counter in /metrics"));
  }

  private static boolean warned(List<ListAppender<ILoggingEvent>> logs, String node, String why) {
    return logs.stream().anyMatch(log -> {
      synchronized (log.list) {
        return log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
            && e.getFormattedMessage().startsWith(node) && e.getFormattedMessage().contains(why));
      }
    });
  }
}
