package io.bellwether.node;

import static io.bellwether.node.DeploymentFiles.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.node.DeploymentFiles.Dockerfile;
import io.bellwether.node.DeploymentFiles.Launch;
import io.bellwether.node.config.NodeConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: the deployment files under {@code deploy/} (Dockerfile, compose file, Kubernetes manifest)
 * start nodes the node accepts, and point ports, probes and volumes where those nodes listen and
 * write. No container runs here: instead, each container's environment (the image's ENV, then the
 * compose service's or pod's own) is handed to the real entrypoint script, run by {@code /bin/sh}
 * with stand-in {@code java} and {@code hostname}, and what it would start goes through {@code
 * bellwether node}'s own parsing ({@link io.bellwether.node.config.ConfigLoader}, {@link NodeConfig}),
 * which refuses an unknown setting or a bad value. Hazelcast's settings go through the module's own
 * validation. Ports, probe URLs and volume paths are then compared with what those configurations
 * say, and the probe paths are asked of a running node. Renaming a setting or a port in one place
 * and not the others fails here.
 */
@SuppressWarnings("unchecked") // YAML trees are untyped: maps, lists and scalars
class DeploymentFilesTest {

  private static final long JVM_OVERHEAD = 256L << 20; // threads, metaspace, code, Hazelcast: see the Dockerfile

  private static Path root;
  private static Dockerfile dockerfile;
  private static Path entrypoint;

  @TempDir Path tmp;

  @BeforeAll
  static void readTheDockerfile() throws Exception {
    root = DeploymentFiles.root();
    dockerfile = Dockerfile.read(root.resolve("deploy/docker/Dockerfile"));
    entrypoint = root.resolve("deploy/docker/entrypoint.sh");
  }

  @Test
  void theImageRunsTheJarTheBuildProducesAsANonRootUser() throws Exception {
    assertThat(dockerfile.one("FROM")).as("a JRE 17 base pinned to a release, never a moving tag")
        .matches("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre-\\w+(@sha256:[0-9a-f]{64})?");
    // The jar: node-app/<build folder>/<finalName>.jar, as the root pom and node-app's shade plugin say.
    String rootPom = Files.readString(root.resolve("pom.xml"));
    String appPom = Files.readString(root.resolve("node-app/pom.xml"));
    String jar = "node-app/" + group(rootPom, "<bw.target>([^<]+)</bw.target>") + "/"
        + group(appPom, "<finalName>([^<]+)</finalName>") + ".jar";
    assertThat(jar).isEqualTo("node-app/target/bellwether.jar");
    String jarInImage = dockerfile.copyDestination(jar);
    String script = dockerfile.copyDestination("deploy/docker/entrypoint.sh");
    assertThat(dockerfile.execForm("ENTRYPOINT")).containsExactly("/bin/sh", script);
    assertThat(Files.readAllLines(root.resolve("deploy/docker/Dockerfile.dockerignore")))
        .as("the build context keeps what COPY needs").contains("*", "!" + jar, "!deploy/docker/entrypoint.sh");

    Launch launch = launchImage(Map.of(), "c0ffee.local");
    assertThat(launch.jar()).isEqualTo(jarInImage);
    assertThat(launch.javaArgs().get(launch.javaArgs().size() - 1)).as("no arguments: only node").isEqualTo("node");
    // Non-root, numeric (Kubernetes' runAsNonRoot checks only a number), and the owner of the data.
    String[] user = dockerfile.one("USER").split(":");
    assertThat(Integer.parseInt(user[0])).isPositive();
    assertThat(dockerfile.one("RUN")).contains("--uid " + user[0], "--gid " + user[1]);
    NodeConfig config = launch.nodeConfig();
    String volume = dockerfile.execForm("VOLUME").get(0);
    assertThat(config.dataDir()).as("the data directory lies in the volume").startsWithRaw(Path.of(volume));
    assertThat(dockerfile.one("RUN")).contains("chown -R " + user[0] + ":" + user[1] + " " + volume);
  }

