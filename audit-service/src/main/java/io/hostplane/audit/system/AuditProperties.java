package io.hostplane.audit.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the audit service ({@code hostplane.audit.*}).
 *
 * @param writer the database login the ingestor writes with: it gets INSERT and SELECT on the audit tables,
 *     nothing else. Empty: the owner's login ({@code spring.r2dbc.*}), which the database cannot stop from
 *     changing its own tables (a warning says so at start-up)
 * @param reader the database login the API reads with: it gets SELECT on the audit tables only
 * @param checkpoint how often chains are checkpointed
 * @param signingKey the Ed25519 private key that signs checkpoints, PKCS#8 as PEM or bare base64; never logged
 *     (only its key id is). Empty: no checkpoints are written
 * @param dbPoolSize JDBC pool size of the writer
 * @param replay where and how replays run
 */
@ConfigurationProperties("hostplane.audit")
public record AuditProperties(
        Login writer,
        Login reader,
        Checkpoint checkpoint,
        String signingKey,
        @DefaultValue("4") int dbPoolSize,
        Replay replay) {

    public AuditProperties {
        replay = replay == null ? new Replay(null, 2000) : replay;
        writer = writer == null ? new Login(null, null) : writer;
        reader = reader == null ? new Login(null, null) : reader;
        checkpoint = checkpoint == null ? new Checkpoint(1000) : checkpoint;
    }

    /**
     * A database login; the password is never logged.
     *
     * @param username the login's name
     * @param password its password
     */
    public record Login(String username, String password) {
        public boolean configured() {
            return username != null && !username.isBlank();
        }

        @Override
        public String toString() {
            return "Login[username=" + username + "]";
        }
    }

    /**
     * @param dir the directory replays with target {@code file} write into (a file is never overwritten); empty:
     *     {@code hostplane-replays} under the temporary directory
     * @param batch records read per poll by a replay
     */
    public record Replay(
            java.nio.file.Path dir, @DefaultValue("500") int batch) {
        public Replay {
            dir = dir == null || dir.toString().isBlank()
                    ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "hostplane-replays")
                    : dir;
        }
    }

    /** @param every a checkpoint is written at the first link of each block of this many offsets of a chain */
    public record Checkpoint(@DefaultValue("1000") long every) {}

    @Override
    public String toString() {
        return "AuditProperties[writer=" + writer + ", reader=" + reader + ", checkpoint=" + checkpoint
                + ", replay=" + replay
                + ", signingKey=" + (signingKey == null || signingKey.isBlank() ? "none" : "set") + "]";
    }
}
