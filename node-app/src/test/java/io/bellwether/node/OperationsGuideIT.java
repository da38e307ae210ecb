package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: the operator's guide, {@code docs/operations.md}, shows commands that work and the output
 * they really print: starting a cluster, growing it, shrinking it, replacing a dead node, a rolling
 * restart, leadership transfers and the refusals an operator meets. So does the README's section
 * "Securing it" (a secure local cluster, its certificates and tokens, and what a wrong token gets).
 *
 * <p>Method: every fenced block whose info string is {@code bash run} is a step; the steps run in
 * the order they appear, in one {@code bash} with {@code set -euo pipefail}, from the repository root,
 * against real {@code bin/bellwether} processes (the shaded jar, as {@code BELLWETHER_JAR}). The test
 * provides {@code DATA} (a fresh directory) and {@code BASE_PORT} (node nK listens on BASE_PORT+K and
 * BASE_PORT+50+K, all free when the test starts). A step fails the test if a command in it fails; a
 * {@code text expect} block right after a step lists lines its output (stdout and stderr) must
 * contain, in that order, each a whole line in which {@code ...} stands for any text. Waiting is the
 * guide's own: its {@code wait_for} polls a condition until a deadline. Whatever the outcome, every
 * process whose pid the guide wrote to {@code DATA/*.pid} is killed at the end.
 */
class OperationsGuideIT {

  static final String RUN = "bash run";
  static final String EXPECT = "text expect";
  private static final String MARK = "@@@ guide step ";
  private static final long DEADLINE_SECONDS = 240;

  @TempDir Path dir;

  record Step(int line, String code, List<String> expect) {}

  /** The {@code bash run} blocks of a markdown file, each with the {@code text expect} block after it. */
  static List<Step> steps(List<String> markdown) {
    return steps(markdown, null);
  }

  /**
   * The steps of one section: from the heading {@code ## section} to the next heading of that level
   * (the whole file when {@code section} is null). Lines keep their numbers in the file.
   */
  static List<Step> steps(List<String> markdown, String section) {
    if (section == null) return stepsOf(markdown);
    int from = markdown.indexOf("## " + section);
    if (from < 0) throw new AssertionError("no section '## " + section + "'");
    List<String> kept = new ArrayList<>(markdown);
    for (int i = 0; i < kept.size(); i++) {
      boolean inside = i > from && kept.subList(from + 1, i + 1).stream().noneMatch(l -> l.startsWith("## "));
      if (!inside) kept.set(i, "");
    }
    return stepsOf(kept);
  }

  private static List<Step> stepsOf(List<String> markdown) {
    List<Step> steps = new ArrayList<>();
    int lastRunClosed = -1; // the line of the last run block's closing fence; -1: none yet
    for (int i = 0; i < markdown.size(); i++) {
      String info = markdown.get(i).strip();
      if (!info.startsWith("```")) continue;
      int start = i;
      List<String> body = new ArrayList<>();
      for (i++; i < markdown.size() && !markdown.get(i).strip().equals("```"); i++) body.add(markdown.get(i));
      String kind = info.substring(3).strip();
      if (kind.equals(RUN)) {
        steps.add(new Step(start + 1, String.join("\n", body), new ArrayList<>()));
        lastRunClosed = i;
      } else if (kind.equals(EXPECT)) {
        boolean follows = lastRunClosed >= 0
            && markdown.subList(lastRunClosed + 1, start).stream().allMatch(String::isBlank);
        if (!follows) {
          throw new AssertionError("line " + (start + 1) + ": a '" + EXPECT
              + "' block must come right after a '" + RUN + "' block");
        }
        body.stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(steps.get(steps.size() - 1).expect()::add);
      }
    }
    return steps;
  }

  /** Whether {@code output} holds the expected lines in order, {@code ...} matching any text. */
  static String missing(List<String> expect, String output) {
    List<String> lines = output.lines().map(String::stripTrailing).toList();
    int at = 0;
    for (String e : expect) {
      Pattern p = pattern(e);
      while (at < lines.size() && !p.matcher(lines.get(at)).matches()) at++;
      if (at == lines.size()) return e;
      at++;
    }
    return null;
  }

  static Pattern pattern(String expected) {
    StringBuilder regex = new StringBuilder();
    for (String part : expected.split(Pattern.quote("..."), -1)) {
      if (regex.length() > 0) regex.append(".*");
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile("\\s*" + regex + "\\s*");
  }

  @Test
  void stepsAndExpectedLinesAreReadAsTheGuideSays() {
    List<Step> steps = steps(List.of("text", "```bash run", "echo a", "```", "", "```text expect", "OK ... version=...",
        "", "```", "```bash", "not run", "```", "```bash run", "echo b", "```"));
    assertThat(steps).extracting(Step::code).containsExactly("echo a", "echo b");
    assertThat(steps.get(0).expect()).containsExactly("OK ... version=...");
    assertThat(missing(steps.get(0).expect(), "x\nOK config/color version=2 index=2  \n")).isNull();
    assertThat(missing(List.of("b", "a"), "a\nb\n")).as("in order").isEqualTo("a");
    assertThat(missing(List.of("OK a"), "OK ab\n")).as("a whole line").isEqualTo("OK a");
    assertThat(missing(List.of("(x) [y]"), "(x) [y]\n")).as("no regex").isNull();
  }

  @Test
  void theGuideMatchesWhatTheCommandsDo() throws Exception {
    runGuide("docs/operations.md", null, 5);
  }

  /** The README's "Watches and leases": a watch on a follower sees a put, a leased key, and its expiry. */
  @Test
  void theReadmesWatchSectionMatchesWhatTheCommandsDo() throws Exception {
    runGuide("README.md", "Watches and leases", 1);
  }

  /** The README's "Securing it": a secure local cluster, certificates, tokens, refusals, as written. */
  @Test
  void theReadmesSecuringSectionMatchesWhatTheCommandsDo() throws Exception {
    runGuide("README.md", "Securing it", 2);
  }

  private void runGuide(String file, String section, int minSteps) throws Exception {
    Path jar = Path.of(System.getProperty("bellwether.jar", "target/bellwether.jar")).toAbsolutePath();
    assumeTrue(Files.isRegularFile(jar), "no shaded jar at " + jar);
    assumeTrue(new ProcessBuilder("bash", "-c", "command -v curl").start().waitFor() == 0, "the guide needs bash and curl");
    Path root = repositoryRoot();
    List<Step> steps = steps(Files.readAllLines(root.resolve(file)), section);
    assertThat(steps).as("bash run blocks in " + file).hasSizeGreaterThanOrEqualTo(minSteps);

    Path data = Files.createDirectories(dir.resolve("data"));
    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (int i = 0; i < steps.size(); i++) {
      script.append("printf '\\n").append(MARK).append(i).append(" %s\\n' \"$SECONDS\"\n");
      script.append(steps.get(i).code()).append('\n');
    }
    script.append("printf '\\n").append(MARK).append("end %s\\n' \"$SECONDS\"\n");
    Path scriptFile = dir.resolve("operations.sh");
    Files.writeString(scriptFile, script);
    Path output = dir.resolve("operations.out");

    ProcessBuilder pb = new ProcessBuilder("bash", scriptFile.toString()).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BELLWETHER_"));
    pb.environment().put("BELLWETHER_JAR", jar.toString());
    // Client commands and nodes start faster with C1 alone; the guide runs dozens of each.
    pb.environment().put("BELLWETHER_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
    pb.environment().put("DATA", data.toString());
    pb.environment().put("BASE_PORT", Integer.toString(freeBasePort()));
    Process bash = pb.start();
    int code;
    try {
      if (!bash.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        bash.descendants().forEach(ProcessHandle::destroyForcibly);
        bash.destroyForcibly();
        code = -1;
      } else {
        code = bash.exitValue();
      }
    } finally {
      killRecordedNodes(data);
    }

    String out = Files.readString(output);
    List<String> outputs = split(out);
    printTimes(out, steps);
    int ran = outputs.size();
    if (ran == 0) fail("bash exited with " + code + " before the first step:\n" + out);
    if (code != 0) {
      int failed = Math.min(ran, steps.size()) - 1;
      fail((code == -1 ? "the guide did not finish within " + DEADLINE_SECONDS + " s" : "bash exited with " + code)
          + " in the step at " + file + " line " + steps.get(failed).line() + ":\n" + steps.get(failed).code()
          + "\n--- its output:\n" + outputs.get(failed) + nodeLogs(data));
    }
    assertThat(ran).as("steps that ran").isEqualTo(steps.size() + 1);
    for (int i = 0; i < steps.size(); i++) {
      String miss = missing(steps.get(i).expect(), outputs.get(i));
      if (miss != null) {
        fail("the step at " + file + " line " + steps.get(i).line() + " did not print the line\n  " + miss
            + "\n(in order after the lines before it). The step:\n" + steps.get(i).code()
            + "\n--- its output:\n" + outputs.get(i) + nodeLogs(data));
      }
    }
  }

  /** The output of each step that started, by the markers the script prints. */
  private static List<String> split(String out) {
    List<String> parts = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(MARK) + "(\\d+|end) \\d+$").matcher(out);
    int from = -1;
    while (m.find()) {
      if (from >= 0) parts.add(out.substring(from, m.start()));
      from = m.end();
    }
    if (from >= 0) parts.add(out.substring(from));
    return parts;
  }

  private static void printTimes(String out, List<Step> steps) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(MARK) + "(\\d+|end) (\\d+)$").matcher(out);
    long last = -1;
    int step = -1;
    StringBuilder times = new StringBuilder("guide steps, seconds each:");
    while (m.find()) {
      long at = Long.parseLong(m.group(2));
      if (step >= 0) {
        times.append(String.format("%n  line %4d: %3d s  %s", steps.get(step).line(), at - last,
            steps.get(step).code().lines().filter(l -> !l.isBlank() && !l.strip().startsWith("#")).findFirst().orElse("")));
      }
      last = at;
      step = m.group(1).equals("end") ? -1 : Integer.parseInt(m.group(1));
    }
    System.out.println(times);
  }

  private static String nodeLogs(Path data) throws IOException {
    StringBuilder logs = new StringBuilder();
    try (Stream<Path> files = Files.list(data)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        logs.append("\n--- the last lines of ").append(log.getFileName()).append(":\n");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> logs.append(l).append('\n'));
      }
    }
    return logs.toString();
  }

  /** Kills every process the guide recorded in {@code DATA/ID.pid} and that still runs. */
  private static void killRecordedNodes(Path data) throws IOException {
    try (Stream<Path> files = Files.list(data)) {
      files.filter(p -> p.toString().endsWith(".pid")).forEach(p -> {
        try {
          long pid = Long.parseLong(Files.readString(p).strip());
          ProcessHandle.of(pid).ifPresent(h -> {
            // A launcher (local-cluster) killed with SIGKILL cannot stop its nodes: kill them too.
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            h.onExit().join();
          });
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (NumberFormatException e) {
          // not written yet
        }
      });
    }
  }

  /** A base port B such that B+1..B+9 and B+51..B+59 are free on loopback now. */
  private static int freeBasePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(200, 310) * 100;
      if (free(base + 1, base + 9) && free(base + 51, base + 59)) return base;
    }
    throw new IllegalStateException("no free range of ports found");
  }

  private static boolean free(int from, int to) {
    for (int port = from; port <= to; port++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("bin/bellwether")) && Files.isDirectory(p.resolve("docs"))) return p;
    }
    throw new IllegalStateException("no repository root (with bin/bellwether) above " + Path.of("").toAbsolutePath());
  }
}
