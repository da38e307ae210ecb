package io.bellwether.node.cli;

import static io.bellwether.node.cli.LocalClusterLayout.LOG_PREFIX;

import io.bellwether.node.Modules;
import io.bellwether.node.config.Defaults;
import io.bellwether.node.security.ApiRole;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether local-cluster}: N nodes as separate JVM processes on loopback. The first run picks
 * free ports and a cluster id and records them in {@code DIR/cluster.properties} ({@link
 * LocalClusterLayout}); later runs on the same directory reuse them, so the same cluster comes back
 * with its data (given durable storage). Ctrl-C or SIGTERM stops every node gracefully.
 *
 * <p>While it runs it re-reads the layout: a node that {@code local-cluster add} recorded is started
 * (it joins the cluster with {@code --join}), one that {@code local-cluster remove} took out is
 * stopped ({@link LocalClusterMembers}). Both are started, or not, again on the next run. It appends
 * a line to a node's log when it starts the node and when the node exits, which is how {@code add}
 * learns that a node it asked for has failed.
 */
@Command(name = "local-cluster", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs N nodes as separate processes on loopback until Ctrl-C or SIGTERM.",
        "While it runs, 'local-cluster add' starts one more node and 'local-cluster remove ID' takes one out."},
    subcommands = {LocalClusterMembers.Add.class, LocalClusterMembers.Remove.class})
public final class LocalClusterCommand implements Callable<Integer> {

  @Option(names = "--nodes", defaultValue = "3", description = "number of nodes (default ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR", description = "where nodes keep data and logs (default ./${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--transport", defaultValue = "vertx", description = "transport module (default ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--storage", description = "storage module (default: mapdb when present, else " + Defaults.STORAGE + ")")
  String storage;

  @Option(names = "--discovery", defaultValue = "static", description = "discovery module (default ${DEFAULT-VALUE})")
  String discovery;

  @Option(names = "--ready-timeout", defaultValue = "60", paramLabel = "SECONDS", description = "how long to wait for a leader (default ${DEFAULT-VALUE})")
  long readyTimeoutSeconds;

  @Option(names = "--secure", description = {"peer TLS, HTTPS and tokens: creates a CA and node certificates in DIR/tls",
      "and admin, write and read tokens in DIR/tokens on the first run"})
  boolean secure;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting passed to every node")
  List<String> settings = new ArrayList<>();

  @Spec CommandSpec spec;

  /** The nodes this launcher started, by id, in start order; guarded by itself. */
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Set<String> stopRequested = new HashSet<>();
  private volatile boolean stopping;
  private Path dir;
  private LocalClusterSecurity security = LocalClusterSecurity.PLAIN;

