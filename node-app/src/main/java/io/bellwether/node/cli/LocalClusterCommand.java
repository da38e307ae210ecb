package io.bellwether.node.cli;

import io.bellwether.node.Modules;
import io.bellwether.node.config.Defaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether local-cluster}: N nodes as separate JVM processes on loopback. The first run picks
 * free ports and a cluster id and records them in {@code DIR/cluster.properties}; later runs on the
 * same directory reuse them, so the same cluster comes back with its data (given durable storage).
 * Ctrl-C or SIGTERM stops every node gracefully.
 */
@Command(name = "local-cluster", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs N nodes as separate processes on loopback until Ctrl-C or SIGTERM.")
public final class LocalClusterCommand implements Callable<Integer> {

  static final String LAYOUT_FILE = "cluster.properties";
  static final String LOCK_FILE = "local-cluster.lock";

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

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting passed to every node")
  List<String> settings = new ArrayList<>();

  @Spec CommandSpec spec;

  private final List<Process> processes = new ArrayList<>();

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
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    // Held until this process exits. Without it, a second launcher on the same directory started
    // nodes that died at once on their stores' locks, while the first cluster, listening on the
    // same ports, answered the readiness check: it printed "cluster ready" for nodes it did not run.
    if (!lockDirectory(dir)) {
      err.println("error: " + dir + " is in use by another 'bellwether local-cluster' (it holds "
          + dir.resolve(LOCK_FILE) + "); stop that one first, or choose another --data-dir");
      return 2;
    }
    Properties layout;
    try {
      layout = layout(dir);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    String storageName = layout.getProperty("storage");
    String peers = peersSetting(layout);
    Files.createDirectories(dir.resolve("logs"));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "bellwether-local-cluster-stop"));

    out.printf("local cluster '%s' of %d nodes in %s (transport=%s storage=%s discovery=%s)%n",
        layout.getProperty("cluster.id"), nodes, dir, transport, storageName, discovery);
    if (storageName.equals("inmem")) {
      out.println("warning: storage 'inmem' keeps nothing: a restart starts an empty cluster");
    }
    for (int i = 1; i <= nodes; i++) {
      String id = "n" + i;
      Path log = dir.resolve("logs").resolve(id + ".log");
      processes.add(launch(id, layout, peers, dir.resolve(id), log));
      out.printf("  %s  http://%s  peer %s  log %s%n", id, layout.getProperty(id + ".http"),
          layout.getProperty(id + ".peer"), log);
    }
    out.flush();
    String leader = awaitReady(layout);
    if (leader == null) {
      err.println("warning: no leader after " + readyTimeoutSeconds + "s; see the logs");
    } else {
      out.printf("cluster ready, leader %s. Try:%n  bin/bellwether put hello world --url http://%s%n"
          + "  bin/bellwether status --url http://%s%nCtrl-C stops every node.%n",
          leader, layout.getProperty("n1.http"), layout.getProperty("n1.http"));
    }
    out.flush();
    List<CompletableFuture<Process>> exits = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      String id = "n" + (i + 1);
      exits.add(processes.get(i).onExit().whenComplete((p, e) ->
          err.println("node " + id + " exited with code " + p.exitValue())));
    }
    CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).join();
    return 0;
  }

  /** Takes the launcher's lock on {@code dir} for the life of the process; false if another holds it. */
  private static boolean lockDirectory(Path dir) throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held within this JVM (tests that run the command twice in one process)
    }
    if (lock == null) {
      channel.close();
      return false;
    }
    directoryLock = channel; // stays open, and the lock with it, until the JVM exits
    return true;
  }

  /** Reads the layout of {@code dir}, or creates one with free ports on the first run. */
  private Properties layout(Path dir) throws IOException {
    Path file = dir.resolve(LAYOUT_FILE);
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      int recorded = Integer.parseInt(p.getProperty("nodes", "0"));
      if (recorded != nodes) {
        throw new IllegalStateException(dir + " holds a cluster of " + recorded + " nodes, not " + nodes
            + "; use --nodes " + recorded + " or another --data-dir");
      }
      if (storage != null && !storage.equals(p.getProperty("storage"))) {
        throw new IllegalStateException(dir + " was created with storage '" + p.getProperty("storage") + "', not '" + storage + "'");
      }
      for (int i = 1; i <= nodes; i++) {
        if (!Files.isDirectory(dir.resolve("n" + i))) {
          throw new IllegalStateException("the data directory of node n" + i + " (" + dir.resolve("n" + i)
              + ") is missing; refusing to start it empty in an existing cluster");
        }
      }
      if (p.getProperty("n1.hazelcast") == null) {
        for (int i = 1; i <= nodes; i++) p.setProperty("n" + i + ".hazelcast", "127.0.0.1:" + freePort());
        save(p, file);
      }
      return p;
    }
    String storageName = storage != null ? storage
        : Modules.fromClasspath().hasStorage("mapdb") ? "mapdb" : Defaults.STORAGE;
    p.setProperty("cluster.id", "local-" + UUID.randomUUID().toString().substring(0, 8));
    p.setProperty("nodes", Integer.toString(nodes));
    p.setProperty("storage", storageName);
    for (int i = 1; i <= nodes; i++) {
      p.setProperty("n" + i + ".peer", "127.0.0.1:" + freePort());
      p.setProperty("n" + i + ".http", "127.0.0.1:" + freePort());
      p.setProperty("n" + i + ".hazelcast", "127.0.0.1:" + freePort());
      Files.createDirectories(dir.resolve("n" + i));
    }
    save(p, file);
    return p;
  }

  private static void save(Properties p, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "bellwether local-cluster layout: ports are reused on every restart");
    }
  }

  /**
   * Discovery settings: static discovery reads the peer list; Hazelcast gets each member's bind
   * address and every member as a seed, and the voters explicitly (discovery never decides who votes).
   */
  private List<String> discoveryArgs(String id, Properties layout, String peers) {
    List<String> args = new ArrayList<>(List.of("--peers", peers));
    if (discovery.equals("hazelcast")) {
      List<String> seeds = new ArrayList<>();
      List<String> voters = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        seeds.add(layout.getProperty("n" + i + ".hazelcast"));
        voters.add("n" + i);
      }
      args.addAll(List.of("--voters", String.join(",", voters),
          "--set", "discovery.hazelcast.bind=" + layout.getProperty(id + ".hazelcast"),
          "--set", "discovery.hazelcast.seeds=" + String.join(",", seeds)));
    }
    return args;
  }

  private String peersSetting(Properties layout) {
    List<String> parts = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      parts.add("n" + i + "=" + layout.getProperty("n" + i + ".peer") + "@" + layout.getProperty("n" + i + ".http"));
    }
    return String.join(",", parts);
  }

  private Process launch(String id, Properties layout, String peers, Path nodeDir, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(childJvmArgs());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of("node", "--node-id", id, "--cluster-id", layout.getProperty("cluster.id"),
        "--data-dir", nodeDir.toString(), "--transport", transport,
        "--storage", layout.getProperty("storage"), "--discovery", discovery));
    cmd.addAll(discoveryArgs(id, layout, peers));
    for (String s : settings) cmd.addAll(List.of("--set", s));
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
  private String awaitReady(Properties layout) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyTimeoutSeconds);
    while (System.nanoTime() < deadline) {
      String leader = null;
      int ready = 0;
      for (int i = 1; i <= nodes; i++) {
        try {
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                  URI.create("http://" + layout.getProperty("n" + i + ".http") + "/health/ready"))
              .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            ready++;
            leader = new io.vertx.core.json.JsonObject(r.body()).getString("leader");
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      if (ready == nodes) return leader;
      if (processes.stream().noneMatch(Process::isAlive)) return null;
      Thread.sleep(200);
    }
    return null;
  }

  private void stopAll() {
    for (Process p : processes) p.destroy(); // SIGTERM: each node stops gracefully
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
