package io.hostplane.audit;

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
 * The audit service's boundaries: its feature packages form no cycle, {@code system} depends on no feature, and
 * it reaches the other services through Kafka and the contract only.
 */
@Tag("fast")
class AuditArchitectureTest {

    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hostplane.audit");

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("io.hostplane.audit.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void systemDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("io.hostplane.audit.system..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.hostplane.audit..")
                        .and(not(resideInAPackage("io.hostplane.audit.system.."))))
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void otherServicesAreReachedThroughTheContractOnly() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.hostplane.api..", "io.hostplane.worker..")
                .check(classes);
    }
}
