import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints the slowest test classes and test methods of the last build, from the JUnit XML reports
 * surefire and failsafe leave under each module's target folder. Run from the repository root:
 * {@code java .ci/SlowestTests.java [N]} (a single-file program: no build needed).
 */
public class SlowestTests {

  record Timing(String module, String name, double seconds) {}

  public static void main(String[] args) throws Exception {
    int top = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    List<Timing> classes = new ArrayList<>();
    List<Timing> methods = new ArrayList<>();
    List<Path> reports;
    try (Stream<Path> walk = Files.walk(Path.of("."), 5)) {
      reports = walk.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
          .filter(p -> p.getParent().getFileName().toString().matches("(surefire|failsafe)-reports"))
          .toList();
    }
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    for (Path report : reports) {
      String module = Path.of(".").relativize(report).getName(0).toString()
          + (report.toString().contains("failsafe") ? " (it)" : "");
      Element suite;
      try {
        suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
      } catch (IOException | org.xml.sax.SAXException e) {
        System.err.println("skipping unreadable report " + report + ": " + e.getMessage());
        continue;
      }
      classes.add(new Timing(module, shortName(suite.getAttribute("name")), seconds(suite)));
      NodeList cases = suite.getElementsByTagName("testcase");
      for (int i = 0; i < cases.getLength(); i++) {
        Element c = (Element) cases.item(i);
        methods.add(new Timing(module, shortName(c.getAttribute("classname")) + "." + c.getAttribute("name"), seconds(c)));
      }
    }
    double total = classes.stream().mapToDouble(Timing::seconds).sum();
    System.out.printf("%nTest time: %.0f s in %d test classes, %d tests (reports: %d)%n",
        total, classes.size(), methods.size(), reports.size());
    print("Slowest test classes", classes, top);
    print("Slowest tests", methods, top);
  }

  private static void print(String title, List<Timing> timings, int top) {
    System.out.println(title + ":");
    timings.stream().sorted(Comparator.comparingDouble(Timing::seconds).reversed()).limit(top)
        .forEach(t -> System.out.printf("  %7.1f s  %-20s %s%n", t.seconds(), t.module(), t.name()));
  }

  private static double seconds(Element e) {
    try {
      return Double.parseDouble(e.getAttribute("time").replace(",", ""));
    } catch (NumberFormatException notATime) {
      return 0;
    }
  }

  private static String shortName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
