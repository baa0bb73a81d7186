package io.zk2zk;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of docs/design.md, checked at build time: the pure stages stay pure and the
 * stages depend one way.
 */
// Plain JUnit tests rather than ArchUnit's own engine: surefire's -Dtest filter then selects and
// reports them like every other test (with the engine, a filtered run reported 0 tests).
class ArchitectureTest {

  /** The stages that only compute: rules, write plan, outcome policy. */
  private static final String[] PURE_STAGES = {
    "io.zk2zk.decide..", "io.zk2zk.plan..", "io.zk2zk.outcome.."
  };

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.zk2zk");
  }

  @Test
  void pureStagesDependOnlyOnEachOtherAndTheJdk() {
    // java.. is the whole allowance from outside: no ZooKeeper, Curator, SLF4J or other stage
    classes()
        .that()
        .resideInAnyPackage(PURE_STAGES)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(concat(PURE_STAGES, "java.."))
        .because(
            "the rules, the write plan and the outcome policy are pure functions of what was"
                + " read: no client, no logging, no I/O, so that their unit tests are the spec's"
                + " tables without a server and every decision is reproducible from its inputs")
        .check(main);
  }

  @Test
  void stagesDependOneWay() {
    slices()
        .matching("io.zk2zk.(*)..")
        .should()
        .beFreeOfCycles()
        .because(
            "the stages form a pipeline (docs/design.md, Data flow): a cycle between two packages"
                + " means neither can be understood, tested or changed without the other")
        .check(main);
  }

  @Test
  void rulesDoNotReadTheConfiguration() {
    // dependOn, not only access: a config type as a parameter or field is as much a leak
    noClasses()
        .that()
        .resideInAPackage("io.zk2zk.decide..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.zk2zk.config..")
        .because(
            "a rule is a pure function of the path's view (both sides and the record): a flag"
                + " that changes a decision must reach it through the view, where the rule"
                + " tables and verify see it too")
        .check(main);
  }

  private static String[] concat(String[] packages, String more) {
    String[] all = java.util.Arrays.copyOf(packages, packages.length + 1);
    all[packages.length] = more;
    return all;
  }
}
