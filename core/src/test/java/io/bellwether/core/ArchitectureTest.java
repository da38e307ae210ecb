package io.bellwether.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// Goal: the build, not good intentions, keeps core embeddable alone and the engine pure.
// Method: ArchUnit rules over core's compiled main classes (the pom also bans the dependencies).
class ArchitectureTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter()
        // Main classes only, whatever the build folder is called (-Dbw.target=...).
        .withImportOption(location -> !location.contains("/test-classes/"))
        .importPackages("io.bellwether.core");
  }

  @Test
  void coreNeverTouchesVertxMapDbOrHazelcast() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "org.mapdb..", "com.hazelcast..")
        .because("core is embedded alone; those libraries belong to their own modules")
        .check(core);
  }

  @Test
  void coreShipsNoTestCode() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("org.junit..", "org.assertj..", "org.awaitility..", "io.bellwether.testkit..")
        .because("fault injection, crash modelling and checkers live in the testkit module, not in what ships")
        .check(core);
  }

  @Test
  void engineDoesNoIoAndOwnsNoThreads() {
    noClasses().that().resideInAPackage("..core.engine..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.util.concurrent..",
            "java.time..", "org.slf4j..")
        .because("the engine is pure: the same inputs give the same outputs, under simulation too")
        .check(core);
  }

  @Test
  void engineReadsNoClockAndMakesNoRandomnessOfItsOwn() {
    noClasses().that().resideInAPackage("..core.engine..")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .orShould().dependOnClassesThat().belongToAnyOf(
            Thread.class, java.util.Random.class, java.util.SplittableRandom.class)
        .because("time arrives as ticks and randomness from the injected generator")
        .check(core);
  }

  @Test
  void packagesHaveNoCycles() {
    // "(**)" makes every package its own slice, io.bellwether.core itself included.
    slices().matching("io.bellwether.(**)").should().beFreeOfCycles()
        .because("a cycle means neither package can be understood, tested or moved without the other")
        .check(core);
  }
}
