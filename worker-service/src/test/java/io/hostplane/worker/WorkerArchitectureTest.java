package io.hostplane.worker;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The worker service's boundaries: its feature packages form no cycle, {@code system} depends on no feature, and
 * it reaches the other services through Kafka and the contract only.
 */
@Tag("fast")
class WorkerArchitectureTest {

    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hostplane.worker");

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("io.hostplane.worker.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void systemDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("io.hostplane.worker.system..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.hostplane.worker..")
                        .and(not(resideInAPackage("io.hostplane.worker.system.."))))
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void otherServicesAreReachedThroughTheContractOnly() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.hostplane.api..", "io.hostplane.audit..")
                .check(classes);
    }
}
