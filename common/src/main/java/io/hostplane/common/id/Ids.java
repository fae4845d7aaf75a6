package io.hostplane.common.id;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Identifiers: UUIDv7 (RFC 9562) for events, jobs and records, so that they sort by creation time; ULID
 * for request ids, which people read in logs; short random ids with a prefix for accounts and tokens.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final char[] LOWER32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private Ids() {}

    /** A UUIDv7: 48 bits of Unix milliseconds, version 7, 74 random bits. */
    public static UUID uuidV7() {
        return uuidV7(Clock.systemUTC().millis());
    }

    static UUID uuidV7(long unixMillis) {
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (unixMillis << 16) | (0x7L << 12) | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** A ULID: 26 Crockford base32 characters, 48 bits of milliseconds then 80 random bits. */
    public static String ulid() {
        return ulid(Clock.systemUTC().millis());
    }

    static String ulid(long unixMillis) {
        char[] out = new char[26];
        long time = unixMillis;
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xFF);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xFF);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = CROCKFORD[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** A random id such as {@code t_3k9x0c2m7q1w}: a prefix, an underscore, 12 base32 characters (60 bits). */
    public static String prefixed(String prefix) {
        char[] out = new char[12];
        for (int i = 0; i < out.length; i++) {
            out[i] = LOWER32[RANDOM.nextInt(32)];
        }
        return prefix + "_" + new String(out);
    }
}
