package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.engine.InjectedBug;
import io.bellwether.testkit.lin.History;
import io.bellwether.testkit.lin.HistoryFiles;
import io.bellwether.testkit.lin.HistoryJson;
import io.bellwether.testkit.lin.LinearizabilityChecker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: -Dbellwether.history.dir makes every simulation run, passing ones too, leave its history as a
// file named after the run, which reads back and checks again; without it a passing run writes none.
// Method: set and clear the property around a passing run of a fixed seed; restore it afterwards.
class SimHistoryFilesTest {

  private String before;

  @BeforeEach
  void rememberTheProperty() {
    before = System.getProperty(HistoryFiles.DIR_PROPERTY);
  }

  @AfterEach
  void restoreTheProperty() {
    if (before == null) {
      System.clearProperty(HistoryFiles.DIR_PROPERTY);
    } else {
      System.setProperty(HistoryFiles.DIR_PROPERTY, before);
    }
  }

  @Test
  void withTheDirectoryAPassingRunSavesItsHistoryThere(@TempDir Path dir) throws IOException {
    System.setProperty(HistoryFiles.DIR_PROPERTY, dir.toString());
    SimConfig config = SimConfig.of(1, 3);

    SimResult result = Simulation.run(config);

    assertThat(result.failed()).as(result.report()).isFalse();
    assertThat(result.historyFile()).isEqualTo(dir.resolve("sim-seed-1-nodes-3.jsonl"));
    History read = HistoryJson.read(result.historyFile());
    assertThat(read.size()).isEqualTo(result.history().size()).isPositive();
    assertThat(LinearizabilityChecker.check(read).isLinearizable()).isTrue();
  }

  @Test
  void withoutItAPassingRunSavesNothing() {
    System.clearProperty(HistoryFiles.DIR_PROPERTY);

    SimResult result = Simulation.run(SimConfig.of(1, 3).withSafetyTicks(200));

    assertThat(result.failed()).as(result.report()).isFalse();
    assertThat(result.historyFile()).isNull();
  }

  @Test
  void aRunsNameSaysWhichRunItWas() {
    SimConfig seed = SimConfig.of(1, 3);

    assertThat(seed.runName()).isEqualTo("sim-seed-1-nodes-3");
    InjectedBug bug = InjectedBug.values()[0];
    assertThat(SimConfig.of(1, 3).withBugs(Set.of(bug)).runName())
        .isEqualTo("sim-seed-1-nodes-3-bug-" + bug);
    // Another run of the same seed gets another name, and the same run always the same one.
    assertThat(seed.withSafetyTicks(200).runName()).startsWith("sim-seed-1-nodes-3-variant-")
        .isEqualTo(SimConfig.of(1, 3).withSafetyTicks(200).runName())
        .isNotEqualTo(seed.withSafetyTicks(300).runName());
  }
}
