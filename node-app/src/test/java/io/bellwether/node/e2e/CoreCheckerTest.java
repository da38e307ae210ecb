package io.bellwether.node.e2e;

// Goal: the bridge to core's checker really checks: a stale read is caught, a correct history passes;
// and the clients' history is saved in the one format the simulation writes too, checkable again.
// Method: hand-written histories in the shape the clients record, through CoreChecker and a file.

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.testkit.lin.HistoryFiles;
import io.bellwether.testkit.lin.HistoryJson;
import io.bellwether.testkit.lin.Op.F;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreCheckerTest {

  @Test
  void aReadOfAnOverwrittenValueIsNotLinearizable() throws Exception {
    ClientHistory h = new ClientHistory();
    h.invoke(0, F.WRITE, "k", "a", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(0, F.WRITE, "k", "b", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(1, F.READ, "k", null, null);
    h.ok(1, F.READ, "k", "a", "n2");

    assertThat(CoreChecker.check(h.history()).outcome()).isEqualTo("NOT_LINEARIZABLE");
  }

  @Test
  void casAndAnUnknownWriteCanBeLinearized() throws Exception {
    ClientHistory h = new ClientHistory();
    h.invoke(0, F.WRITE, "k", "a", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(1, F.WRITE, "k", "x", null);
    h.info(1, F.WRITE, "k", "504");
    h.invoke(2, F.CAS, "k", "b", "a");
    h.ok(2, F.CAS, "k", null, "n1");
    h.invoke(3, F.READ, "k", null, null);
    h.ok(3, F.READ, "k", "x", "n3");

    assertThat(CoreChecker.check(h.history()).linearizable()).isTrue();
  }

  @Test
  void theHistoryIsSavedInTheSharedFormatAndChecksTheSameReadBack(@TempDir Path dir) throws Exception {
    ClientHistory h = new ClientHistory();
    h.invoke(0, F.WRITE, "k", "a", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(1, F.CAS, "k", "b", "a");
    h.fail(1, F.CAS, "k", "b", "412 condition failed");
    h.invoke(2, F.READ, "k", null, null);
    h.ok(2, F.READ, "k", "a", "n2");

    Path file = HistoryFiles.save(h.history(), dir, "e2e-SomeE2eTest.scenario-seed-7");

    assertThat(file.getFileName()).hasToString("e2e-SomeE2eTest.scenario-seed-7.jsonl");
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(6);
    // The clients keep no value in a write's ok; the file repeats the invocation's, as Jepsen's do.
    assertThat(lines.get(1)).startsWith("{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":\"a\",");
    assertThat(lines.get(3))
        .startsWith("{\"process\":1,\"type\":\"fail\",\"f\":\"cas\",\"key\":\"k\",\"value\":[\"a\",\"b\"],");
    assertThat(CoreChecker.check(HistoryJson.read(file)).linearizable()).isTrue();
  }
}
