package io.hostplane.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class DataFilesTest {

    @TempDir
    Path dir;

    @Test
    void aSecretLeftEmptyOrTornByACrashIsMadeAgainAndAGoodOneIsKept() throws Exception {
        Path file = dir.resolve("pepper");
        Files.createFile(file); // created, never filled: the crash came in between
        String made = DataFiles.secret(file, () -> "a".repeat(43), s -> s.length() >= 43);
        assertThat(made).isEqualTo("a".repeat(43));
        assertThat(Files.readString(file)).isEqualTo(made);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        assertThat(DataFiles.secret(file, () -> "b".repeat(43), s -> s.length() >= 43))
                .isEqualTo(made);

        Files.writeString(file, "aaaa"); // torn
        assertThat(DataFiles.secret(file, () -> "c".repeat(43), s -> s.length() >= 43))
                .isEqualTo("c".repeat(43));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("pepper");
        }
    }

    @Test
    void anEd25519PairIsRecognisedAndATornHalfIsNot() throws Exception {
        var pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path privateFile = dir.resolve("audit-signing-key");
        Path publicFile = dir.resolve("audit-verify-key");
        String privateKey =
                java.util.Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        DataFiles.writeWhole(
                publicFile,
                java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                false);
        assertThat(DataFiles.isEd25519Pair(privateFile, publicFile)).isFalse();
        DataFiles.writeWhole(privateFile, privateKey.substring(0, 20), true);
        assertThat(DataFiles.isEd25519Pair(privateFile, publicFile)).isFalse();
        DataFiles.writeWhole(privateFile, privateKey, true);
        assertThat(DataFiles.isEd25519Pair(privateFile, publicFile)).isTrue();
    }
}
