package io.hostplane.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secrets the local stack keeps in its data folder, each made at the first start and read at every later one
 * (mode 600; see {@link DataFiles} for how a file is written whole and a torn one replaced).
 */
final class DataFolderSecrets {

    /** The Ed25519 key that signs audit checkpoints (PKCS#8, base64) and its public half (X.509, base64). */
    record SigningKeys(String privateKey, String publicKey) {}

    private DataFolderSecrets() {}

    /** The token pepper of this data folder: made once, kept (mode 600) so that tokens survive restarts. */
    static String pepper(Path data) throws IOException {
        return DataFiles.secret(data.resolve("pepper"), () -> randomBase64Url(32), s -> s.length() >= 43);
    }

    /**
     * The key that encrypts uploaded private keys in this data folder (base64 of 32 random bytes): made once,
     * kept (mode 600) so that stored keys stay readable across restarts.
     */
    static String sslEncryptionKey(Path data) throws IOException {
        return DataFiles.secret(
                data.resolve("ssl-encryption-key"),
                () -> {
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    return Base64.getEncoder().encodeToString(secret);
                },
                DataFiles::isBase64Of32Bytes);
    }

    /** The password of the audit store's writer and reader logins in this data folder: made once, mode 600. */
    static String auditDbPassword(Path data) throws IOException {
        return DataFiles.secret(data.resolve("audit-db-password"), () -> randomBase64Url(24), s -> s.length() >= 32);
    }

    private static String randomBase64Url(int bytes) {
        byte[] secret = new byte[bytes];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * The Ed25519 key that signs audit checkpoints in this data folder: {@code audit-signing-key} (PKCS#8, base64,
     * mode 600) and its public half {@code audit-verify-key} (X.509, base64) for the API. Made once and kept, so
     * that earlier checkpoints stay verifiable. The public half is written first and each file whole (a temporary
     * file renamed), so a crash leaves either both or no private key: a missing or unreadable private key was never
     * used, and both are made again.
     */
    static SigningKeys auditSigningKeys(Path data) throws IOException {
        Path privateFile = data.resolve("audit-signing-key");
        Path publicFile = data.resolve("audit-verify-key");
        if (!DataFiles.isEd25519Pair(privateFile, publicFile)) {
            if (Files.exists(privateFile) || Files.exists(publicFile)) {
                System.out.println("hostplane: replacing the unfinished audit signing key in " + data);
            }
            KeyPair pair;
            try {
                pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Files.deleteIfExists(privateFile);
            DataFiles.writeWhole(
                    publicFile,
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                    false);
            DataFiles.writeWhole(
                    privateFile,
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                    true);
        }
        return new SigningKeys(
                Files.readString(privateFile, StandardCharsets.US_ASCII).trim(),
                Files.readString(publicFile, StandardCharsets.US_ASCII).trim());
    }
}
