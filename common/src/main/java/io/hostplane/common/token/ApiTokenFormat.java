package io.hostplane.common.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * The API token format: {@code hp_} + 256 random bits in base62 (43 characters, left-padded) + a 6-character
 * base62 CRC32 checksum of everything before it. The checksum lets secret scanners and the API recognise a
 * Hostplane token, and reject a mistyped one, without a database lookup.
 */
public final class ApiTokenFormat {

    public static final String PREFIX = "hp_";
    static final int BODY_LENGTH = 43;
    static final int CHECKSUM_LENGTH = 6;
    public static final int LENGTH = PREFIX.length() + BODY_LENGTH + CHECKSUM_LENGTH;

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokenFormat() {}

    /** A new random token. */
    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String body = base62(new BigInteger(1, secret), BODY_LENGTH);
        return PREFIX + body + checksum(PREFIX + body);
    }

    /** True when {@code candidate} has the token shape and a matching checksum. */
    public static boolean isWellFormed(String candidate) {
        if (candidate == null || candidate.length() != LENGTH || !candidate.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (BASE62.indexOf(candidate.charAt(i)) < 0) {
                return false;
            }
        }
        String payload = candidate.substring(0, LENGTH - CHECKSUM_LENGTH);
        return checksum(payload).equals(candidate.substring(LENGTH - CHECKSUM_LENGTH));
    }

    /** The first characters of a token, safe to show in lists so that a person can tell tokens apart. */
    public static String hint(String token) {
        return token.substring(0, PREFIX.length() + 4) + "…";
    }

    static String checksum(String payload) {
        CRC32 crc = new CRC32();
        crc.update(payload.getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_LENGTH);
    }

    private static String base62(BigInteger value, int width) {
        StringBuilder out = new StringBuilder();
        BigInteger rest = value;
        while (rest.signum() > 0) {
            BigInteger[] qr = rest.divideAndRemainder(SIXTY_TWO);
            out.append(BASE62.charAt(qr[1].intValue()));
            rest = qr[0];
        }
        while (out.length() < width) {
            out.append('0');
        }
        return out.reverse().toString();
    }
}
