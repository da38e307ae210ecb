package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code bin/bellwether} gives the one-call client commands their class-data sharing archive:
 * made once beside the jar by the training run, then used (the client's classes come from it), never
 * in the way (the command's answer and exit code are the same), and not made or used with {@code
 * BELLWETHER_CDS=0}. Method: the shaded jar copied into a temporary directory, the launcher run as a
 * user runs it against a port where nothing listens, the JVM's class-loading log read.
 */
class ClientArchiveIT {

  @TempDir Path dir;

  record Run(int code, String output) {}

  private Run launcher(Path jar, Map<String, String> env, String... args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("bin/bellwether"))) root = root.getParent();
    List<String> cmd = new java.util.ArrayList<>(List.of(root.resolve("bin/bellwether").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("BELLWETHER_"));
    pb.environment().put("BELLWETHER_JAR", jar.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  /** The shaded jar, copied into this test's directory: the archive is made beside it. */
  private Path copyOfTheShadedJar() throws IOException {
    Path shaded = Path.of(System.getProperty("bellwether.jar", "target/bellwether.jar")).toAbsolutePath();
    assumeTrue(Files.isRegularFile(shaded), "no shaded jar at " + shaded);
    return Files.copy(shaded, dir.resolve("bellwether.jar"));
  }

  private static String deadUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void theArchiveIsMadeOnceThenUsedAndChangesNothingElse() throws Exception {
    Path jar = copyOfTheShadedJar();
    Path archive = dir.resolve("bellwether-client.jsa");
    String url = deadUrl();

    Run first = launcher(jar, Map.of(), "get", "k", "--url", url);
    assertThat(first.code()).as(first.output()).isEqualTo(1);
    assertThat(first.output()).startsWith("error: cannot connect to " + url);
    assertThat(archive).isRegularFile();
    assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    long made = Files.getLastModifiedTime(archive).toMillis();

    Path classes = dir.resolve("classes.log");
    Run second = launcher(jar, Map.of("BELLWETHER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
        "put", "k", "v", "--url", url);
    assertThat(second.code()).as(second.output()).isEqualTo(1);
    assertThat(second.output()).startsWith("error: cannot connect to " + url);
    assertThat(Files.getLastModifiedTime(archive).toMillis()).as("made once").isEqualTo(made);
    assertThat(Files.readAllLines(classes)).as("the client's classes come from the archive")
        .anyMatch(l -> l.contains("io.bellwether.client.ShortLivedHttp source: shared objects file (top)"));
  }

  @Test
  void withCdsOffNoArchiveIsMadeOrUsed() throws Exception {
    Path jar = copyOfTheShadedJar();
    Path classes = dir.resolve("classes.log");
    Run run = launcher(jar, Map.of("BELLWETHER_CDS", "0", "BELLWETHER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
        "status", "--url", deadUrl());
    assertThat(run.code()).as(run.output()).isEqualTo(1);
    assertThat(dir.resolve("bellwether-client.jsa")).doesNotExist();
    assertThat(Files.readString(classes)).doesNotContain("shared objects file (top)")
        .contains("io.bellwether.client.ShortLivedHttp source: file:");
  }
}