  /**
   * The channel that holds the launcher's lock on its directory, kept reachable for the life of the
   * JVM: a FileChannel nobody references is closed by its cleaner at the next garbage collection,
   * and closing it releases the lock.
   */
  private static volatile FileChannel directoryLock;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (nodes < 1 || nodes > 9) {
      err.println("error: --nodes must be from 1 to 9, got " + nodes);
      return 2;
    }
    dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    // Held until this process exits. Without it, a second launcher on the same directory started
    // nodes that died at once on their stores' locks, while the first cluster, listening on the
    // same ports, answered the readiness check: it printed "cluster ready" for nodes it did not run.
    directoryLock = LocalClusterLayout.tryLock(dir, LocalClusterLayout.LOCK_FILE);
    if (directoryLock == null) {
      err.println("error: " + dir + " is in use by another 'bellwether local-cluster' (it holds "
          + dir.resolve(LocalClusterLayout.LOCK_FILE) + "); stop that one first, or choose another --data-dir");
      return 2;
    }
    LocalClusterLayout layout;
    try {
      layout = layout();
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    security = LocalClusterSecurity.of(dir, layout);
    security.prepare();
    Files.createDirectories(dir.resolve("logs"));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "bellwether-local-cluster-stop"));

    out.printf("local cluster '%s' of %d nodes in %s (transport=%s storage=%s discovery=%s%s)%n",
        layout.clusterId(), layout.activeIds().size(), dir, transport, layout.storage(), discovery,
        security.secure() ? ", secure: TLS and tokens" : "");
    if (layout.storage().equals("inmem")) {
      out.println("warning: storage 'inmem' keeps nothing: a restart starts an empty cluster");
    }
    for (String id : layout.activeIds()) start(id, layout, out);
    out.flush();
    String leader = awaitReady(layout);
    if (leader == null) {
      err.println("warning: no leader after " + readyTimeoutSeconds + "s; see the logs");
    } else {
      String url = security.url(layout.http(layout.activeIds().get(0)));
      out.printf("cluster ready, leader %s. Try:%n%s  bin/bellwether local-cluster add --data-dir %s   (one more node)%n"
          + "Dashboard: %s/ui   (every member, live; any node serves it%s)%nCtrl-C stops every node.%n",
          leader, security.usage(url), dataDir, url,
          security.secure() ? "; when it asks for a token, paste the one in " + security.token(ApiRole.READ) : "");
    }
    out.flush();
    followLayout();
    return 0;
  }

  /**
   * Until every node it started has exited: starts the nodes {@code add} records and stops those
   * {@code remove} takes out, reading the layout a few times a second.
   */
  private void followLayout() throws InterruptedException {
    while (!stopping) {
      applyLayout();
      synchronized (processes) {
        if (processes.values().stream().noneMatch(Process::isAlive)) return;
      }
      Thread.sleep(250);
    }
  }

  /** Starts the nodes the layout has and this launcher does not run yet, and stops the removed ones. */
  private void applyLayout() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      LocalClusterLayout layout = LocalClusterLayout.load(dir);
      for (String id : layout.activeIds()) {
        if (!started(id)) start(id, layout, out);
      }
      for (String id : layout.removedIds()) {
        Process p = process(id);
        if (p != null && p.isAlive() && stopRequested.add(id)) {
          out.println("stopping node " + id + ": removed from the cluster");
          p.destroy();
        }
      }
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("warning: cannot read or act on " + dir.resolve(LocalClusterLayout.FILE) + ": " + e);
    }
    out.flush();
  }

  /** Reads the layout of {@code dir}, or creates one with free ports on the first run. */
  private LocalClusterLayout layout() throws IOException {
    if (LocalClusterLayout.exists(dir)) {
      LocalClusterLayout p = LocalClusterLayout.load(dir);
      if (p.founders() != nodes) {
        throw new IllegalStateException(dir + " holds a cluster of " + p.founders() + " nodes, not " + nodes
            + "; use --nodes " + p.founders() + " or another --data-dir");
      }
      if (secure && !p.secure()) {
        throw new IllegalStateException(dir + " holds a cluster created without --secure; its nodes have no"
            + " certificates or tokens to start with. Use another --data-dir for a secure cluster");
      }
      if (storage != null && !storage.equals(p.storage())) {
        throw new IllegalStateException(dir + " was created with storage '" + p.storage() + "', not '" + storage + "'");
      }
      for (String id : p.founderIds()) {
        if (!p.removedIds().contains(id) && !Files.isDirectory(dir.resolve(id))) {
          throw new IllegalStateException("the data directory of node " + id + " (" + dir.resolve(id)
              + ") is missing; refusing to start it empty in an existing cluster");
        }
      }
      if (p.fillHazelcastPorts()) p.save(dir);
      return p;
    }
    String storageName = storage != null ? storage
        : Modules.fromClasspath().hasStorage("mapdb") ? "mapdb" : Defaults.STORAGE;
    LocalClusterLayout p = LocalClusterLayout.fresh("local-" + UUID.randomUUID().toString().substring(0, 8),
        storageName, nodes, secure);
    for (String id : p.founderIds()) Files.createDirectories(dir.resolve(id));
    p.save(dir);
    return p;
  }

  private boolean started(String id) {
    synchronized (processes) {
      return processes.containsKey(id);
    }
  }

  private Process process(String id) {
    synchronized (processes) {
      return processes.get(id);
    }
  }

  /** Starts node {@code id}: a founder with the founders' peer list, an added node with {@code --join}. */
  private void start(String id, LocalClusterLayout layout, PrintWriter out) throws IOException {
    Path log = dir.resolve("logs").resolve(id + ".log");
    List<String> args = new ArrayList<>(List.of("node", "--node-id", id, "--cluster-id", layout.clusterId(),
        "--data-dir", dir.resolve(id).toString(), "--transport", transport, "--storage", layout.storage(),
        "--discovery", discovery, "--peers", peersSetting(layout)));
    boolean joins = !layout.isFounder(id);
    boolean firstStart = !Files.exists(dir.resolve(id));
    if (joins) {
      List<String> urls = new ArrayList<>();
      for (String other : layout.activeIds()) if (!other.equals(id)) urls.add(security.url(layout.http(other)));
      args.addAll(List.of("--peer-listen", layout.peer(id), "--http-listen", layout.http(id),
          "--join", String.join(",", urls)));
      if (layout.promote(id)) args.add("--promote");
    }
    if (discovery.equals("hazelcast")) args.addAll(hazelcastArgs(id, layout, joins));
    args.addAll(security.nodeArgs(id, joins));
    for (String s : settings) args.addAll(List.of("--set", s));
    synchronized (processes) {
      if (stopping) return;
      Files.writeString(log, LOG_PREFIX + "starting node " + id + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Process p = launch(args, log);
      processes.put(id, p);
      p.onExit().thenAccept(exited -> {
        spec.commandLine().getErr().println("node " + id + " exited with code " + exited.exitValue());
        spec.commandLine().getErr().flush();
        try {
          Files.writeString(log, LOG_PREFIX + "node " + id + " exited with code " + exited.exitValue() + "\n",
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          // the log is for people; add notices the exit another way (the node stops answering)
        }
      });
    }
    out.printf("  %s  %s  peer %s  log %s%s%n", id, security.url(layout.http(id)), layout.peer(id), log,
        joins && firstStart ? "  (joins" + (layout.promote(id) ? ", a voter once caught up)" : " as a learner)") : "");
  }

  /**
   * Hazelcast discovery: each member's bind address and every member as a seed, and the voters
   * explicitly for founders (discovery never decides who votes; a joining node has none).
   */
  private static List<String> hazelcastArgs(String id, LocalClusterLayout layout, boolean joins) {
    List<String> seeds = new ArrayList<>();
    for (String other : layout.activeIds()) seeds.add(layout.hazelcast(other));
    List<String> args = new ArrayList<>(List.of("--set", "discovery.hazelcast.bind=" + layout.hazelcast(id),
        "--set", "discovery.hazelcast.seeds=" + String.join(",", seeds)));
    if (!joins) args.addAll(List.of("--voters", String.join(",", layout.founderIds())));
    return args;
  }

  /** The founders' addresses: the static peer list every node starts with (members added later come from the log). */
  private static String peersSetting(LocalClusterLayout layout) {
    List<String> parts = new ArrayList<>();
    for (String id : layout.founderIds()) parts.add(id + "=" + layout.peer(id) + "@" + layout.http(id));
    return String.join(",", parts);
  }

  private Process launch(List<String> nodeArgs, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(childJvmArgs());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(nodeArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("BELLWETHER_") && !k.equals("BELLWETHER_JAVA_OPTS"));
    return pb.start();
  }

  /** This JVM's flags (heap, --add-opens, ...) minus debugging agents; small heap by default. */
  private static List<String> childJvmArgs() {
    List<String> args = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp")) continue;
      args.add(a);
    }
    if (args.stream().noneMatch(a -> a.startsWith("-Xmx"))) args.add("-Xmx256m");
    return args;
  }

  /** Polls every node's /health/ready; returns the leader once all are ready, or null on timeout. */
  private String awaitReady(LocalClusterLayout layout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyTimeoutSeconds);
    List<String> ids = layout.activeIds();
    while (System.nanoTime() < deadline) {
      String leader = null;
      int ready = 0;
      for (String id : ids) {
        try {
          HttpResponse<byte[]> r = security.client(security.url(layout.http(id)), Duration.ofSeconds(1))
              .send("GET", "/health/ready", null, Map.of());
          if (r.statusCode() == 200) {
            ready++;
            leader = new io.vertx.core.json.JsonObject(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                .getString("leader");
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      if (ready == ids.size()) return leader;
      applyLayout(); // a node added meanwhile starts now, not once the others are ready
      synchronized (processes) {
        if (processes.values().stream().noneMatch(Process::isAlive)) return null;
      }
      Thread.sleep(200);
    }
    return null;
  }

  private void stopAll() {
    List<Process> all;
    synchronized (processes) {
      stopping = true; // no node starts after this
      all = new ArrayList<>(processes.values());
    }
    for (Process p : all) p.destroy(); // SIGTERM: each node stops gracefully
    for (Process p : all) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
