package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18, item 5: every list's {@code cursor} is bound to the list, the caller's tenant and the filters it was
 * issued with. On each list a real cursor leads on to the next page; the same cursor with one character changed,
 * another tenant's, another list's, one made with other filters, and garbage are each a 400 in the envelope
 * naming {@code cursor} — and the real cursor still gives the same page afterwards. ({@code /audit/events} pages
 * for real in {@code AuditApiTest}, against the audit store; here it has none, and refuses the cursor first.)
 */
class ListCursorsTest extends ApiIntegrationTest {

    /** Not cursors of any list: short, empty, very long, the old raw-id form, the old audit form, a forged tag. */
    private static final List<String> GARBAGE = List.of(
            "abc",
            "",
            "A".repeat(4000),
            UUID.randomUUID().toString(),
            "bm90IGEgY3Vyc29y",
            Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(Arrays.copyOf("zzz".getBytes(StandardCharsets.US_ASCII), 3 + 16)),
            "a,b");

    @Test
    void domains() {
        String other = otherTenant();
        for (String t : List.of(tenant, other)) {
            domain(t);
            domain(t);
        }
        token(tenant, "dns.read");
        String operator = token(null, "platform.admin");
        assertCursorsHold(
                "/api/v1/domains",
                allToken,
                cursor("/api/v1/domains", tokenOf(other)),
                cursor("/api/v1/domains", operator),
                cursor("/api/v1/tokens", allToken));
        // And the other way round: the operator's list refuses a tenant's cursor of it.
        refused("/api/v1/domains", operator, cursor("/api/v1/domains", allToken));
    }

    @Test
    void tokens() {
        token(tenant, "dns.read");
        token(tenant, "dns.read");
        String other = otherTenant();
        String otherToken = tokenOf(other);
        token(other, "dns.read");
        user(tenant);
        user(tenant);
        String operator = token(null, "platform.admin");
        assertCursorsHold(
                "/api/v1/tokens",
                allToken,
                cursor("/api/v1/tokens", otherToken),
                cursor("/api/v1/tokens", operator),
                cursor("/api/v1/users", allToken));
        refused("/api/v1/tokens", operator, cursor("/api/v1/tokens", allToken));
    }

    @Test
    void users() {
        user(tenant);
        user(tenant);
        String other = otherTenant();
        user(other);
        user(other);
        token(tenant, "dns.read");
        assertCursorsHold(
                "/api/v1/users",
                allToken,
                cursor("/api/v1/users", tokenOf(other)),
                cursor("/api/v1/users", token(null, "platform.admin")),
                cursor("/api/v1/tokens", allToken));
    }

    @Test
    void accounts() {
        otherTenant();
        user(tenant);
        user(tenant);
        String operator = token(null, "platform.admin");
        // Only the operator lists accounts: a tenant has no cursor of this list to try.
        assertCursorsHold(
                "/api/v1/accounts",
                operator,
                cursor("/api/v1/tokens", operator),
                cursor("/api/v1/domains", operator),
                cursor("/api/v1/users", operator));
    }

    @Test
    void jobs() {
        for (int i = 0; i < 3; i++) {
            job(tenant, JobTypes.DNS_RECORD_CREATE);
            job(tenant, JobTypes.BACKUP_CREATE);
        }
        String other = otherTenant();
        job(other, JobTypes.DNS_RECORD_CREATE);
        job(other, JobTypes.DNS_RECORD_CREATE);
        token(tenant, "dns.read");
        token(tenant, "dns.read");
        String dnsJobs = "/api/v1/jobs?type=" + JobTypes.DNS_RECORD_CREATE;
        assertCursorsHold(
                dnsJobs,
                allToken,
                cursor(dnsJobs, tokenOf(other)),
                cursor("/api/v1/jobs?type=" + JobTypes.BACKUP_CREATE, allToken),
                cursor("/api/v1/jobs", allToken),
                cursor(dnsJobs + "&status=queued", allToken),
                cursor("/api/v1/tokens", allToken));

        // Other filters refuse the cursor; the same filters written otherwise take it.
        String mine = cursor(dnsJobs, allToken);
        refused("/api/v1/jobs", allToken, mine);
        refused("/api/v1/jobs?type=" + JobTypes.BACKUP_CREATE, allToken, mine);
        refused(dnsJobs + "&status=queued", allToken, mine);
        refused(dnsJobs + "&resource=domains/", allToken, mine);
        refused(dnsJobs + "&created_after=2020-01-01T00:00:00Z", allToken, mine);
        String both = "type=" + JobTypes.DNS_RECORD_CREATE + "&type=" + JobTypes.BACKUP_CREATE;
        String swapped = "type=" + JobTypes.BACKUP_CREATE + "&type=" + JobTypes.DNS_RECORD_CREATE;
        page(
                "/api/v1/jobs?" + swapped + "&status=QUEUED",
                allToken,
                cursor("/api/v1/jobs?" + both + "&status=queued", allToken));
    }

