package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the design documents name only code that exists, so a method renamed or a class moved to
 * another module cannot leave docs/ARCHITECTURE.md (or a decision record, or the operator's guide,
 * docs/operations.md) describing something that is gone. Method: {@link DocReferences} reads each
 * document's backticked names and {@code Class.method} references and looks each up in every
 * module's main and test sources (so a class moved between modules is still found), and in the JDK
 * and the class path for library classes. Every reference that does not resolve is printed with its line, and the test fails.
 * The last tests feed it snippets naming things that do not exist, to show it says so.
 */
class DocReferencesTest {

  private static Path root;
  private static DocReferences references;

  @BeforeAll
  static void indexTheSources() {
    // Surefire runs in the module's directory; the repository root is the first parent that has the docs.
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docs/ARCHITECTURE.md"))) dir = dir.getParent();
    assertThat(dir).as("a parent of the working directory holding docs/ARCHITECTURE.md").isNotNull();
    root = dir;
    references = new DocReferences(root);
  }

  @Test
  void architectureNamesOnlyCodeThatExists() throws IOException {
    assertResolves(root.resolve("docs/ARCHITECTURE.md"));
  }

  @Test
  void theOperatorsGuideNamesOnlyCodeThatExists() throws IOException {
    assertResolves(root.resolve("docs/operations.md"));
  }

  @Test
  void decisionRecordsNameOnlyCodeThatExists() throws IOException {
    Path decisions = root.resolve("docs/decisions");
    List<Path> records;
    try (Stream<Path> files = Files.list(decisions)) {
      records = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    assertThat(records).as("decision records in " + decisions).isNotEmpty();
    List<String> all = new ArrayList<>();
    for (Path p : records) all.addAll(problems(p));
    assertThat(all).as("references in docs/decisions that name no existing code").isEmpty();
  }

  @Test
  void searchesEveryModulesMainAndTestSources() {
    // Main and test sources of every module, whichever module a class lives in today.
    assertThat(references.sourceRoots()).anyMatch(p -> p.endsWith(Path.of("core/src/main/java")))
        .anyMatch(p -> p.endsWith(Path.of("core/src/test/java")))
        .anyMatch(p -> p.endsWith(Path.of("testkit/src/main/java")))
        .anyMatch(p -> p.endsWith(Path.of("node-app/src/main/java")));
    assertThat(references.check(
        "`DocReferencesTest`, `KvRoutes`, `MapDbLogStore`, `VertxTransport`, `LinearizabilityChecker`")).isEmpty();
  }

  @Test
  void aMissingMethodClassOrConstantIsReported() {
    String doc = String.join("\n",
        "Ticks go to `RaftEngine.tick` and messages to `RaftEngine#step`, and `LeaseTiming.covers(leader)`",
        "decides; `RaftNode.Builder`, `Transport.InboundHandler.onPeerUnreachable`, `RaftConfig.tickMicros`",
        "(a record component), `InjectedBug.SEND_BEFORE_SYNC`, `TORN_CRASH`, `io.bellwether.core.engine`,",
        "`java.util.ServiceLoader`, `RandomGenerator`, `FileChannel.force` and `SimReplayTest.java` exist.",
        "But `RaftEngine.noSuchMethod` and `NodeDriver#advanceNever` do not, nor `NoSuchClassAnywhere`,",
        "`Transport.NoSuchNested`, `NO_SUCH_CONSTANT`, `io.bellwether.core.nosuch`, `flush()`;",
        "and in plain text RaftEngine.alsoMissing is checked too, but Vert.x and README.md are not code.",
        "```",
        "`RaftEngine.insideAFenceIsNotChecked`",
        "```");
    List<DocReferences.Problem> problems = references.check(doc);
    problems.forEach(p -> System.out.println("expected problem: " + p));
    assertThat(problems).extracting(DocReferences.Problem::reference).containsExactly(
        "RaftEngine.noSuchMethod", "NodeDriver#advanceNever", "NoSuchClassAnywhere", "Transport.NoSuchNested",
        "NO_SUCH_CONSTANT", "io.bellwether.core.nosuch", "flush()", "RaftEngine.alsoMissing");
    assertThat(problems).extracting(DocReferences.Problem::line).containsExactly(5, 5, 5, 6, 6, 6, 6, 7);
  }

  @Test
  void aMethodThatExistsOnlyAsACallOrInACommentIsNotDeclared() {
    // RaftEngine calls log.commitTo(...) and mentions methods in comments: neither declares them.
    assertThat(references.check("`RaftEngine.commitTo`")).hasSize(1);
    assertThat(references.check("`RaftEngine.plantedNowhere`")).hasSize(1);
    assertThat(references.check("`RaftLog.commitTo`")).isEmpty();
  }

  @Test
  void constantsAreFoundInEnumsClassesAndInterfaces() {
    // An enum constant, a static final field, and an interface field (implicitly static final).
    assertThat(references.check("`Role.PRE_CANDIDATE`, `ApiError.WRITE_NOT_DONE_STATUSES`, `WalRecord.HARD_STATE`"))
        .isEmpty();
    assertThat(references.check("`WalRecord.SOFT_STATE`")).hasSize(1);
  }

  private static void assertResolves(Path doc) throws IOException {
    List<String> problems = problems(doc);
    assertThat(problems).as("references in " + root.relativize(doc) + " that name no existing code").isEmpty();
  }

  private static List<String> problems(Path doc) throws IOException {
    List<String> checked = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (DocReferences.Problem p : references.check(Files.readString(doc), checked)) {
      String line = root.relativize(doc) + " " + p;
      System.out.println("MISSING " + line);
      out.add(line);
    }
    System.out.println(root.relativize(doc) + ": " + checked.size() + " code references checked, "
        + out.size() + " missing");
    assertThat(checked).as("code references found in " + root.relativize(doc)).isNotEmpty();
    return out;
  }
}
