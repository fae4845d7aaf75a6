package io.hostplane.api;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.hostplane.common.envelope.ApiEnvelope;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The API's boundaries: it talks to the other services through Kafka and the contract only; its feature packages
 * ({@code io.hostplane.api.*}) form no cycle; {@code system} (security, errors, HTTP) depends on no feature; and
 * the job engine's internals stay inside {@code jobs}.
 */
@Tag("fast")
class ApiArchitectureTest {

    private static final JavaClasses api = new ClassFileImporter()
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
                .check(api);
        // Features write outbox rows through Outbox; only the job engine's acceptance path wakes the relay itself.
        noClasses()
                .that()
                .resideOutsideOfPackages("io.hostplane.api.jobs..", "io.hostplane.api.outbox..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.hostplane.api.outbox.OutboxRelay")
                .check(api);
    }

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("io.hostplane.api.(*)..").should().beFreeOfCycles().check(api);
    }

    /**
     * One place maps errors to HTTP: only {@code ApiErrorHandler} builds an error envelope; filters, security
     * handlers and controllers raise {@code ApiException} instead (the Netty-level answers made before Spring use
     * the handler's envelope too). The one other envelope with {@code success: false} is the health report's 503,
     * which is an answer with data (each component's state), not a failure.
     */
    @Test
    void onlyTheErrorHandlerBuildsErrorEnvelopes() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("io.hostplane.api.system.ApiErrorHandler")
                .should()
                .callMethod(
                        ApiEnvelope.class, "failure", int.class, String.class, String.class, List.class, String.class)
                .check(api);
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("io.hostplane.api.system.SystemController")
                .should()
                .callConstructorWhere(target(owner(assignableTo(ApiEnvelope.class))))
                .check(api);
    }

    @Test
    void systemDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("io.hostplane.api.system..")
                .should()
                .dependOnClassesThat(
                        resideInAPackage("io.hostplane.api..").and(not(resideInAPackage("io.hostplane.api.system.."))))
                .check(api);
    }
}
