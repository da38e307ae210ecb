package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code bellwether-bench} in this JVM the way the tool tests do: with a JSON report and a fixed seed. */
final class BenchRun {

  /** The exit code, what the tool printed, and its JSON report (null when it wrote none). */
  record Result(int code, String out, String err, JsonNode json) { }

  private BenchRun() {}

  /** Runs the CLI with {@code --json} (a file in {@code dir}) and {@code --seed 42} unless given. */
  static Result run(Path dir, String... args) throws Exception {
    Path json = dir.resolve("report-" + System.nanoTime() + ".json");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--json", json.toString()));
    if (!all.contains("--seed")) all.addAll(List.of("--seed", "42"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BenchCli.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    System.out.println(out);
    System.out.println(err);
    JsonNode report = Files.exists(json) ? Json.MAPPER.readTree(json.toFile()) : null;
    return new Result(code, out.toString(), err.toString(), report);
  }
}