  @Test
  void theImageExposesAndChecksThePortsTheNodeListensOn() throws Exception {
    String fqdn = "c0ffee.local";
    Launch launch = launchImage(Map.of("BELLWETHER_DISCOVERY", "hazelcast", "BELLWETHER_VOTERS", "c0ffee",
        "BELLWETHER_NODE_ID", "c0ffee", "BELLWETHER_DISCOVERY_HAZELCAST_SEEDS", fqdn + ":5701"), fqdn);
    NodeConfig config = launch.nodeConfig();
    Endpoint bind = Endpoint.parse(config.settings().get("discovery.hazelcast.bind").orElseThrow());
    assertThat(config.httpListen().host()).as("reachable names, not loopback").isEqualTo(fqdn);
    assertThat(config.peerListen().host()).isEqualTo(fqdn);
    assertThat(bind.host()).isEqualTo(fqdn);
    Set<Integer> exposed = new TreeSet<>();
    for (String port : dockerfile.one("EXPOSE").split("\\s+")) exposed.add(Integer.parseInt(port));
    assertThat(exposed).containsExactlyInAnyOrder(config.httpListen().port(), config.peerListen().port(), bind.port());
    hazelcastSettingsAreTheModules(config);

    // The health check, run as Docker runs it: a shell, the image's environment, no entrypoint exports.
    String healthcheck = dockerfile.one("HEALTHCHECK");
    String command = healthcheck.substring(healthcheck.indexOf(" CMD ") + 5);
    List<String> curl = List.of(DeploymentFiles.runShell(command, dockerfile.env(), fqdn, tmp).split("\n"));
    assertThat(curl).as("-f: a 503 (not ready) fails the check").anyMatch(a -> a.matches("-[a-zA-Z]*f[a-zA-Z]*"));
    assertThat(curl.get(curl.size() - 1)).isEqualTo("http://" + config.httpListen() + "/health/ready");
    assertThat(healthcheck).contains("--start-period=");
  }

  @Test
  void composeStartsThreeNodesThatFindEachOtherThroughHazelcast() throws Exception {
    Map<String, Object> compose = DeploymentFiles.yamlDocuments(root.resolve("deploy/docker/docker-compose.yml")).get(0);
    Map<String, Map<String, Object>> services = at(compose, "services");
    assertThat(services).hasSize(3);
    String volume = dockerfile.execForm("VOLUME").get(0);
    Map<String, NodeConfig> nodes = new LinkedHashMap<>();
    Map<String, String> reachAt = new LinkedHashMap<>(); // node id -> how the others name it
    Set<String> volumes = new LinkedHashSet<>();
    for (var entry : services.entrySet()) {
      String name = entry.getKey();
      Map<String, Object> service = entry.getValue();
      assertThat((String) at(service, "hostname")).as("its own name is the one the others resolve").isEqualTo(name);
      assertThat((String) at(service, "build", "dockerfile")).isEqualTo("deploy/docker/Dockerfile");
      assertThat(root.resolve("deploy/docker").resolve((String) at(service, "build", "context")).normalize()).isEqualTo(root);
      Map<String, Object> env = at(service, "environment");
      NodeConfig config = launchImage(strings(env), name).nodeConfig();
      nodes.put(config.nodeId(), config);
      reachAt.put(config.nodeId(), name);
      assertThat(config.discovery()).isEqualTo("hazelcast");
      assertThat(config.httpListen().host()).isEqualTo(name);
      assertThat(config.peerListen().host()).isEqualTo(name);
      hazelcastSettingsAreTheModules(config);

      List<String> ports = at(service, "ports");
      assertThat(ports).as(name + ": only the HTTP API is published").hasSize(1);
      assertThat(ports.get(0)).endsWith(":" + config.httpListen().port());
      List<String> test = at(service, "healthcheck", "test");
      assertThat(test.subList(0, 2)).isEqualTo(List.of("CMD", "curl"));
      assertThat(test).anyMatch(a -> a.matches("-[a-zA-Z]*f[a-zA-Z]*"));
      assertThat(test.get(test.size() - 1)).isEqualTo("http://" + config.httpListen() + "/health/ready");
      List<String> mounts = at(service, "volumes");
      assertThat(mounts).hasSize(1);
      assertThat(mounts.get(0)).endsWith(":" + volume);
      volumes.add(mounts.get(0).substring(0, mounts.get(0).indexOf(':')));
    }
    assertThat(volumes).as("a volume each").hasSize(3);
    assertThat(((Map<String, Object>) at(compose, "volumes")).keySet()).containsExactlyInAnyOrderElementsOf(volumes);
    aClusterOfFoundersThatSeedEachOther(nodes, reachAt);
  }

