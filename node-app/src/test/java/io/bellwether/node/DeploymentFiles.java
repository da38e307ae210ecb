package io.bellwether.node;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import io.bellwether.node.cli.NodeCommand;
import io.bellwether.node.config.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * Reads the deployment files under {@code deploy/} the way their runtimes would, for {@link
 * DeploymentFilesTest}: the Dockerfile's instructions, the YAML of the compose file and the
 * Kubernetes manifest, and the image's entrypoint script, which is run for real by {@code /bin/sh}
 * with a stand-in {@code java} (it records its arguments and environment) and a stand-in {@code
 * hostname} (it answers the name the container would have). What the stand-in {@code java} received
 * then goes through {@code bellwether node}'s own parsing: {@link NodeCommand}, {@link
 * io.bellwether.node.config.ConfigLoader}, {@link NodeConfig}.
 */
final class DeploymentFiles {

  static final String HAZELCAST_SETTINGS = "io.bellwether.discovery.hazelcast.HazelcastDiscoverySettings";
  static final String HAZELCAST_PREFIX = "discovery.hazelcast.";

  /** What the entrypoint started: the JVM's arguments and environment. */
  record Launch(List<String> javaArgs, Map<String, String> env) {

    /** The arguments after {@code node}: what {@code bellwether node} parses. */
    List<String> nodeArgs() {
      int node = javaArgs.indexOf("node");
      if (node < 2 || !javaArgs.get(node - 2).equals("-jar")) {
        throw new AssertionError("the entrypoint did not run '-jar JAR node ...': " + javaArgs);
      }
      return javaArgs.subList(node + 1, javaArgs.size());
    }

    String jar() {
      return javaArgs.get(javaArgs.indexOf("-jar") + 1);
    }

    /** The node's configuration, exactly as {@code bellwether node} would build it (or its refusal). */
    NodeConfig nodeConfig() {
      NodeCommand command = new NodeCommand();
      new CommandLine(command).parseArgs(nodeArgs().toArray(String[]::new));
      return NodeConfig.from(command.settings(env));
    }

    /** The last value of a {@code -XX:Name=value} or {@code -Xmx...} JVM flag, in bytes. */
    long jvmBytes(String flagPrefix) {
      String value = null;
      for (String a : javaArgs) if (a.startsWith(flagPrefix)) value = a.substring(flagPrefix.length());
      if (value == null) throw new AssertionError("no " + flagPrefix + " among the JVM's arguments " + javaArgs);
      return bytes(value);
    }
  }

  private DeploymentFiles() {}

  /** A Dockerfile's instructions, continuation lines joined and comments dropped, in order. */
  record Dockerfile(List<Map.Entry<String, String>> instructions) {

    static Dockerfile read(Path file) throws IOException {
      List<Map.Entry<String, String>> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(file)) {
        String t = line.strip();
        if (t.startsWith("#") || (t.isEmpty() && current.isEmpty())) continue;
        boolean continues = t.endsWith("\\");
        current.append(continues ? t.substring(0, t.length() - 1) : t).append(' ');
        if (continues) continue;
        String[] parts = current.toString().strip().split("\\s+", 2);
        out.add(Map.entry(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
        current.setLength(0);
      }
      return new Dockerfile(List.copyOf(out));
    }

    List<String> all(String instruction) {
      return instructions.stream().filter(i -> i.getKey().equals(instruction)).map(Map.Entry::getValue).toList();
    }

    /** The one {@code instruction}, failing if it is absent or repeated (only the last would count). */
    String one(String instruction) {
      List<String> all = all(instruction);
      if (all.size() != 1) throw new AssertionError("expected one " + instruction + ", found " + all);
      return all.get(0);
    }

    /** {@code ENV} as the image's environment: {@code KEY=value} or {@code KEY="value with spaces"}. */
    Map<String, String> env() {
      Map<String, String> env = new LinkedHashMap<>();
      Pattern pair = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|(\\S*))");
      for (String args : all("ENV")) {
        Matcher m = pair.matcher(args);
        while (m.find()) env.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
      }
      return env;
    }

    /** The quoted strings of an exec-form ({@code ["a", "b"]}) instruction. */
    List<String> execForm(String instruction) {
      List<String> out = new ArrayList<>();
      Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(one(instruction));
      while (m.find()) out.add(m.group(1));
      return out;
    }

    /** {@code COPY SRC DEST}: the destination of the one copy of {@code source}. */
    String copyDestination(String source) {
      for (String args : all("COPY")) {
        String[] parts = args.split("\\s+");
        if (parts.length == 2 && parts[0].equals(source)) return parts[1];
      }
      throw new AssertionError("no 'COPY " + source + " DEST' in " + all("COPY"));
    }
  }

