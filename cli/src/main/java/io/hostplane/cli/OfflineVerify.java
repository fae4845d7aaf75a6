package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import io.hostplane.common.audit.Checkpoints;
import io.hostplane.common.audit.ExportVerifier;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hostplane audit verify --file F --key K…}: checks a proof export ({@code audit export --proof}) on this
 * machine with {@link ExportVerifier}: no API, no token. Exit 0 when it verifies, 5 at the first broken line (where
 * and why are printed), 2 when the file is not a Hostplane audit export or a key cannot be read.
 */
final class OfflineVerify {

    private OfflineVerify() {}

    static int run(Path file, List<Path> keyFiles, Output output) {
        if (keyFiles == null || keyFiles.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "--file needs the public key: --key FILE (PEM or base64; repeat)");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (Path keyFile : keyFiles) {
            keys.add(key(keyFile));
        }
        ExportVerifier.Outcome outcome;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            outcome = new ExportVerifier(keys).verify(in);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (outcome.status() == ExportVerifier.Status.NOT_AN_EXPORT) {
            throw new CliException(ExitCodes.USAGE, file + ": " + outcome.describe());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("valid", outcome.valid());
        answer.put("lines", outcome.counts().lines());
        answer.put("chains", outcome.counts().chains());
        answer.put("events", outcome.counts().events());
        answer.put("events_sealed", outcome.counts().eventsSealed());
        answer.put("stubs", outcome.counts().stubs());
        answer.put("checkpoints", outcome.counts().checkpoints());
        if (!outcome.valid()) {
            answer.put("broken_line", outcome.line());
            answer.put("topic", outcome.topic());
            answer.put("partition", outcome.partition());
            answer.put("offset", outcome.offset());
            answer.put("reason", outcome.reason());
        }
        output.object(
                Api.JSON.valueToTree(answer),
                outcome.valid()
                        ? new Output.Column[] {
                            col("valid", "valid"),
                            col("chains", "chains"),
                            col("events", "events"),
                            col("events bound", "events_sealed"),
                            col("stubs", "stubs"),
                            col("checkpoints", "checkpoints"),
                            col("lines", "lines")
                        }
                        : new Output.Column[] {
                            col("valid", "valid"),
                            col("broken line", "broken_line"),
                            col("topic", "topic"),
                            col("partition", "partition"),
                            col("offset", "offset"),
                            col("reason", "reason")
                        });
        return outcome.valid() ? ExitCodes.OK : ExitCodes.NEGATIVE;
    }

    private static PublicKey key(Path file) {
        try {
            return Checkpoints.publicKey(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the key " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, file + " is not an Ed25519 public key (PEM or base64 X.509)");
        }
    }
}
