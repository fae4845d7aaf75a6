package io.hostplane.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code common} is the contract: wire models only, no Spring, no persistence, no service code. */
@Tag("fast")
class ContractArchitectureTest {

    private static final JavaClasses contract = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hostplane.common");

    @Test
    void theContractKnowsNoSpringAndNoPersistence() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..", "java.sql..", "javax.sql..", "io.r2dbc..", "org.apache.kafka..")
                .check(contract);
    }

    @Test
    void theContractKnowsNoService() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.hostplane.api..",
                        "io.hostplane.worker..",
                        "io.hostplane.audit..",
                        "io.hostplane.platform..")
                .check(contract);
    }
}
