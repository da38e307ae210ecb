package io.bellwether.storage.mapdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashChild} JVM started with the test's class path, whose "BW ..." stdout lines are
 * queued for the test. Other output (logging) goes to a log file.
 */
final class ChildProcess implements AutoCloseable {

  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private boolean ended;

  private ChildProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readLines, "child-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static ChildProcess start(Path logFile, String... args) {
    return start(logFile, CrashChild.class, args);
  }

  /** A child running {@code main}'s main method. */
  static ChildProcess start(Path logFile, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    command.add("-Dlogback.configurationFile=" + logbackConfig(logFile.getParent()));
    command.addAll(List.of("-cp", frozenClassPath(), main.getName()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
      return new ChildProcess(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next "BW" line, or empty when the child's output ended; fails after {@code timeoutMillis}. */
  Optional<String> nextLine(long timeoutMillis) throws InterruptedException {
    if (ended) return Optional.empty();
    String line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (line == null) throw new AssertionError("child " + process.pid() + " printed nothing for " + timeoutMillis + " ms");
    if (line.equals(EOF)) {
      ended = true;
      return Optional.empty();
    }
    return Optional.of(line);
  }

  /**
   * SIGKILL, then every line the child printed before it died. Through the process handle: {@code
   * Process.destroyForcibly()} also closes our end of the child's stdout, which drops the lines still
   * in the pipe, so the test would miss syncs the child reported (and wrongly bound the hard state).
   */
  List<String> kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor();
    List<String> rest = new ArrayList<>();
    for (Optional<String> line = nextLine(10_000); line.isPresent(); line = nextLine(10_000)) rest.add(line.get());
    return rest;
  }

  Process process() {
    return process;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private void readLines() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        // A line cut short by the kill lacks its END marker: it reported nothing.
        if (line.startsWith("BW ") && (line.endsWith(" END") || line.equals("BW STARTING") || line.equals("BW LEADER"))) {
          lines.add(line);
        }
      }
    } catch (IOException ignored) {
      // The child died mid-line: that line was never complete, so it reported nothing.
    } finally {
      lines.add(EOF);
    }
  }

  private static String frozenClassPath;

  /**
   * The test's class path with every jar copied once to a private folder: other builds sharing
   * {@code ~/.m2} may reinstall a jar (core's, say) while a long crash test is starting children,
   * and a child must not load half a jar.
   */
  static synchronized String frozenClassPath() {
    if (frozenClassPath != null) return frozenClassPath;
    try {
      Path dir = Files.createTempDirectory("bw-child-classpath");
      dir.toFile().deleteOnExit();
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path path = Path.of(entry);
        if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
          Path copy = dir.resolve((n++) + "-" + path.getFileName());
          Files.copy(path, copy);
          copy.toFile().deleteOnExit();
          entries.add(copy.toString());
        } else {
          entries.add(entry);
        }
      }
      frozenClassPath = String.join(java.io.File.pathSeparator, entries);
      return frozenClassPath;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of a child log, for a failure message. */
  static String tail(Path logFile, int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  private static Path logbackConfig(Path dir) {
    Path config = dir.resolve("child-logback.xml");
    if (!Files.exists(config)) {
      try {
        Files.writeString(config, """
            <configuration>
              <appender name="E" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="E"/></root>
            </configuration>
            """);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return config;
  }
}