  @Test
  void kubernetesRunsAStatefulSetTheNodeAccepts() throws Exception {
    List<Map<String, Object>> docs = DeploymentFiles.yamlDocuments(root.resolve("deploy/kubernetes/bellwether.yaml"));
    Map<String, Object> sts = kind(docs, "StatefulSet");
    String serviceName = at(sts, "spec", "serviceName");
    Map<String, Object> headless = docs.stream().filter(d -> d.get("kind").equals("Service")
        && at(d, "metadata", "name").equals(serviceName)).findFirst().orElseThrow();
    assertThat((String) at(headless, "spec", "clusterIP")).isEqualTo("None");
    assertThat((Boolean) at(headless, "spec", "publishNotReadyAddresses")).as("names before ready").isTrue();
    assertThat((Integer) at(sts, "spec", "replicas")).isEqualTo(3);
    assertThat((String) at(sts, "spec", "podManagementPolicy")).as("pod 0 is never ready alone").isEqualTo("Parallel");
    Map<String, Object> pod = at(sts, "spec", "template", "spec");
    assertThat((Boolean) at(pod, "enableServiceLinks")).as("no BELLWETHER_SERVICE_HOST in the env").isFalse();
    Map<String, Object> labels = at(sts, "spec", "template", "metadata", "labels");
    assertThat((Map<String, Object>) at(headless, "spec", "selector")).isEqualTo(labels);
    Map<String, Object> pdb = kind(docs, "PodDisruptionBudget");
    assertThat((Integer) at(pdb, "spec", "maxUnavailable")).isEqualTo(1);
    assertThat((Map<String, Object>) at(pdb, "spec", "selector", "matchLabels")).isEqualTo(labels);

    Map<String, Object> container = at(pod, "containers", "0");
    Map<String, Integer> containerPorts = new LinkedHashMap<>();
    for (Map<String, Object> p : (List<Map<String, Object>>) at(container, "ports")) {
      containerPorts.put((String) p.get("name"), (Integer) p.get("containerPort"));
    }
    String stsName = at(sts, "metadata", "name");
    Map<String, NodeConfig> nodes = new LinkedHashMap<>();
    Map<String, String> reachAt = new LinkedHashMap<>();
    Launch first = null;
    for (int i = 0; i < 3; i++) {
      String podName = stsName + "-" + i;
      // What the kubelet writes into the pod's /etc/hosts: <pod>.<service>.<namespace>.svc.<domain>.
      Launch launch = launchImage(podEnv(container, podName), podName + "." + serviceName + ".default.svc.cluster.local");
      if (first == null) first = launch;
      NodeConfig config = launch.nodeConfig();
      assertThat(config.nodeId()).isEqualTo(podName);
      nodes.put(podName, config);
      reachAt.put(podName, podName + "." + serviceName);
      hazelcastSettingsAreTheModules(config);
      Endpoint bind = Endpoint.parse(config.settings().get("discovery.hazelcast.bind").orElseThrow());
      assertThat(containerPorts).containsExactlyInAnyOrderEntriesOf(Map.of("http", config.httpListen().port(),
          "peer", config.peerListen().port(), "hazelcast", bind.port()));
    }
    aClusterOfFoundersThatSeedEachOther(nodes, reachAt);
    for (Map<String, Object> port : (List<Map<String, Object>>) at(headless, "spec", "ports")) {
      assertThat(containerPorts.get((String) port.get("targetPort"))).isEqualTo(port.get("port"));
    }

    int http = nodes.values().iterator().next().httpListen().port();
    for (String[] probe : new String[][] {{"readinessProbe", "/health/ready"}, {"livenessProbe", "/health/live"},
        {"startupProbe", "/health/live"}}) {
      assertThat((String) at(container, probe[0], "httpGet", "path")).isEqualTo(probe[1]);
      assertThat(containerPorts.get((String) at(container, probe[0], "httpGet", "port"))).as(probe[0]).isEqualTo(http);
    }

    // The claim is mounted where the image keeps its data; the JVM fits in the memory limit.
    String claim = at(sts, "spec", "volumeClaimTemplates", "0", "metadata", "name");
    assertThat((List<Map<String, Object>>) at(container, "volumeMounts"))
        .contains(Map.<String, Object>of("name", claim, "mountPath", dockerfile.execForm("VOLUME").get(0)));
    assertThat((Boolean) at(container, "securityContext", "readOnlyRootFilesystem")).isTrue();
    assertThat((List<Map<String, Object>>) at(container, "volumeMounts")).anyMatch(m -> m.get("mountPath").equals("/tmp"));
    String[] user = dockerfile.one("USER").split(":");
    assertThat((Boolean) at(pod, "securityContext", "runAsNonRoot")).isTrue();
    assertThat(at(pod, "securityContext", "runAsUser").toString()).isEqualTo(user[0]);
    assertThat(at(pod, "securityContext", "fsGroup").toString()).isEqualTo(user[1]);
    long limit = DeploymentFiles.bytes(at(container, "resources", "limits", "memory"));
    assertThat(DeploymentFiles.bytes(at(container, "resources", "requests", "memory"))).isEqualTo(limit);
    assertThat(first.jvmBytes("-Xmx") + first.jvmBytes("-XX:MaxDirectMemorySize=") + JVM_OVERHEAD)
        .as("heap + direct memory + %d MiB for the rest of the JVM, within the limit", JVM_OVERHEAD >> 20)
        .isLessThanOrEqualTo(limit);
  }

