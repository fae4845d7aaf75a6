package io.hostplane.audit;

import io.hostplane.embedded.TestInfrastructure;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the audit service's integration tests: one application context for them all (so that one consumer
 * group member ingests, which the fault test relies on), on the real broker and PostgreSQL, writing as the
 * writer role and signing a checkpoint every 2 offsets with a key of this JVM's own.
 */
@SpringBootTest(
        classes = AuditApplication.class,
        properties = {AuditApplication.CONFIG_NAME, "hostplane.audit.checkpoint.every=2"},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class AuditServiceTest {

    protected static final KeyPair SIGNING = ed25519();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
        registry.add(
                "hostplane.audit.signing-key",
                () -> Base64.getEncoder().encodeToString(SIGNING.getPrivate().getEncoded()));
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
