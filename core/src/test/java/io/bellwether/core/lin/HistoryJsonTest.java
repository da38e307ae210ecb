package io.bellwether.core.lin;

// Goal: a history saved as JSON lines reads back identical, so a failing run can be checked again.
// Method: round trips of generated and hand-written histories, and reading a hand-written file.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJsonTest {

  @Test
  void generatedHistoryRoundTripsThroughAFile(@TempDir Path dir) throws IOException {
    History history = RegisterSimulation.generate(11, 2_000, 4, 6, 0.05);
    Path file = dir.resolve("history.jsonl");

    HistoryJson.write(history, file);
    History read = HistoryJson.read(file);

    assertThat(read.ops()).isEqualTo(history.ops());
    assertThat(Files.readAllLines(file)).hasSize(history.size());
    assertThat(LinearizabilityChecker.check(read).isLinearizable()).isTrue();
  }

  @Test
  void everyFieldRoundTripsThroughAWriter() throws IOException {
    History history = History.of(java.util.List.of(
        Op.invokeCas(3, "k", null, "v1", 10).withNode("n1"),
        new Op(3, Op.Type.INFO, Op.F.CAS, "k", null, null, 20, "n1", "timeout \"quoted\""),
        Op.invokeRead(4, "k", 30),
        Op.ok(4, Op.F.READ, "k", null, 40),
        Op.invokeDelete(4, "k", 50),
        Op.fail(4, Op.F.DELETE, "k", 60, "not leader")));
    StringWriter out = new StringWriter();

    HistoryJson.write(history, out);
    History read = HistoryJson.read(new StringReader(out.toString()));

    assertThat(read.ops()).isEqualTo(history.ops());
    assertThat(out.toString().lines().findFirst().orElseThrow()).isEqualTo(
        "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":\"v1\","
            + "\"expected\":null,\"time\":10,\"node\":\"n1\"}");
  }

  @Test
  void handWrittenLinesAreRead() throws IOException {
    String lines = """
        {"process":1,"type":"invoke","f":"write","key":"x","value":"a","time":1}

        {"process":1,"type":"ok","f":"write","key":"x","value":"a","time":2,"node":"n2"}
        {"process":2,"type":"invoke","f":"read","key":"x","time":3}
        {"process":2,"type":"ok","f":"read","key":"x","value":"b","time":4}
        """;

    History history = HistoryJson.read(new StringReader(lines));

    assertThat(history.ops()).hasSize(4);
    assertThat(history.ops().get(1).node()).isEqualTo("n2");
    assertThat(LinearizabilityChecker.check(history).outcome())
        .isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
  }

  @Test
  void lineWithoutARequiredFieldIsRejectedWithItsNumber() {
    String lines = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"time\":1}\n";

    assertThatThrownBy(() -> HistoryJson.read(new StringReader(lines)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("key");
  }
}
