package io.hostplane.api.audit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the API reads and verifies the audit store ({@code hostplane.audit.*}).
 *
 * @param reader the database login with SELECT only on the audit tables (granted by the audit service); empty:
 *     the API's own login
 * @param verifyKeys Ed25519 public keys (X.509, PEM or bare base64) whose checkpoint signatures verification
 *     accepts; empty: checkpoints are not checked (the answer says so)
 * @param tenantMaxRange the longest time range a tenant token may query, export or verify at once; a request
 *     without {@code from} gets the last such span
 */
@ConfigurationProperties("hostplane.audit")
record AuditApiProperties(
        Reader reader,
        List<String> verifyKeys,
        @DefaultValue("31d") Duration tenantMaxRange) {

    AuditApiProperties {
        reader = reader == null ? new Reader(null, null) : reader;
        verifyKeys = verifyKeys == null
                ? List.of()
                : verifyKeys.stream().filter(k -> !k.isBlank()).toList();
    }

    /**
     * A database login; its password is never logged.
     *
     * @param username the login's name
     * @param password its password
     */
    record Reader(String username, String password) {
        boolean configured() {
            return username != null && !username.isBlank();
        }

        @Override
        public String toString() {
            return "Reader[username=" + username + "]";
        }
    }
}
