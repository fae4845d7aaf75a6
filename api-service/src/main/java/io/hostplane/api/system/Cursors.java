package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Issues and reads the opaque {@code cursor} of every list (DESIGN.md). A cursor is the position the page ended
 * at (the last item's key) followed by an HMAC-SHA-256 (its first 16 bytes) over the list's name, the caller's
 * tenant (a fixed marker for the platform operator), the list's filters and that position; base64url. A cursor
 * is therefore honoured only by the list, tenant and filters it was issued for: a changed one, another tenant's,
 * another list's or one made with other filters is refused like a malformed one, with 400 naming {@code cursor}.
 *
 * <p>The key is derived from the token pepper, the installation secret every replica already shares (it must, to
 * check tokens): cursors work across replicas and restarts, and a new pepper (which voids every token anyway)
 * voids them too. The position itself is not secret; ids and names are in the items already.
 */
@Component
public class Cursors {

    /** Bytes of HMAC kept: 128 bits, beyond guessing. */
    static final int TAG_BYTES = 16;

    /** Longer than any cursor issued (the audit log's, the longest, is about 150 characters). */
    static final int MAX_LENGTH = 512;

    static final String MESSAGE = "Not a cursor of this list: changed, malformed, or made for another account, another"
            + " list or other filters. Start again without one.";

    private static final String OPERATOR = "\u0000operator";

    private final byte[] key;

    Cursors(TokenProperties tokens) {
        this.key = Hmac.sha256(
                tokens.pepper().getBytes(StandardCharsets.UTF_8),
                "hostplane-list-cursors".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The cursors of one list as {@code caller} asks for it with {@code filters} (each null, a value, or a
     * collection of values whose order does not matter), given in the same order on every call of that list.
     */
    public Query query(String list, ApiPrincipal caller, Object... filters) {
        StringBuilder bound = new StringBuilder("hostplane-cursor/1");
        field(bound, list);
        field(bound, caller.isOperator() ? OPERATOR : caller.tenant());
        for (Object filter : filters) {
            if (filter instanceof Collection<?> values) {
                List<String> sorted =
                        values.stream().map(String::valueOf).sorted().toList();
                bound.append('[').append(sorted.size());
                sorted.forEach(v -> field(bound, v));
                bound.append(']');
            } else {
                field(bound, filter == null ? null : String.valueOf(filter));
            }
        }
        return new Query(bound.toString());
    }

    /** Length-prefixed, so that no two different lists of fields read the same ({@code null} apart from ""). */
    private static void field(StringBuilder out, String value) {
        if (value == null) {
            out.append("-;");
        } else {
            out.append(value.length()).append(':').append(value).append(';');
        }
    }

    /** One list, tenant and set of filters: issues its cursors and reads them back. */
    public final class Query {

        private final String bound;

        private Query(String bound) {
            this.bound = bound;
        }

        /** The cursor of the page that ended at {@code position} (the last item's key). */
        public String next(String position) {
            byte[] text = position.getBytes(StandardCharsets.UTF_8);
            byte[] cursor = Arrays.copyOf(text, text.length + TAG_BYTES);
            System.arraycopy(tag(text), 0, cursor, text.length, TAG_BYTES);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor);
        }

        /** The position {@code cursor} continues after, or null without a cursor; any other cursor is a 400. */
        public String after(String cursor) {
            if (cursor == null) {
                return null;
            }
            if (cursor.isEmpty() || cursor.length() > MAX_LENGTH) {
                throw invalid();
            }
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(cursor);
            } catch (IllegalArgumentException e) {
                throw invalid();
            }
            // Only the encoding this class writes: no padding, no stray bits in the last character.
            if (bytes.length <= TAG_BYTES
                    || !Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(bytes)
                            .equals(cursor)) {
                throw invalid();
            }
            byte[] text = Arrays.copyOf(bytes, bytes.length - TAG_BYTES);
            byte[] given = Arrays.copyOfRange(bytes, text.length, bytes.length);
            if (!MessageDigest.isEqual(tag(text), given)) {
                throw invalid();
            }
            return new String(text, StandardCharsets.UTF_8);
        }

        /**
         * The position {@code cursor} continues after, read by {@code read} (e.g. {@code UUID::fromString}), or
         * null without a cursor. A position this list issued always reads; one that does not is refused all the
         * same, as a 400, never a 500.
         */
        public <T> T after(String cursor, Function<String, T> read) {
            String position = after(cursor);
            if (position == null) {
                return null;
            }
            try {
                return read.apply(position);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw invalid();
            }
        }

        private byte[] tag(byte[] position) {
            // The bound part is fixed by the query, and self-delimiting (length-prefixed fields): the position
            // after it cannot be shifted into it.
            byte[] bound = (this.bound + "|").getBytes(StandardCharsets.UTF_8);
            byte[] message = Arrays.copyOf(bound, bound.length + position.length);
            System.arraycopy(position, 0, message, bound.length, position.length);
            return Arrays.copyOf(Hmac.sha256(key, message), TAG_BYTES);
        }
    }

    /** The 400 every unusable cursor gets: one answer, so that it says nothing about why. */
    private static ApiException invalid() {
        return ApiException.badRequest(MESSAGE, List.of(new FieldError("cursor", ErrorCodes.INVALID, MESSAGE)));
    }
}
