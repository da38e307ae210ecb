package io.bellwether.node;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// Goal: node-app's packages form layers a reader can take one at a time: the command line on top,
// then the node it runs, then HTTP, metrics and configuration; nothing below reaches back up.
// Method: an ArchUnit rule over node-app's compiled main classes.
class ArchitectureTest {

  private static JavaClasses nodeApp;

  @BeforeAll
  static void importNodeApp() {
    nodeApp = new ClassFileImporter()
        // Main classes only, whatever the build folder is called (-Dbw.target=...).
        .withImportOption(location -> !location.contains("/test-classes/"))
        .importPackages("io.bellwether.node");
  }

  @Test
  void packagesHaveNoCycles() {
    // "(**)" makes every package its own slice, io.bellwether.node itself included.
    slices().matching("io.bellwether.(**)").should().beFreeOfCycles()
        .because("a cycle means neither package can be understood, tested or moved without the other")
        .check(nodeApp);
  }
}
