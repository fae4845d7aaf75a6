package io.hostplane.worker.dns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What logs may show of a secret: the start of its SHA-256, enough to tell two keys apart. */
final class Fingerprints {

    private Fingerprints() {}

    static String of(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "(none)";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