  @Test
  void theProbedPathsAreRoutesOfARunningNode() throws Exception {
    Set<String> paths = new TreeSet<>();
    Matcher inHealthcheck = Pattern.compile("(/health/\\w+)").matcher(dockerfile.one("HEALTHCHECK"));
    while (inHealthcheck.find()) paths.add(inHealthcheck.group(1));
    Map<String, Map<String, Object>> services =
        at(DeploymentFiles.yamlDocuments(root.resolve("deploy/docker/docker-compose.yml")).get(0), "services");
    for (Map<String, Object> service : services.values()) {
      List<String> test = at(service, "healthcheck", "test");
      paths.add(URI.create(test.get(test.size() - 1)).getPath());
    }
    Map<String, Object> container = at(kind(DeploymentFiles.yamlDocuments(
        root.resolve("deploy/kubernetes/bellwether.yaml")), "StatefulSet"), "spec", "template", "spec", "containers", "0");
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      paths.add(at(container, probe, "httpGet", "path"));
    }
    assertThat(paths).containsExactly("/health/live", "/health/ready");
    try (TestCluster cluster = TestCluster.start(1, Map.of())) {
      String url = cluster.nodes.get(0).httpUrl();
      for (String path : paths) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url + path).statusCode() == 200);
      }
      assertThat(Http.get(url + "/health/readyz").statusCode()).as("a misspelt path is not served").isEqualTo(404);
    }
  }

  /** One cluster: distinct ids, every node a founding voter, and each seeds Hazelcast with every node. */
  private static void aClusterOfFoundersThatSeedEachOther(Map<String, NodeConfig> nodes, Map<String, String> reachAt) {
    Set<String> everyBind = new TreeSet<>();
    for (NodeConfig c : nodes.values()) {
      Endpoint bind = Endpoint.parse(c.settings().get("discovery.hazelcast.bind").orElseThrow());
      everyBind.add(reachAt.get(c.nodeId()) + ":" + bind.port());
    }
    for (NodeConfig c : nodes.values()) {
      assertThat(c.voters()).as(c.nodeId() + "'s voters").containsExactlyInAnyOrderElementsOf(nodes.keySet());
      assertThat(c.clusterId()).isEqualTo(nodes.values().iterator().next().clusterId()).isNotEqualTo("bellwether");
      Set<String> seeds = new TreeSet<>(List.of(c.settings().get("discovery.hazelcast.seeds").orElseThrow().split(",")));
      assertThat(seeds).as(c.nodeId() + "'s Hazelcast seeds").isEqualTo(everyBind);
    }
  }

  /** Every {@code discovery.hazelcast.*} key is one the module reads, and the module accepts the values. */
  private static void hazelcastSettingsAreTheModules(NodeConfig config) throws Exception {
    // The node passes discovery.* through to the module unchecked, so a misspelt key is caught here.
    Set<String> given = config.settings().withPrefix(DeploymentFiles.HAZELCAST_PREFIX).keySet();
    assertThat(given).isNotEmpty();
    assertThat(DeploymentFiles.hazelcastSettingKeys()).as("settings the Hazelcast module reads").containsAll(given);
    DeploymentFiles.validateHazelcastSettings(config);
  }

  /** The pod's environment: {@code value}, or the pod's name for {@code fieldRef: metadata.name}. */
  private static Map<String, String> podEnv(Map<String, Object> container, String podName) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) at(container, "env")) {
      String name = (String) e.get("name");
      if (e.containsKey("value")) {
        env.put(name, String.valueOf(e.get("value")));
      } else {
        assertThat((String) at(e, "valueFrom", "fieldRef", "fieldPath")).as(name).isEqualTo("metadata.name");
        env.put(name, podName);
      }
    }
    return env;
  }

  /** What a container of the image started with {@code env} on top of the image's ENV would run. */
  private Launch launchImage(Map<String, String> env, String fqdn) {
    Map<String, String> all = new LinkedHashMap<>(dockerfile.env());
    all.putAll(env);
    return DeploymentFiles.runEntrypoint(entrypoint, all, fqdn, tmp);
  }

  private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    List<Map<String, Object>> found = new ArrayList<>(docs.stream().filter(d -> kind.equals(d.get("kind"))).toList());
    assertThat(found).as("one " + kind).hasSize(1);
    return found.get(0);
  }

  private static Map<String, String> strings(Map<String, Object> map) {
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
