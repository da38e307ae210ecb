package io.bellwether.node;

import static org.awaitility.Awaitility.await;

import io.bellwether.node.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Bellwether JVM started as a real process: either from this test's classpath or from the shaded
 * jar. Its output goes to a file the test can read and wait on.
 */
final class NodeProcess implements AutoCloseable {

  /**
   * Free loopback addresses for a cluster of node processes: each id's HTTP address
   * ({@code 127.0.0.1:port}, in the order given) and the {@code static.peers} value naming them all.
   */
  record Addresses(java.util.Map<String, String> http, String peers) {
    static Addresses free(List<String> ids) {
      java.util.Map<String, String> http = new java.util.LinkedHashMap<>();
      List<String> peers = new java.util.ArrayList<>();
      for (String id : ids) {
        http.put(id, "127.0.0.1:" + TestCluster.freePort());
        peers.add(id + "=127.0.0.1:" + TestCluster.freePort() + "@" + http.get(id));
      }
      return new Addresses(http, String.join(",", peers));
    }
  }

  final Process process;
  final Path output;

  private NodeProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** {@code java -cp <this test's classpath> io.bellwether.node.cli.Main args...}. */
  static NodeProcess fromClasspath(Path output, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(javaPrefix());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return start(cmd, output);
  }

  /** {@code java -jar jar args...}. */
  static NodeProcess fromJar(Path jar, Path output, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(javaPrefix());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    return start(cmd, output);
  }

  private static List<String> javaPrefix() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  }

  private static NodeProcess start(List<String> cmd, Path output) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("BELLWETHER_"));
    return new NodeProcess(pb.start(), output);
  }

  String output() {
    try {
      return Files.exists(output) ? Files.readString(output) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Waits until the output contains {@code text}; fails early with the output if the process died. */
  void awaitOutput(String text, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!process.isAlive() && !output().contains(text)) {
        throw new AssertionError("process exited with " + process.exitValue() + ":\n" + output());
      }
      return output().contains(text);
    });
  }

  /** SIGTERM, then wait for the exit. */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("process did not stop on SIGTERM within " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
