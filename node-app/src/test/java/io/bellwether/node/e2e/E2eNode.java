package io.bellwether.node.e2e;

import static org.awaitility.Awaitility.await;

import io.bellwether.node.cli.Main;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bellwether node} process of an end-to-end cluster, started from the test classpath with a
 * small JVM. It can be killed (SIGKILL), paused (SIGSTOP), resumed (SIGCONT) and started again on the
 * same data directory; every run appends its output to the same log file.
 */
final class E2eNode implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** Processes still running: killed if the test JVM exits without closing them (a crash, Ctrl-C). */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  final String id;
  final int httpPort;
  private final List<String> args;
  private final Path log;
  private Process process;
  private boolean paused;

  E2eNode(String id, int httpPort, List<String> args, Path log) {
    this.id = id;
    this.httpPort = httpPort;
    this.args = List.copyOf(args);
    this.log = log;
  }

  String url() {
    return E2eHttp.url(httpPort);
  }

  Path log() {
    return log;
  }

  /** Starts the process, without waiting for it to serve. */
  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(id + " is already running");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    URL logConfig = E2eNode.class.getResource("/e2e-logback.xml");
    if (logConfig != null) {
      cmd.add("-Dlogback.configurationFile=" + logConfig);
    }
    cmd.add("-cp");
    cmd.add(nodeClasspath());
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    Files.writeString(log, "=== start " + Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("BELLWETHER_"));
    process = pb.start();
    LIVE.add(process);
    paused = false;
  }

  private static String classpath;

  /**
   * This test's classpath, with Bellwether's own jars (installed in the local Maven repository, where
   * a concurrent {@code mvn install} may replace them while a node runs and loads classes lazily)
   * copied once per test JVM into {@code e2e/lib} under the build folder.
   */
  private static synchronized String nodeClasspath() throws IOException {
    if (classpath != null) {
      return classpath;
    }
    String original = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path lib = E2eScenario.buildDir().resolve("e2e").resolve("lib");
    Files.createDirectories(lib);
    List<String> entries = new ArrayList<>();
    for (String entry : original.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName() == null ? "" : p.getFileName().toString();
      if (name.startsWith("bellwether-") && name.endsWith(".jar") && Files.isRegularFile(p)) {
        Path copy = lib.resolve(name);
        Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    classpath = String.join(File.pathSeparator, entries);
    return classpath;
  }

  /** Waits until the node prints that it serves; fails with its log if it exits first. */
  void awaitServing() {
    Process p = process;
    await("node " + id + " serving").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
      String out = Files.readString(log);
      int lastStart = out.lastIndexOf("=== start");
      boolean serving = out.indexOf(" serving ", Math.max(0, lastStart)) >= 0;
      if (!serving && !p.isAlive()) {
        throw new AssertionError("node " + id + " exited with " + p.exitValue() + ", see " + log);
      }
      return serving;
    });
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive() && !paused;
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, and wait for the process to be gone. */
  synchronized void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    LIVE.remove(process);
    paused = false;
  }

  /**
   * SIGTERM, a graceful stop (a leader hands over first), and waits up to 30 s for the process to
   * exit; returns its exit code.
   */
  synchronized int stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(id + " is not running");
    }
    process.destroy(); // SIGTERM
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("node " + id + " did not exit within 30 s of SIGTERM, see " + log);
    }
    LIVE.remove(process);
    paused = false;
    return process.exitValue();
  }

  /** Waits up to {@code within} for the process to exit by itself; returns its exit code. */
  int awaitExit(Duration within) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node " + id + " did not exit within " + within + ", see " + log);
    }
    LIVE.remove(p);
    return p.exitValue();
  }

  /** What the node's latest run printed (its log since the last start). */
  String outputOfLastRun() throws IOException {
    String out = Files.readString(log);
    return out.substring(Math.max(0, out.lastIndexOf("=== start")));
  }

  /** SIGSTOP: the process stops taking any step, its sockets stay open. */
  synchronized void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  synchronized void resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
  }

  synchronized boolean isPaused() {
    return paused;
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed: "
          + new String(kill.getInputStream().readAllBytes()));
    }
  }

  @Override
  public synchronized void close() {
    if (process == null) {
      return;
    }
    process.destroyForcibly(); // SIGKILL ends a stopped process too
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
  }
}
