package io.hostplane.api.users;

import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Password hashing with Spring Security's delegating encoder (bcrypt today, {@code {bcrypt}…} in the stored
 * form, so a later algorithm can be added without a migration). Hashing is slow on purpose, so it runs off
 * the event loop. bcrypt reads at most 72 bytes, hence the length rule.
 */
@Component
public class Passwords {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_BYTES = 72;

    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    /** A hash to compare against when the user does not exist, so that timing does not tell which names do. */
    private volatile String decoy; // made on first use: a bcrypt hash costs ~0.1 s, start-up need not pay it

    private String decoy() {
        String d = decoy;
        if (d == null) {
            d = encoder.encode("decoy-password-for-unknown-users");
            decoy = d;
        }
        return d;
    }

    /** Why {@code password} is not acceptable, or null. */
    public static String problem(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return "At least " + MIN_LENGTH + " characters.";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "At most " + MAX_BYTES + " bytes (UTF-8).";
        }
        return null;
    }

    Mono<String> hash(String password) {
        return Mono.fromCallable(() -> encoder.encode(password)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Whether {@code password} matches {@code storedHash} (null: an unknown user; always false, same cost). */
    public Mono<Boolean> matches(String password, String storedHash) {
        if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Mono.just(false);
        }
        return Mono.fromCallable(() -> {
                    boolean ok = encoder.matches(password, storedHash == null ? decoy() : storedHash);
                    return ok && storedHash != null;
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
