package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Goal: client/README.md's Java examples cannot rot: every {@code ```java} block appears, line for
 * line (indentation aside), in a test source that is compiled ({@code readme/Example.java}) or run
 * ({@link ClientReadmeExamplesTest}). Editing an example in one place and not the other fails here.
 */
class ClientReadmeTest {

  static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("client/README.md"))) dir = dir.getParent();
    return dir;
  }

  static List<String> lines(String text) {
    return text.lines().map(String::strip).toList();
  }

  static boolean containsRun(List<String> haystack, List<String> needle) {
    return java.util.Collections.indexOfSubList(haystack, needle) >= 0;
  }

  @Test
  void everyJavaExampleOfTheClientReadmeIsInATestSource() throws Exception {
    Path root = root();
    String readme = Files.readString(root.resolve("client/README.md"));
    Path tests = root.resolve("node-app/src/test/java/io/bellwether/node");
    List<List<String>> sources = List.of(
        lines(Files.readString(tests.resolve("ClientReadmeExamplesTest.java"))),
        lines(Files.readString(tests.resolve("readme/Example.java"))));
    Matcher m = JAVA_BLOCK.matcher(readme);
    List<String> missing = new ArrayList<>();
    int blocks = 0;
    while (m.find()) {
      blocks++;
      List<String> block = lines(m.group(1));
      if (sources.stream().noneMatch(s -> containsRun(s, block))) missing.add(m.group(1));
    }
    assertThat(blocks).as("java blocks in client/README.md").isGreaterThanOrEqualTo(5);
    assertThat(missing).as("README examples not found verbatim in the example tests").isEmpty();
  }

  /** The root README's section on the client shows an example that runs, too. */
  @Test
  void theRootReadmesClientExampleIsInATestSource() throws Exception {
    Path root = root();
    String readme = Files.readString(root.resolve("README.md"));
    int from = readme.indexOf("## The Java client and coordination recipes");
    assertThat(from).as("the root README's client section").isGreaterThanOrEqualTo(0);
    String section = readme.substring(from, readme.indexOf("\n## ", from + 3));
    List<String> run = lines(Files.readString(root.resolve("node-app/src/test/java/io/bellwether/node/ClientReadmeExamplesTest.java")));
    Matcher m = JAVA_BLOCK.matcher(section);
    int blocks = 0;
    while (m.find()) {
      blocks++;
      assertThat(containsRun(run, lines(m.group(1)))).as("root README example in ClientReadmeExamplesTest:\n" + m.group(1)).isTrue();
    }
    assertThat(blocks).isGreaterThanOrEqualTo(1);
  }
}
