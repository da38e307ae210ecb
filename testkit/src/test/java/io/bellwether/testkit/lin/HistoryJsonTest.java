package io.bellwether.testkit.lin;

// Goal: a history saved as JSON lines reads back as the same history, in the one documented format
// (docs/ARCHITECTURE.md, "Histories"), so that any run can be checked again, by anyone.
// Method: round trips of generated and hand-written histories, the exact line of each kind of event,
// and reading hand-written files, good and bad.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJsonTest {

  @Test
  void generatedHistoryRoundTripsThroughAFile(@TempDir Path dir) throws IOException {
    History history = RegisterSimulation.generate(11, 2_000, 4, 6, 0.05);
    Path file = dir.resolve("history.jsonl");

    HistoryJson.write(history, file);
    History read = HistoryJson.read(file);

    assertThat(Files.readAllLines(file)).hasSize(history.size());
    // Every invocation and every read result comes back exactly; completions of writes carry their
    // invocation's value, whatever the recorder kept (the format's rule), so compare those by kind.
    assertThat(read.ops()).hasSize(history.size());
    for (int i = 0; i < history.size(); i++) {
      Op before = history.ops().get(i);
      Op after = read.ops().get(i);
      if (before.type() == Op.Type.INVOKE || before.f() == Op.F.READ) {
        assertThat(after).isEqualTo(before);
      } else {
        assertThat(after).isEqualTo(new Op(before.process(), before.type(), before.f(),
            before.key(), after.value(), after.expected(), before.time(), before.node(),
            before.error()));
      }
    }
    // What was read back writes the very same file, and checks the same.
    Path again = dir.resolve("again.jsonl");
    HistoryJson.write(read, again);
    assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(file));
    assertThat(LinearizabilityChecker.check(read).isLinearizable()).isTrue();
  }

  @Test
  void eachKindOfEventHasItsDocumentedLine() throws IOException {
    History history = History.of(List.of(
        Op.invokeWrite(1, "k", "v1", 10).withNode("n1"),
        Op.ok(1, Op.F.WRITE, "k", null, 11).withNode("n1"),
        Op.invokeCas(2, "k", "v1", "v2", 12),
        Op.fail(2, Op.F.CAS, "k", 13, "version mismatch"),
        Op.invokeCas(3, "k", null, "v3", 14),
        Op.info(3, Op.F.CAS, "k", 15, "timeout \"quoted\""),
        Op.invokeDelete(4, "k", 16),
        Op.ok(4, Op.F.DELETE, "k", null, 17),
        Op.invokeRead(5, "k", 18),
        Op.ok(5, Op.F.READ, "k", null, 19).withNode("n2"),
        Op.invokeRead(6, "k", 20),
        Op.ok(6, Op.F.READ, "k", "v1", 21),
        Op.invokeRead(7, "k", 22),
        Op.info(7, Op.F.READ, "k", 23, "timeout")));
    StringWriter out = new StringWriter();

    HistoryJson.write(history, out);

    assertThat(out.toString().lines().toList()).containsExactly(
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\"v1\",\"time\":10,\"node\":\"n1\"}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":\"v1\",\"time\":11,\"node\":\"n1\"}",
        "{\"process\":2,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[\"v1\",\"v2\"],\"time\":12}",
        "{\"process\":2,\"type\":\"fail\",\"f\":\"cas\",\"key\":\"k\",\"value\":[\"v1\",\"v2\"],\"time\":13,\"error\":\"version mismatch\"}",
        "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[null,\"v3\"],\"time\":14}",
        "{\"process\":3,\"type\":\"info\",\"f\":\"cas\",\"key\":\"k\",\"value\":[null,\"v3\"],\"time\":15,\"error\":\"timeout \\\"quoted\\\"\"}",
        "{\"process\":4,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":null,\"time\":16}",
        "{\"process\":4,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":null,\"time\":17}",
        "{\"process\":5,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":18}",
        "{\"process\":5,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":19,\"node\":\"n2\"}",
        "{\"process\":6,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":20}",
        "{\"process\":6,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":\"v1\",\"time\":21}",
        "{\"process\":7,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":22}",
        "{\"process\":7,\"type\":\"info\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":23,\"error\":\"timeout\"}");

    History read = HistoryJson.read(new StringReader(out.toString()));

    assertThat(read.ops()).containsExactly(
        Op.invokeWrite(1, "k", "v1", 10).withNode("n1"),
        Op.ok(1, Op.F.WRITE, "k", "v1", 11).withNode("n1"),
        Op.invokeCas(2, "k", "v1", "v2", 12),
        new Op(2, Op.Type.FAIL, Op.F.CAS, "k", "v2", "v1", 13, null, "version mismatch"),
        Op.invokeCas(3, "k", null, "v3", 14),
        new Op(3, Op.Type.INFO, Op.F.CAS, "k", "v3", null, 15, null, "timeout \"quoted\""),
        Op.invokeDelete(4, "k", 16),
        Op.ok(4, Op.F.DELETE, "k", null, 17),
        Op.invokeRead(5, "k", 18),
        Op.ok(5, Op.F.READ, "k", null, 19).withNode("n2"),
        Op.invokeRead(6, "k", 20),
        Op.ok(6, Op.F.READ, "k", "v1", 21),
        Op.invokeRead(7, "k", 22),
        Op.info(7, Op.F.READ, "k", 23, "timeout"));
  }

  @Test
  void handWrittenLinesAreRead() throws IOException {
    String lines = """
        {"process":1,"type":"invoke","f":"write","key":"x","value":"a","time":1}

        {"process":1,"type":"ok","f":"write","key":"x","value":"a","time":2,"node":"n2"}
        {"process":2,"type":"invoke","f":"read","key":"x","time":3}
        {"process":2,"type":"ok","f":"read","key":"x","value":"b","time":4}
        {"process":3,"type":"invoke","f":"cas","key":"x","value":["a","c"],"time":5}
        {"process":3,"type":"fail","f":"cas","key":"x","value":["a","c"],"time":6}
        """;

    History history = HistoryJson.read(new StringReader(lines));

    assertThat(history.ops()).hasSize(6);
    assertThat(history.ops().get(1).node()).isEqualTo("n2");
    assertThat(history.ops().get(4).expected()).isEqualTo("a");
    assertThat(LinearizabilityChecker.check(history).outcome())
        .isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
  }

  @Test
  void aWriteOfNullIsADelete() throws IOException {
    String lines = """
        {"process":1,"type":"invoke","f":"write","key":"x","value":"a","time":1}
        {"process":1,"type":"ok","f":"write","key":"x","value":"a","time":2}
        {"process":2,"type":"invoke","f":"write","key":"x","value":null,"time":3}
        {"process":2,"type":"ok","f":"write","key":"x","value":null,"time":4}
        {"process":3,"type":"invoke","f":"read","key":"x","value":null,"time":5}
        {"process":3,"type":"ok","f":"read","key":"x","value":null,"time":6}
        """;

    History history = HistoryJson.read(new StringReader(lines));

    assertThat(history.ops().get(2).f()).isEqualTo(Op.F.DELETE);
    assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
  }

  @Test
  void lineWithoutARequiredFieldIsRejectedWithItsNumber() {
    String lines = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"time\":1}\n";

    assertThatThrownBy(() -> HistoryJson.read(new StringReader(lines)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("key");
  }

  @Test
  void casWithoutItsPairAndUnknownOperationsAreRejected() {
    String cas = "{\"process\":1,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"x\",\"value\":\"b\",\"time\":1}";
    String delete = "\n{\"process\":1,\"type\":\"invoke\",\"f\":\"delete\",\"key\":\"x\",\"time\":1}";

    assertThatThrownBy(() -> HistoryJson.read(new StringReader(cas)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("[expected, new]");
    assertThatThrownBy(() -> HistoryJson.read(new StringReader(delete)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("read, write or cas");
  }
}
