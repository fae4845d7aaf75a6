package io.hostplane.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The API talks to the other services through Kafka and the contract only. */
class ApiArchitectureTest {

    private final JavaClasses api = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hostplane.api");

    @Test
    void theApiDoesNotReachIntoWorkerOrAuditCode() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.hostplane.worker..", "io.hostplane.audit..")
                .check(api);
    }

    @Test
    void featuresDoNotDependOnTheJobEngineInternals() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.hostplane.api.jobs..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.hostplane.api.jobs.JobStore")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.hostplane.api.jobs.OutboxRelay")
                .check(api);
    }
}
