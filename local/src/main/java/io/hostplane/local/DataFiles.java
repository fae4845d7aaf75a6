package io.hostplane.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The small files of the local stack's data folder (secrets, keys): each written whole (a temporary file, then a
 * rename), and one found empty or torn (a crash between creating and filling it, before this class existed) is
 * recognised by its content and made again, since nothing can have used it.
 */
final class DataFiles {

    private DataFiles() {}

    /** The secret in {@code file}, made by {@code make} unless the file holds one that {@code valid} accepts. */
    static String secret(Path file, Supplier<String> make, Predicate<String> valid) throws IOException {
        if (Files.exists(file)) {
            String kept = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (valid.test(kept)) {
                return kept;
            }
            System.out.println("hostplane: " + file + " was left unfinished by a crash; making it again");
        }
        String secret = make.get();
        writeWhole(file, secret, true);
        return secret;
    }

    /** Writes {@code content} to a temporary file beside {@code file} (mode 600 if secret), then renames it. */
    static void writeWhole(Path file, String content, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static boolean isBase64Of32Bytes(String s) {
        try {
            return Base64.getDecoder().decode(s).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Both files hold an Ed25519 key, private (PKCS#8) and public (X.509), in base64. */
    static boolean isEd25519Pair(Path privateFile, Path publicFile) {
        try {
            KeyFactory keys = KeyFactory.getInstance("Ed25519");
            keys.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(Files.readString(privateFile, StandardCharsets.US_ASCII)
                            .trim())));
            keys.generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                    .decode(Files.readString(publicFile, StandardCharsets.US_ASCII)
                            .trim())));
            return true;
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
