package io.bellwether.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the benchmarks from rotting: runs every benchmark method once, for 100 ms in one forked JVM
 * each, exactly as the benchmarks jar would; fails if one throws or reports no positive score.
 * The figures mean nothing (no warm-up, a C1-only JVM); docs/BENCHMARKS.md has the real runs.
 */
class BenchmarkSmokeTest {

  private static final List<Class<?>> BENCHMARKS = List.of(
      CodecBenchmark.class, EngineBenchmark.class, LogStoreBenchmark.class,
      TransportBenchmark.class, KvApplyBenchmark.class, AppendEntriesTransportBenchmark.class);

  @Test
  void everyBenchmarkRunsAndReportsAPositiveScore() throws RunnerException {
    Options options = new OptionsBuilder()
        .include("io\\.bellwether\\.bench\\..*Benchmark\\..*")
        .forks(1)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .shouldFailOnError(true)
        // Codec sizes share one code path: two of the four keep the run short. Every store runs.
        .param("message", "heartbeat", "append-16")
        // Both AppendEntries sizes share one code path: 64 entries only.
        .param("entries", "64")
        .jvmArgs("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djmh.ignoreLock=true")
        .verbosity(VerboseMode.SILENT)
        .build();

    Collection<RunResult> results = new Runner(options).run();

    Map<String, Double> lowestScoreByMethod = results.stream().collect(Collectors.toMap(
        r -> r.getParams().getBenchmark(), r -> r.getPrimaryResult().getScore(), Math::min));
    assertThat(lowestScoreByMethod).containsOnlyKeys(benchmarkMethods());
    assertThat(lowestScoreByMethod).allSatisfy((method, score) -> assertThat(score).as(method).isPositive());
    assertThat(results).hasSize(21); // 2 codec messages x 2, 2 engine, 3 stores x 3, 2 transport, 2 kv, 2 append transport
  }

  private static String[] benchmarkMethods() {
    return BENCHMARKS.stream()
        .flatMap(c -> Stream.of(c.getMethods())
            .filter(m -> m.isAnnotationPresent(Benchmark.class))
            .map(Method::getName)
            .map(name -> c.getName() + "." + name))
        .toArray(String[]::new);
  }
}