    @Test
    void backups() {
        String zone2 = domain(tenant);
        for (String z : List.of(zone, zone, zone2, zone2)) {
            backup(tenant, z);
        }
        String other = otherTenant();
        String otherZone = domain(other);
        backup(other, otherZone);
        backup(other, otherZone);
        job(tenant, JobTypes.BACKUP_CREATE);
        job(tenant, JobTypes.BACKUP_CREATE);
        String otherToken = tokenOf(other);
        String ofZone = "/api/v1/backups?domain=" + zone;
        assertCursorsHold(
                ofZone,
                allToken,
                cursor("/api/v1/backups", otherToken),
                cursor("/api/v1/backups?domain=" + otherZone, otherToken),
                cursor("/api/v1/backups", allToken),
                cursor("/api/v1/backups?domain=" + zone2, allToken),
                cursor("/api/v1/jobs", allToken));
        assertCursorsHold("/api/v1/backups", allToken, cursor(ofZone, allToken), cursor("/api/v1/backups", otherToken));
    }

    @Test
    void dnsRecords() {
        String zone2 = domain(tenant);
        for (String z : List.of(zone, zone2)) {
            record(tenant, z, "www", "A");
            record(tenant, z, "www", "A");
            record(tenant, z, "mail", "A");
            record(tenant, z, "txt", "TXT");
            record(tenant, z, "txt", "TXT");
        }
        String other = otherTenant();
        String otherZone = domain(other);
        record(other, otherZone, "www", "A");
        record(other, otherZone, "www", "A");
        job(tenant, JobTypes.DNS_RECORD_CREATE);
        job(tenant, JobTypes.DNS_RECORD_CREATE);
        String records = "/api/v1/domains/" + zone + "/dns/records";
        String aRecords = records + "?type=A";
        assertCursorsHold(
                aRecords,
                allToken,
                cursor("/api/v1/domains/" + otherZone + "/dns/records?type=A", tokenOf(other)),
                cursor("/api/v1/domains/" + zone2 + "/dns/records?type=A", allToken),
                cursor(records, allToken),
                cursor(records + "?type=TXT", allToken),
                cursor(aRecords + "&name=www." + zone, allToken),
                cursor("/api/v1/jobs", allToken));
        // The type is read in any case: ?type=a is the same filter.
        page(records + "?type=a", allToken, cursor(aRecords, allToken));
    }

    @Test
    void auditEventsRefuseAForeignOrMalformedCursorBeforeReadingTheStore() {
        token(tenant, "dns.read");
        token(tenant, "dns.read");
        for (String path : List.of("/api/v1/audit/events", "/api/v1/audit/events?outcome=failed")) {
            refused(path, allToken, cursor("/api/v1/tokens", allToken));
            GARBAGE.forEach(garbage -> refused(path, allToken, garbage));
        }
    }