  /** The repository root: the first parent of the working directory that holds {@code deploy/}. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy/docker"))) dir = dir.getParent();
    if (dir == null) throw new AssertionError("no parent of " + Path.of("").toAbsolutePath() + " holds deploy/docker");
    return dir;
  }

  /**
   * A directory of stand-in commands for a container named {@code fqdn}: {@code hostname} ({@code -f}:
   * the full name, else its first label), {@code java} (records its arguments and environment in
   * {@code java.args} and {@code java.env} beside it) and {@code curl} (prints its arguments).
   */
  static Path standIns(Path tmp, String fqdn) throws IOException {
    Path bin = Files.createTempDirectory(tmp, "bin");
    executable(bin.resolve("hostname"), "#!/bin/sh\nif [ \"${1:-}\" = -f ]; then echo '" + fqdn + "'; else echo '"
        + fqdn.split("\\.")[0] + "'; fi\n");
    executable(bin.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '"
        + bin.resolve("java.args") + "'\nenv > '" + bin.resolve("java.env") + "'\n");
    executable(bin.resolve("curl"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    return bin;
  }

  /**
   * Runs the entrypoint script with {@code env} as the container's environment, as a container named
   * {@code fqdn} would, and returns what it started.
   */
  static Launch runEntrypoint(Path script, Map<String, String> env, String fqdn, Path tmp) {
    try {
      Path bin = standIns(tmp, fqdn);
      String out = run(List.of("/bin/sh", script.toString()), env, bin);
      Path argsFile = bin.resolve("java.args");
      if (!Files.exists(argsFile)) throw new AssertionError("the entrypoint did not run java: " + out);
      Map<String, String> seen = new LinkedHashMap<>();
      for (String line : Files.readAllLines(bin.resolve("java.env"))) {
        int eq = line.indexOf('=');
        if (eq > 0) seen.put(line.substring(0, eq), line.substring(eq + 1));
      }
      seen.keySet().removeAll(Set.of("PATH", "PWD", "OLDPWD", "SHLVL", "_"));
      return new Launch(Files.readAllLines(argsFile), seen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} under {@code /bin/sh -c} (as Docker runs a shell-form command) in a container named {@code fqdn}. */
  static String runShell(String command, Map<String, String> env, String fqdn, Path tmp) throws IOException {
    return run(List.of("/bin/sh", "-c", command), env, standIns(tmp, fqdn));
  }

  private static String run(List<String> command, Map<String, String> env, Path bin) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.environment().put("PATH", bin + ":/usr/bin:/bin");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Every YAML document in {@code file}; merge keys ({@code <<: *anchor}) are resolved as Compose does. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
      if (doc != null) docs.add((Map<String, Object>) doc);
    }
    return docs;
  }

  /** The value at {@code path} (map keys, or list indexes as numbers), failing with the path when absent. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, String... path) {
    Object current = node;
    for (String step : path) {
      if (current instanceof Map<?, ?> map && map.containsKey(step)) {
        current = map.get(step);
      } else if (current instanceof List<?> list && step.matches("\\d+") && Integer.parseInt(step) < list.size()) {
        current = list.get(Integer.parseInt(step));
      } else {
        throw new AssertionError("no '" + String.join(".", path) + "' (stopped at '" + step + "') in " + node);
      }
    }
    return (T) current;
  }

  /** {@code 512m}, {@code 1g}, {@code 1Gi}, {@code 256Mi}, {@code 1048576}: bytes. */
  static long bytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)([kKmMgG]i?)?").matcher(quantity.trim());
    if (!m.matches()) throw new AssertionError("not a memory size: '" + quantity + "'");
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
    if (m.group(2) != null && m.group(2).length() == 1 && Character.isUpperCase(m.group(2).charAt(0))) {
      // Kubernetes' decimal units (1G = 10^9 bytes); the JVM reads 1G as 2^30.
      throw new AssertionError("decimal unit in '" + quantity + "': write Mi or Gi, as the JVM's m and g mean");
    }
    return switch (unit) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }

  /** The {@code discovery.hazelcast.*} setting names the Hazelcast module reads (its constants). */
  static Set<String> hazelcastSettingKeys() throws ReflectiveOperationException {
    Set<String> keys = new TreeSet<>();
    for (Field f : Class.forName(HAZELCAST_SETTINGS).getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
          && f.get(null) instanceof String s && s.startsWith(HAZELCAST_PREFIX)) {
        keys.add(s);
      }
    }
    if (keys.isEmpty()) throw new AssertionError("no discovery.hazelcast.* constants in " + HAZELCAST_SETTINGS);
    return keys;
  }

  /**
   * Validates the node's {@code discovery.hazelcast.*} settings with the module's own code. Its bind
   * host must be an interface of this machine, so the check binds to loopback with the same port: a
   * container resolves its own name to its own interface, which a test machine cannot.
   */
  static void validateHazelcastSettings(NodeConfig config) throws ReflectiveOperationException {
    Endpoint bind = Endpoint.parse(config.settings().get(HAZELCAST_PREFIX + "bind").orElseThrow(
        () -> new AssertionError(config.nodeId() + " has no " + HAZELCAST_PREFIX + "bind")));
    Settings here = config.settings().with(HAZELCAST_PREFIX + "bind", "127.0.0.1:" + bind.port());
    NodeContext context = new NodeContext(config.clusterId(), config.nodeId(), config.dataDir(), here);
    try {
      Class.forName(HAZELCAST_SETTINGS).getMethod("from", NodeContext.class).invoke(null, context);
    } catch (InvocationTargetException e) {
      // The module's refusal (IllegalArgumentException naming the setting) is the test's failure.
      if (e.getCause() instanceof RuntimeException refused) throw refused;
      throw e;
    }
  }
}
