package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.common.scope.Scope;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The cursor rules without a server: what a cursor is bound to, and that nothing else reads it. */
@Tag("fast")
class CursorsTest {

    private static final ApiPrincipal TENANT = ApiPrincipal.system("t_1");
    private static final ApiPrincipal OTHER = ApiPrincipal.system("t_2");
    private static final ApiPrincipal OPERATOR = new ApiPrincipal(
            null,
            "tok_op",
            "op",
            List.of("platform.admin"),
            EnumSet.of(Scope.PLATFORM_ADMIN),
            null,
            List.of(),
            null,
            null,
            List.of());

    private final Cursors cursors = cursors("pepper-0123456789abcdefghijklmnopqrstuvwxyz");

    private static Cursors cursors(String pepper) {
        return new Cursors(
                new TokenProperties(pepper, Duration.ofDays(365), Duration.ofMillis(500), Duration.ofSeconds(5)));
    }

    @Test
    void aCursorReadsBackAsItsPositionForTheSameQueryOnly() {
        String id = UUID.randomUUID().toString();
        String cursor =
                cursors.query("jobs", TENANT, List.of("a", "b"), "x", null).next(id);

        assertThat(cursor).matches("[A-Za-z0-9_-]+").doesNotContain(id);
        assertThat(cursors.query("jobs", TENANT, List.of("b", "a"), "x", null).after(cursor, UUID::fromString))
                .isEqualTo(UUID.fromString(id));
        assertThat(cursors("pepper-0123456789abcdefghijklmnopqrstuvwxyz")
                        .query("jobs", TENANT, List.of("a", "b"), "x", null)
                        .after(cursor))
                .as("another replica with the same pepper")
                .isEqualTo(id);
        assertThat(cursors.query("jobs", TENANT).after(null)).isNull();

        refused(cursors.query("backups", TENANT, List.of("a", "b"), "x", null), cursor);
        refused(cursors.query("jobs", OTHER, List.of("a", "b"), "x", null), cursor);
        refused(cursors.query("jobs", OPERATOR, List.of("a", "b"), "x", null), cursor);
        refused(cursors.query("jobs", TENANT, List.of("a"), "x", null), cursor);
        refused(cursors.query("jobs", TENANT, List.of("a", "b"), "x", ""), cursor);
        refused(cursors.query("jobs", TENANT, List.of("a", "b"), "x"), cursor);
        refused(
                cursors("pepper-another-0123456789abcdefghijklmnop")
                        .query("jobs", TENANT, List.of("a", "b"), "x", null),
                cursor);
    }

    @Test
    void filtersCannotBeShiftedIntoOneAnother() {
        String cursor = cursors.query("dns/records", TENANT, "a;", "b").next("p");
        refused(cursors.query("dns/records", TENANT, "a", ";b"), cursor);
        refused(cursors.query("dns/records", TENANT, "a;b", null), cursor);
        refused(cursors.query("dns/records", TENANT, List.of("a;", "b")), cursor);
        String operators = cursors.query("tokens", OPERATOR).next("p");
        refused(cursors.query("tokens", ApiPrincipal.system(null)), operators);
    }

    @Test
    void anyChangeToACursorIsRefused() {
        Cursors.Query query = cursors.query("domains", TENANT);
        String cursor = query.next("example.com");
        for (int at = 0; at < cursor.length(); at++) {
            for (char c : "AQgw_-9z".toCharArray()) {
                if (c != cursor.charAt(at)) {
                    refused(query, cursor.substring(0, at) + c + cursor.substring(at + 1));
                }
            }
        }
        for (String garbage :
                List.of("", "abc", "a,b", "%ZZ", "A".repeat(4000), cursor + "=", cursor + "A", cursor.substring(1))) {
            refused(query, garbage);
        }
        assertThat(query.after(cursor)).isEqualTo("example.com");
    }

    @Test
    void aSignedPositionThatDoesNotReadIsA400NotA500() {
        Cursors.Query query = cursors.query("jobs", TENANT);
        refused(query, query.next("not-a-uuid"), UUID::fromString);
    }

    private static void refused(Cursors.Query query, String cursor) {
        refused(query, cursor, s -> s);
    }

    private static void refused(Cursors.Query query, String cursor, Function<String, ?> read) {
        assertThatThrownBy(() -> query.after(cursor, read)).as(cursor).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.errors()).singleElement().satisfies(f -> {
                assertThat(f.field()).isEqualTo("cursor");
                assertThat(f.code()).isEqualTo("INVALID");
            });
        });
    }
}
