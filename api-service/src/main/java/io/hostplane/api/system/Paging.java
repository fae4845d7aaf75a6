package io.hostplane.api.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.envelope.Page;
import java.util.List;
import java.util.function.Function;

/**
 * List pages (DESIGN.md: {@code limit} default 50, at most 200; an opaque {@code cursor}). Stores fetch
 * {@code limit + 1} rows; the extra row only says that there is a next page.
 */
public final class Paging {

    public static final int MAX_LIMIT = 200;

    private Paging() {}

    /** Refuses a {@code limit} outside 1..200 with a 400 naming the field. */
    public static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest(
                    "limit must be between 1 and " + MAX_LIMIT + ".",
                    List.of(new FieldError("limit", ErrorCodes.INVALID, "Between 1 and " + MAX_LIMIT + ".")));
        }
    }

    /** The page of {@code rows} (fetched with {@code limit + 1}); the cursor is the last item's key. */
    public static <T> Page<T> page(List<T> rows, int limit, Function<T, String> cursorOf) {
        boolean more = rows.size() > limit;
        List<T> items = more ? rows.subList(0, limit) : rows;
        return new Page<>(items, more ? cursorOf.apply(items.get(items.size() - 1)) : null);
    }
}
