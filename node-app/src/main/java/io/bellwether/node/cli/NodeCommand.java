package io.bellwether.node.cli;

import static io.bellwether.node.config.SettingKeys.*;

import io.bellwether.core.spi.Settings;
import io.bellwether.node.BellwetherNode;
import io.bellwether.node.Modules;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.ConfigLoader;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.membership.JoinException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code bellwether node}: runs one node until SIGTERM or Ctrl-C, then stops it gracefully (a leader
 * first hands its leadership over, see {@link BellwetherNode#handOverLeadership}). Settings
 * come from flags, then {@code BELLWETHER_*} environment variables, then {@code --config FILE}, then
 * defaults.
 *
 * <p>If the Raft node stops on its own (a storage failure, a broken invariant), the command closes
 * everything and exits with {@link #EXIT_FATAL}: like etcd, a node that cannot trust its state
 * leaves, and its supervisor decides whether to restart it, instead of lingering with an HTTP API
 * that can only refuse.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs one node until SIGTERM or Ctrl-C.",
        "Precedence: flags, then BELLWETHER_* environment variables, then --config FILE, then defaults."})
public final class NodeCommand implements Callable<Integer> {

  /** Exit code for bad configuration. */
  public static final int EXIT_CONFIG = 2;

  /** Exit code when the node stopped on an unrecoverable error while running. */
  public static final int EXIT_FATAL = 3;

  @Option(names = "--config", paramLabel = "FILE", description = "properties file with settings (env BELLWETHER_CONFIG)")
  Path config;

  @Option(names = "--node-id", description = "this node's id (node.id; default n1)")
  String nodeId;

  @Option(names = "--cluster-id", description = "the cluster's name (cluster.id; default bellwether)")
  String clusterId;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (data.dir; default data/<node.id>); unused with storage inmem")
  String dataDir;

  @Option(names = "--voters", paramLabel = "ID,ID", description = "voting members' ids (voters; default: the ids in --peers plus this node)")
  String voters;

  @Option(names = "--peers", paramLabel = "LIST",
      description = "static discovery: id=peerHost:port@httpHost:port,... (discovery.static.peers)")
  String peers;

  @Option(names = "--peer-listen", paramLabel = "HOST:PORT", description = "node-to-node address (peer.listen; default 127.0.0.1:7000)")
  String peerListen;

  @Option(names = "--http-listen", paramLabel = "HOST:PORT", description = "HTTP API address (http.listen; default 127.0.0.1:8080)")
  String httpListen;

  @Option(names = "--join", paramLabel = "URL[,URL...]",
      description = {"join a running cluster through any of its nodes' HTTP URLs, e.g. http://10.0.0.1:8080"
          + " (membership.join): added as a learner while starting; ignored once the data directory holds the"
          + " cluster's configuration, so it may stay on the command line"})
  String join;

  @Option(names = "--promote", description = "with --join: ask to become a voter once caught up (membership.join.promote)")
  Boolean promote;

  @Option(names = "--transport", description = "transport module (transport; default vertx)")
  String transport;

  @Option(names = "--storage", description = "storage module (storage; default mapdb)")
  String storage;

  @Option(names = "--discovery", description = "discovery module (discovery; default static)")
  String discovery;

  @Option(names = "--tick", description = "engine tick, e.g. 50ms (tick)")
  String tick;

  @Option(names = "--request-timeout", description = "client request timeout, e.g. 5s (request.timeout)")
  String requestTimeout;

  @Option(names = "--max-value-bytes", description = "largest value and request body (max.value.bytes; default 1048576)")
  String maxValueBytes;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any setting, e.g. --set transport.vertx.eventLoops=2")
  Map<String, String> set = new LinkedHashMap<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    NodeConfig nodeConfig;
    try {
      nodeConfig = NodeConfig.from(settings(System.getenv()));
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("bellwether: bad configuration: " + e.getMessage());
      return EXIT_CONFIG;
    }
    BellwetherNode node;
    try {
      node = BellwetherNode.start(nodeConfig, Modules.fromClasspath());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("bellwether: bad configuration: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (IllegalArgumentException e) {
      // A module refused one of its settings; its message names the setting.
      spec.commandLine().getErr().println("bellwether: bad configuration: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (JoinException e) {
      spec.commandLine().getErr().println("bellwether: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      spec.commandLine().getErr().println("bellwether: node " + nodeConfig.nodeId() + " failed to start: " + e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    PrintWriter out = spec.commandLine().getOut();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("node " + node.nodeId() + " stopping");
      out.flush();
      node.handOverLeadership().ifPresent(out::println); // a leader hands over first (shutdown.transfer.leadership)
      out.flush();
      node.close();
      out.println("node " + node.nodeId() + " stopped");
      out.flush();
      stopped.countDown();
    }, "bellwether-shutdown"));
    node.joinedWith().ifPresent(m -> spec.commandLine().getOut().println("node " + node.nodeId() + " joined cluster "
        + nodeConfig.clusterId() + " as a learner: configuration " + m.index() + ", voters " + m.voters()
        + ", learners " + m.learners()));
    spec.commandLine().getOut().println("node " + node.nodeId() + " of cluster " + nodeConfig.clusterId() + " serving "
        + node.httpUrl() + " (peer " + nodeConfig.peerListen()
        + (nodeConfig.settings().get("transport.tls.cert").isPresent() ? " with TLS" : "")
        + (nodeConfig.security().tokensFile() != null ? "; tokens required" : "") + ")");
    spec.commandLine().getOut().flush();
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    node.raftStopped().whenComplete((v, error) -> {
      if (error == null) return;
      fatal.set(error);
      stopped.countDown(); // wake the main thread to exit with EXIT_FATAL
    });
    stopped.await();
    if (fatal.get() != null) {
      spec.commandLine().getErr().println("bellwether: node " + node.nodeId()
          + " stopped on an unrecoverable error, exiting: " + fatal.get());
      spec.commandLine().getErr().flush();
      node.close();
      return EXIT_FATAL;
    }
    return 0;
  }

  /** The merged settings: these flags over {@code env} over the properties file. */
  public Settings settings(Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>(set);
    put(flags, NODE_ID, nodeId);
    put(flags, CLUSTER_ID, clusterId);
    put(flags, DATA_DIR, dataDir);
    put(flags, VOTERS, voters);
    put(flags, STATIC_PEERS, peers);
    put(flags, PEER_LISTEN, peerListen);
    put(flags, HTTP_LISTEN, httpListen);
    put(flags, TRANSPORT, transport);
    put(flags, STORAGE, storage);
    put(flags, DISCOVERY, discovery);
    put(flags, TICK, tick);
    put(flags, REQUEST_TIMEOUT, requestTimeout);
    put(flags, MAX_VALUE_BYTES, maxValueBytes);
    put(flags, JOIN, join);
    put(flags, JOIN_PROMOTE, promote == null ? null : promote.toString());
    return ConfigLoader.load(flags, env, config);
  }

  private static void put(Map<String, String> flags, String key, String value) {
    if (value != null) flags.put(key, value);
  }
}