    /**
     * Pages {@code list} (a path, perhaps with filters, holding at least two items for {@code token}) with a real
     * cursor, then checks that the cursor changed in one character, each of {@code foreign} (cursors of another
     * tenant, list or filters) and {@link #GARBAGE} are refused, and that afterwards the real cursor still gives the
     * same page and no job was made.
     */
    private void assertCursorsHold(String list, String token, String... foreign) {
        int jobs = jobCount();
        String cursor = cursor(list, token);
        List<String> second = items(page(list, token, cursor));
        for (int at : new int[] {0, cursor.length() / 2, cursor.length() - 1}) {
            char c = cursor.charAt(at);
            refused(list, token, cursor.substring(0, at) + (c == 'A' ? 'B' : 'A') + cursor.substring(at + 1));
        }
        refused(list, token, cursor + "=");
        refused(list, token, cursor.substring(1));
        for (String f : foreign) {
            assertThat(f).isNotEqualTo(cursor);
            refused(list, token, f);
        }
        GARBAGE.forEach(garbage -> refused(list, token, garbage));
        assertThat(items(page(list, token, cursor)))
                .as("the next page, after the refusals")
                .isEqualTo(second);
        assertThat(jobCount()).as("jobs after the refusals").isEqualTo(jobs);
    }

    private int jobCount() {
        try {
            return count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cursor of {@code list}'s first page of one, checked to lead on to a page of other items. */
    private String cursor(String list, String token) {
        JsonNode first = json(HttpMethod.GET, list + (list.contains("?") ? "&" : "?") + "limit=1", token, null, 200)
                .path("data");
        String cursor = first.path("next_cursor").asString();
        assertThat(cursor).as(list + " has a second page").isNotBlank();
        assertThat(items(page(list, token, cursor))).isNotEmpty().doesNotContainAnyElementsOf(items(first));
        return cursor;
    }

    private JsonNode page(String list, String token, String cursor) {
        return json(HttpMethod.GET, withCursor(list, cursor) + "&limit=1", token, null, 200)
                .path("data");
    }

    private void refused(String list, String token, String cursor) {
        JsonNode error = json(HttpMethod.GET, withCursor(list, cursor), token, null, 400);
        assertThat(error.path("success").asBoolean()).isFalse();
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("request_id").asString()).isNotBlank();
        assertThat(error.path("errors").size()).as(error.toString()).isEqualTo(1);
        assertThat(error.path("errors").path(0).path("field").asString()).isEqualTo("cursor");
        assertThat(error.path("errors").path(0).path("code").asString()).isEqualTo("INVALID");
    }

    private static String withCursor(String list, String cursor) {
        return list + (list.contains("?") ? "&" : "?") + "cursor=" + cursor;
    }

    /** The ids of the page's items (a domain's name); a token's {@code last_used_at} moves as the test uses it. */
    private static List<String> items(JsonNode page) {
        List<String> items = new ArrayList<>();
        page.path("items")
                .forEach(i -> items.add(
                        i.has("id") ? i.path("id").asString() : i.path("name").asString()));
        return items;
    }

    /** A second tenant, with one active domain. */
    private String otherTenant() {
        String other = accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        domain(other);
        return other;
    }

    private String tokenOf(String tenantId) {
        return token(tenantId, "*");
    }

    private String domain(String tenantId) {
        String name = "cursor-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", name, tenantId);
        return name;
    }

    private void user(String tenantId) {
        String suffix = UUID.randomUUID().toString().substring(0, 12);
        sql(
                "insert into api.users (id, tenant_id, username, password_hash, scopes) values (?, ?, ?, 'x', '{}')",
                "usr_" + suffix,
                tenantId,
                "user-" + suffix);
    }

    private void job(String tenantId, String type) {
        sql(
                "insert into api.jobs (id, tenant_id, type, status, resource) values (?::uuid, ?, ?, 'queued', ?)",
                Ids.uuidV7().toString(),
                tenantId,
                type,
                "domains/" + zone);
    }

    private void backup(String tenantId, String domain) {
        String id = Ids.uuidV7().toString();
        sql(
                "insert into api.backups (id, tenant_id, domain, status, job_id, archive) "
                        + "values (?::uuid, ?, ?, 'available', ?::uuid, ?)",
                id,
                tenantId,
                domain,
                UUID.randomUUID().toString(),
                tenantId + "/" + domain + "/" + id + ".tar.gz");
    }

    private void record(String tenantId, String zoneName, String name, String type) {
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) "
                        + "values (?::uuid, ?, ?, ?, ?, 300, ?)",
                Ids.uuidV7().toString(),
                tenantId,
                zoneName,
                name + "." + zoneName,
                type,
                type.equals("A") ? "192.0.2.1" : "\"v=spf1 -all\"");
    }
}
