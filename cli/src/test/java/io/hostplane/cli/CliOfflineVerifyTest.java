package io.hostplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.Checkpoints;
import io.hostplane.common.audit.ProofExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify --file --key} offline: no API and no token anywhere (the environment is empty). The export is
 * written here with the format's own writer over a chain signed with a key made here; {@code AuditApiTest} checks
 * real exports with the same verifier.
 */
@Tag("fast")
class CliOfflineVerifyTest {

    @TempDir
    Path dir;

    KeyPair key;
    Path pem;
    Path export;

    @BeforeEach
    void writeAnExportAndItsKey() throws Exception {
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        pem = dir.resolve("key.pub");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(key.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        export = dir.resolve("export.ndjson");
        Files.write(export, export(key));
    }

    private CliRun run(String... args) {
        return CliRun.of(Map.of(), dir, args);
    }

    @Test
    void aValidExportIsExit0WithItsCounts() throws Exception {
        CliRun ok = run("audit", "verify", "--file", export.toString(), "--key", pem.toString());
        assertThat(ok.code()).as(ok.err()).isEqualTo(ExitCodes.OK);
        assertThat(ok.out()).contains("valid:", "true", "events:", "4", "checkpoints:");
        // The key as bare base64 of its X.509 encoding does as well, next to another key, and --json answers JSON.
        Path base64 = dir.resolve("key.b64");
        Files.writeString(
                base64, Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
        Path other = dir.resolve("other.pub");
        Files.writeString(
                other,
                Base64.getEncoder()
                        .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                                .generateKeyPair()
                                .getPublic()
                                .getEncoded()));
        CliRun json = run(
                "audit",
                "verify",
                "--file",
                export.toString(),
                "--key",
                other.toString(),
                "--key",
                base64.toString(),
                "--json");
        assertThat(json.code()).as(json.err()).isEqualTo(ExitCodes.OK);
        assertThat(Api.JSON.readTree(json.out()).path("events").asInt()).isEqualTo(4);
    }

    @Test
    void aBrokenLinkIsExit5NamingTheLineAndWhy() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(export));
        int event = 0;
        while (!lines.get(event).contains("\"kind\":\"event\"")) {
            event++;
        }
        lines.set(event, lines.get(event).replace("/r", "/R"));
        Files.write(export, lines);
        CliRun broken = run("audit", "verify", "--file", export.toString(), "--key", pem.toString());
        assertThat(broken.code()).isEqualTo(ExitCodes.NEGATIVE);
        assertThat(broken.out())
                .containsPattern("broken line:\\s+" + (event + 1) + "\\R")
                .contains("hash does not match the event")
                .contains("hostplane.audit");

        CliRun missing =
                run("audit", "verify", "--file", dir.resolve("ok.ndjson").toString(), "--key", pem.toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE); // no such file: bad arguments
    }

    @Test
    void aFileThatIsNoExportIsExit2() throws Exception {
        Path plain = dir.resolve("plain.ndjson");
        Files.writeString(plain, "{\"specversion\":\"1.0\",\"id\":\"x\",\"tenant\":\"a\"}\n");
        CliRun notExport = run("audit", "verify", "--file", plain.toString(), "--key", pem.toString());
        assertThat(notExport.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(notExport.err()).startsWith("hostplane: ").contains("not a Hostplane audit export");
        assertThat(notExport.err().lines()).hasSize(1);

        CliRun noKey = run("audit", "verify", "--file", export.toString());
        assertThat(noKey.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKey.err()).contains("--key");
        CliRun badKey = run("audit", "verify", "--file", export.toString(), "--key", plain.toString());
        assertThat(badKey.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badKey.err()).contains("not an Ed25519 public key");
    }

    @Test
    void helpShowsTheOfflineOptions() {
        CliRun help = run("audit", "verify", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--file", "--key", "offline");
        assertThat(run("audit", "export", "--help").out()).contains("--proof");
    }

    /** Tenant a's export of one chain: a b a b a b a, a checkpoint every 3 offsets (0, 3, 6). */
    static List<String> export(KeyPair key) {
        String topic = "hostplane.audit";
        String keyId = Checkpoints.keyId(key.getPublic());
        ProofExport.Writer writer = new ProofExport.Writer();
        List<String> lines = new ArrayList<>();
        lines.add(writer.header("a", null, null, Map.of(), List.of(keyId), Instant.now()));
        lines.add(writer.chain(topic, 0, 0, 6, ProofExport.START_GENESIS, ProofExport.END_CHECKPOINT));
        byte[] prev = ChainLink.GENESIS;
        for (int offset = 0; offset <= 6; offset++) {
            String tenant = offset % 2 == 0 ? "a" : "b";
            String json = "{\"id\":\"e" + offset + "\",\"tenant\":\"" + tenant + "\",\"subject\":\"/r" + offset + "\"}";
            byte[] hash = ChainLink.eventHash(topic, 0, offset, prev, json);
            lines.add(
                    tenant.equals("a")
                            ? writer.event(topic, 0, offset, prev, hash, json)
                            : writer.stub(topic, 0, offset, prev, hash, null));
            if (offset % 3 == 0) {
                Instant signedAt = Instant.parse("2026-12-08T00:00:00.000001Z");
                lines.add(writer.checkpoint(
                        topic,
                        0,
                        offset,
                        hash,
                        signedAt,
                        keyId,
                        Checkpoints.sign(
                                key.getPrivate(), Checkpoints.signedBytes(topic, 0, offset, hash, signedAt, keyId))));
            }
            prev = hash;
        }
        lines.add(writer.trailer());
        return lines;
    }
}
