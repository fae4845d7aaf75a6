package io.hostplane.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.testing.AuditServiceBeside;
import io.hostplane.api.testing.KafkaPolls;
import io.hostplane.api.testing.RawHttp;
import io.hostplane.api.testing.SslTestCertificates;
import io.hostplane.api.testing.TlsTestServer;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.scope.Scope;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 18, item 7: a generative test driven by the OpenAPI document the application serves. For every
 * documented operation it builds a valid request (path variables naming real resources of its own tenant, a
 * body from the document's examples and schemas, the query and headers the document lists), then sends it
 * mutated in every way {@link RequestMutations} knows, over a plain socket so that nothing is cleaned up on the
 * way. Every answer must have:
 *
 * <ul>
 *   <li>a status below 500 (a 503 only where the unmutated request gets it too: a dependency that is down here),
 *       and an answer at all;
 *   <li>the {@code X-Request-Id} header;
 *   <li>for a 4xx, the error envelope ({@code ErrorEnvelope}, with the status and request id of the answer), or
 *       the media type the document gives for that status (the HTML approval page);
 *   <li>for a 4xx, nothing left behind: no new row in any {@code api} table, no command on the command topics,
 *       no file, no audit fact other than the request's own record ({@link Leftovers});
 *   <li>no 2xx for a request the document makes invalid (see {@link RequestMutations}).
 * </ul>
 *
 * Every failure is collected; the test ends with all of them grouped by operation, mutation class, status and
 * what was wrong. The cases are fixed by the document and the seed ({@code -Dhostplane.fuzz.seed}), which picks
 * at most {@code -Dhostplane.fuzz.max-cases-per-operation} mutations of each operation.
 *
 * <p>The API runs with the real audit service beside it (as in {@code AuditApiTest}, on a database of this
 * class's own), so that the audit routes answer and replay jobs are executed, with files written under this
 * test's directory.
 *
 * <p>The generator is this test's own, seeded, rather than jqwik: jqwik 1.10 is built on JUnit Platform 1.x
 * while this build runs JUnit 6, and shrinking would add nothing here, since each case is already a single
 * mutation of a request that the API accepts.
 */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            ApiApplication.CONFIG_NAME,
            ApiIntegrationTest.PEPPER,
            "hostplane.domains.allow-reserved-tlds=true",
            "hostplane.oauth.poll-interval=1s",
            // Thousands of requests from one token and one address: no 429 in the way of what is tested.
            "hostplane.rate-limit.default-limit=10000000",
            "hostplane.rate-limit.public-limit=10000000",
            "hostplane.rate-limit.sign-in-limit=10000000",
            "hostplane.jobs.max-active-per-tenant=10000000",
            // Audit streams go to a TLS server of the test's on loopback, as many as the cases make.
            "hostplane.audit.streams.allowed-hosts=127.0.0.1/32",
            "hostplane.audit.streams.max-per-tenant=10000000",
            // Webhook subscriptions go to loopback (the URL is resolved and its addresses checked, never called
            // by a request), as many as the cases make.
            "hostplane.callbacks.allowed-hosts=127.0.0.1/32",
            "hostplane.webhooks.max-per-tenant=10000000",
            // The relay resends what was not published in time; on a busy machine that would be a record that no
            // request of the moment sent. Acceptance publishes every command itself well within this.
            "hostplane.outbox.publish-timeout=120s"
        })
// Its API context reads a database of its own: closed after the class, so that it leaves the shared consumer groups.
@DirtiesContext
class OpenApiFuzzTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final long SEED = Long.getLong("hostplane.fuzz.seed", 20261207L);
    static final int MAX_CASES_PER_OPERATION = Integer.getInteger("hostplane.fuzz.max-cases-per-operation", 150);
    static final String PASSWORD = "correct horse battery staple";
    /** Topics the API sends commands on; a 4xx must add nothing to them. Its audit facts are checked by request id. */
    static final List<String> COMMAND_TOPICS = List.of(Topics.COMMANDS, Topics.AUDIT_REPLAYS, Topics.COMMANDS_DLQ);

    static Path root;
    static String r2dbcUrl;
    static AuditServiceBeside auditService;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws SQLException, IOException {
        if (auditService == null) {
            root = Files.createTempDirectory("hostplane-fuzz-");
            Files.createDirectories(root.resolve("store"));
            auditService =
                    AuditServiceBeside.start("hp_fuzz_", "--hostplane.audit.replay.dir=" + root.resolve("replays"));
            r2dbcUrl = auditService.r2dbcUrl();
        }
        auditService.register(registry);
        registry.add("hostplane.backup.store-dir", () -> root.resolve("store").toString());
    }

    /** The sink audit streams are made for: TLS on loopback with a certificate of a CA the requests name. */
    static final SslTestCertificates.Issued STREAM_CA = SslTestCertificates.ca(null, "Fuzz streams CA");

    static TlsTestServer streamSink;

    @AfterAll
    static void stopStreamSink() throws Exception {
        if (streamSink != null) {
            streamSink.close();
            streamSink = null;
        }
    }

    @AfterAll
    static void stopAuditService() throws IOException {
        if (auditService != null) {
            auditService.close();
            auditService = null;
            r2dbcUrl = null;
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Autowired
    Environment env;

    @Autowired
    AccountStore accounts;

    @Autowired
    TokenStore tokens;

    final TestInfrastructure infra = TestInfrastructure.shared();
    final Random random = new Random(SEED);
    RawHttp http;
    String origin;
    String run;
    String tenant;
    String zone;
    String allToken;
    String operatorToken;
    String username;
    SslTestCertificates.Issued certificate;
    Bundle shared;
    java.sql.Connection db;
    OpenApiConformance conformance;
    JsonNode document;

    // ------------------------------------------------------------------------------------------------ the test

    @Test
    void everyOperationRefusesMutatedRequestsCleanly() throws Exception {
        long started = System.nanoTime();
        int port = Integer.parseInt(env.getProperty("local.server.port"));
        http = new RawHttp("127.0.0.1", port, Duration.ofSeconds(30));
        origin = "http://127.0.0.1:" + port;
        conformance = new OpenApiConformance();
        run = Long.toString(Math.abs(random.nextLong()) % 1_000_000, 36);
        db = java.sql.DriverManager.getConnection(r2dbcUrl.replace("r2dbc:", "jdbc:"), infra.user(), infra.password());
        db.setAutoCommit(false);
        sql("set synchronous_commit = off"); // the resources are made once per case: no need to wait for the disk
        db.commit();
        setUpSharedResources();

        RawHttp.Response served = http.exchange(new RawHttp.Request("GET", "/api/v1/openapi.json", List.of(), null));
        assertThat(served.status()).isEqualTo(200);
        document = JSON.readTree(served.body());
        List<Case> cases = new ArrayList<>();
        List<String> baselines = new ArrayList<>();
        for (OpenApiRoutesTest.Operation operation : OpenApiRoutesTest.documentedOperations(document)) {
            FuzzOperation op = FuzzOperation.of(document, operation);
            Calibration calibration = calibrate(op);
            // The shape of the valid request is all the mutations need: the shared resources will do.
            FuzzRequest sample = baseline(op, shared, "sample", calibration);
            List<RequestMutations.Mutation> mutations = new ArrayList<>(RequestMutations.of(op, sample));
            int generated = mutations.size();
            if (mutations.size() > MAX_CASES_PER_OPERATION - 1) {
                Collections.shuffle(mutations, new Random(SEED ^ op.toString().hashCode()));
                mutations = new ArrayList<>(mutations.subList(0, MAX_CASES_PER_OPERATION - 1));
            }
            baselines.add(op + " → " + calibration.status
                    + (calibration.dropped.isEmpty() ? "" : " without " + calibration.dropped) + "; "
                    + mutations.size() + " of " + generated + " mutations");
            cases.add(new Case(
                    cases.size(),
                    op,
                    calibration,
                    new RequestMutations.Mutation("baseline", "the valid request", null, r -> {})));
            for (RequestMutations.Mutation m : mutations) {
                cases.add(new Case(cases.size(), op, calibration, m));
            }
        }
        long prepared = System.nanoTime();

        Failures failures = new Failures();
        Map<String, Case> byRequestId = new HashMap<>();
        Map<Integer, Integer> statuses = new HashMap<>();
        Map<String, Integer> baselineStatus = new HashMap<>();
        long fixtureNanos = 0;
        long snapshotNanos = 0;
        long requestNanos = 0;
        int changedBy2xx = 0;
        AuditReadBack auditReadBack = new AuditReadBack(0, 0);
        try (Leftovers leftovers = new Leftovers(
                        r2dbcUrl.replace("r2dbc:", "jdbc:"),
                        infra.user(),
                        infra.password(),
                        infra.kafkaBootstrapServers(),
                        COMMAND_TOPICS,
                        root);
                Admin admin = Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()));
                KafkaConsumer<String, String> audit = consumer()) {
            Map<TopicPartition, Long> auditStart = Leftovers.endOffsets(admin, List.of(Topics.AUDIT));
            Leftovers.Snapshot last = leftovers.snapshot();
            for (Case c : cases) {
                long t0 = System.nanoTime();
                String marker = "c" + c.number();
                FuzzRequest request =
                        baseline(c.op(), shared(c.op()) ? shared : fresh(c.op(), marker), marker, c.calibration());
                c.mutation().apply().accept(request);
                long t1 = System.nanoTime();
                // A read works on the shared resources and nothing was made for it: the last snapshot still holds.
                Leftovers.Snapshot before = shared(c.op()) ? last : leftovers.snapshot();
                attributeFiles(Leftovers.newFiles(last, before), null, statuses, failures, cases);
                long t2 = System.nanoTime();
                RawHttp.Response response = http.exchange(request.toRaw(JSON));
                long t3 = System.nanoTime();
                Leftovers.Snapshot after = leftovers.snapshot();
                last = after;
                fixtureNanos += t1 - t0;
                snapshotNanos += t2 - t1 + System.nanoTime() - t3;
                requestNanos += t3 - t2;
                statuses.put(c.number(), response.status());
                if (c.mutation().kind().equals("baseline")) {
                    baselineStatus.put(c.op().toString(), response.status());
                }
                String requestId = response.header("X-Request-Id");
                if (requestId != null) {
                    byRequestId.put(requestId, c);
                }
                check(c, response, baselineStatus.get(c.op().toString()), failures);
                List<String> changes = Leftovers.changes(before, after);
                if (response.status() >= 400 && response.status() < 500 && !changes.isEmpty()) {
                    failures.add(c, response, "4xx left something behind: " + String.join(", ", changes));
                }
                if (response.status() >= 200 && response.status() < 300 && !changes.isEmpty()) {
                    changedBy2xx++; // the same check sees what accepted requests do: it would see a 4xx do it
                }
                attributeFiles(Leftovers.newFiles(before, after), c, statuses, failures, cases);
            }
            // Request records are sent in batches and replays write their files as they run: read back once the
            // audit topic's ends and the watched files have stayed the same for 1.5 s.
            Object[] seen = {null};
            await("the audit topic and the files quiet")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .during(Duration.ofMillis(1_500))
                    .until(() -> {
                        Object now = List.of(
                                Leftovers.endOffsets(admin, List.of(Topics.AUDIT)),
                                leftovers.snapshot().files());
                        boolean quiet = now.equals(seen[0]);
                        seen[0] = now;
                        return quiet;
                    });
            attributeFiles(Leftovers.newFiles(last, leftovers.snapshot()), null, statuses, failures, cases);
            auditReadBack = auditFacts(
                    audit,
                    auditStart,
                    Leftovers.endOffsets(admin, List.of(Topics.AUDIT)),
                    byRequestId,
                    statuses,
                    failures);
        }
        long finished = System.nanoTime();

        Map<Integer, Integer> byStatus = new TreeMap<>();
        statuses.values().forEach(s -> byStatus.merge(s, 1, Integer::sum));
        StringBuilder summary = new StringBuilder();
        summary.append(String.format(
                Locale.ROOT,
                "OpenAPI fuzz: seed %d, %d operations, %d cases (at most %d per operation), prepared in %.1f s, sent"
                        + " in %.1f s (resources %.1f s, snapshots %.1f s, requests %.1f s); answers by status %s;"
                        + " %d accepted requests changed rows, records or files; %d audit records read back, %d of them"
                        + " facts of these requests%n",
                SEED,
                baselines.size(),
                cases.size(),
                MAX_CASES_PER_OPERATION,
                (prepared - started) / 1e9,
                (finished - prepared) / 1e9,
                fixtureNanos / 1e9,
                snapshotNanos / 1e9,
                requestNanos / 1e9,
                byStatus,
                changedBy2xx,
                auditReadBack.records(),
                auditReadBack.facts()));
        summary.append("Valid requests (after leaving out optional parts the API refused):\n");
        baselines.forEach(b -> summary.append("  ").append(b).append('\n'));
        db.close();
        System.out.println(summary);
        System.out.println(failures.report());
        assertThat(failures.count()).as("%s%n%s", summary, failures.report()).isZero();
    }

    /** One request to send: an operation, its calibrated valid request, and the mutation. */
    record Case(int number, FuzzOperation op, Calibration calibration, RequestMutations.Mutation mutation) {}

    // ------------------------------------------------------------------------------------------------ checks

    private void check(Case c, RawHttp.Response response, Integer baselineStatus, Failures failures) {
        int status = response.status();
        if (status == 0) {
            failures.add(c, response, "no answer: " + response.problem());
            return;
        }
        if (response.header("X-Request-Id") == null) {
            failures.add(c, response, "no X-Request-Id header");
        }
        if (status >= 500) {
            boolean dependencyDown =
                    status == 503 && baselineStatus != null && baselineStatus == 503 && c.op().documents(503);
            if (!dependencyDown) {
                failures.add(c, response, "5xx");
            }
            return;
        }
        if (status >= 400) {
            String problem = envelopeProblem(c.op(), response);
            if (problem != null) {
                failures.add(c, response, "4xx without the error envelope: " + problem);
            }
            return;
        }
        if (status < 300 && c.mutation().invalid() != null) {
            failures.add(
                    c,
                    response,
                    "2xx for a request the document makes invalid ("
                            + c.mutation().invalid() + ")");
        }
    }

    /** Null when the answer is the error envelope, or has the non-JSON media type the document gives for its status. */
    private String envelopeProblem(FuzzOperation op, RawHttp.Response response) {
        String problem = notAnEnvelope(response);
        String type = response.header("Content-Type");
        List<String> documented = op.responseTypes(response.status());
        if (problem != null
                && type != null
                && !documented.isEmpty()
                && documented.stream().noneMatch(t -> t.contains("json"))
                && documented.stream().anyMatch(type::startsWith)) {
            return null; // the media type the document gives for this status (the HTML approval page)
        }
        return problem;
    }

    private String notAnEnvelope(RawHttp.Response response) {
        int status = response.status();
        String type = response.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "Content-Type " + type;
        }
        List<String> problems = conformance.errorEnvelopeProblems(response.body());
        if (!problems.isEmpty()) {
            return String.join("; ", problems);
        }
        JsonNode body = JSON.readTree(response.body());
        if (body.path("status").asInt() != status) {
            return "status " + body.path("status") + " in the body";
        }
        if (!body.path("request_id").asString().equals(response.header("X-Request-Id"))) {
            return "request_id " + body.path("request_id") + " is not the X-Request-Id header";
        }
        return null;
    }

    /**
     * New files: each is charged to the case whose marker ({@code c17}) its name carries, or else to {@code current}
     * (null between requests); a file is a failure when that case was answered 4xx.
     */
    private void attributeFiles(
            List<String> created, Case current, Map<Integer, Integer> statuses, Failures failures, List<Case> cases) {
        Pattern marker = Pattern.compile("(?<![a-z0-9])c(\\d+)(?![0-9])");
        for (String file : created) {
            Matcher m = marker.matcher(file.replace(run, ""));
            Case owner = m.find() ? cases.get(Integer.parseInt(m.group(1))) : current;
            if (owner == null) {
                failures.add("(between requests)", "file", 0, "a file appeared: " + file, "", "");
                continue;
            }
            Integer status = statuses.get(owner.number());
            if (status != null && status >= 400 && status < 500) {
                failures.add(owner, status, "4xx left a file behind: " + file);
            }
        }
    }

    /**
     * Reads back what the cases sent on {@code hostplane.audit}: an audit fact of a request answered 4xx, other
     * than its request record, is a failure.
     */
    private AuditReadBack auditFacts(
            KafkaConsumer<String, String> audit,
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> end,
            Map<String, Case> byRequestId,
            Map<Integer, Integer> statuses,
            Failures failures) {
        audit.assign(start.keySet());
        start.forEach(audit::seek);
        int[] read = {0};
        int[] facts = {0};
        KafkaPolls.until(
                "the fuzz run's audit records, up to the topic's end",
                Duration.ofSeconds(60),
                audit,
                r -> {
                    JsonNode event = JSON.readTree(r.value());
                    Case c = byRequestId.get(event.path("requestid").asString(""));
                    Integer status = c == null ? null : statuses.get(c.number());
                    String type = event.path("type").asString();
                    read[0]++;
                    facts[0] += status != null && !type.equals(EventTypes.REQUEST_RECORDED) ? 1 : 0;
                    if (status != null && status >= 400 && status < 500 && !type.equals(EventTypes.REQUEST_RECORDED)) {
                        failures.add(c, status, "4xx left an audit fact behind: " + type);
                    }
                },
                () -> start.keySet().stream().allMatch(p -> audit.position(p) >= end.get(p)));
        return new AuditReadBack(read[0], facts[0]);
    }

    /** Audit records read back, and how many were facts (not request records) of the cases' requests. */
    record AuditReadBack(int records, int facts) {}

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
    }

    /** Failures grouped by operation, mutation class, status and what was wrong, with the first examples of each. */
    static final class Failures {

        private final Map<String, List<String>> groups = new TreeMap<>();
        private int count;

        void add(Case c, RawHttp.Response response, String what) {
            add(
                    c.op().toString(),
                    c.mutation().kind(),
                    response.status(),
                    what,
                    c.mutation().description(),
                    excerpt(response));
        }

        void add(Case c, int status, String what) {
            add(
                    c.op().toString(),
                    c.mutation().kind(),
                    status,
                    what,
                    c.mutation().description(),
                    "");
        }

        void add(String operation, String kind, int status, String what, String description, String excerpt) {
            count++;
            String key = operation + " | " + kind + " | " + status + " | " + what;
            List<String> examples = groups.computeIfAbsent(key, k -> new ArrayList<>());
            examples.add(description + (excerpt.isEmpty() ? "" : "\n        → " + excerpt));
        }

        int count() {
            return count;
        }

        String report() {
            if (groups.isEmpty()) {
                return "No failures.";
            }
            StringBuilder b = new StringBuilder();
            b.append(count)
                    .append(" failures in ")
                    .append(groups.size())
                    .append(" groups (operation | mutation class | status | what):\n");
            groups.forEach((key, examples) -> {
                b.append(key).append("  ×").append(examples.size()).append('\n');
                examples.stream()
                        .limit(2)
                        .forEach(e -> b.append("    e.g. ").append(e).append('\n'));
            });
            return b.toString();
        }

        private static String excerpt(RawHttp.Response response) {
            String body = RequestMutations.printable(new String(response.body(), StandardCharsets.UTF_8), 300);
            return "Content-Type " + response.header("Content-Type") + ": " + body;
        }
    }

    // ------------------------------------------------------------------------------------------------ valid requests

    /** What the valid request of an operation leaves out because the API refused it with it (optional parts only). */
    static final class Calibration {
        final Set<String> droppedQuery = new HashSet<>();
        final List<List<String>> droppedBody = new ArrayList<>();
        final List<String> dropped = new ArrayList<>();
        int status;
    }

    /**
     * Sends the operation's valid request as built from the document, and while the API refuses it naming an
     * optional field or parameter, leaves that out and tries again (a few times). What remains is the valid
     * request every mutation starts from.
     */
    private Calibration calibrate(FuzzOperation op) {
        Calibration calibration = new Calibration();
        for (int attempt = 0; attempt < 8; attempt++) {
            String marker = "k" + calibrationCount++;
            FuzzRequest r = baseline(op, shared(op) ? shared : fresh(op, marker), marker, calibration);
            RawHttp.Response response = http.exchange(r.toRaw(JSON));
            calibration.status = response.status();
            if (response.status() < 400 || response.status() >= 500) {
                break;
            }
            boolean dropped = false;
            for (String field : errorFields(response)) {
                dropped |= drop(op, r, field, calibration);
            }
            if (!dropped) {
                break;
            }
        }
        return calibration;
    }

    private int calibrationCount;

    private static List<String> errorFields(RawHttp.Response response) {
        List<String> fields = new ArrayList<>();
        try {
            for (JsonNode e : JSON.readTree(response.body()).path("errors")) {
                if (e.path("field").isString()) {
                    fields.add(e.path("field").asString());
                }
            }
        } catch (RuntimeException e) {
            // not JSON: nothing to leave out
        }
        return fields;
    }

    /** Leaves out the optional query parameter or body field named {@code field} (or its nearest optional parent). */
    private static boolean drop(FuzzOperation op, FuzzRequest r, String field, Calibration calibration) {
        for (FuzzOperation.Param p : op.parameters("query")) {
            if (p.name().equals(field) && !p.required() && calibration.droppedQuery.add(field)) {
                calibration.dropped.add("?" + field);
                return true;
            }
        }
        if (r.json == null) {
            return false;
        }
        List<String> pointer = new ArrayList<>();
        for (String part : field.split("\\.|(?=\\[)")) {
            pointer.add(part.startsWith("[") ? part.substring(1, part.length() - 1) : part);
        }
        while (!pointer.isEmpty()) {
            JsonNode parent = schemaAt(op, pointer.subList(0, pointer.size() - 1));
            String last = pointer.get(pointer.size() - 1);
            boolean required = false;
            for (JsonNode n : parent.path("required")) {
                required |= n.asString().equals(last);
            }
            if (!required && !last.matches("\\d+") && present(r.json, pointer)) {
                calibration.droppedBody.add(List.copyOf(pointer));
                calibration.dropped.add(String.join(".", pointer));
                return true;
            }
            pointer.remove(pointer.size() - 1);
        }
        return false;
    }

    private static JsonNode schemaAt(FuzzOperation op, List<String> pointer) {
        JsonNode s = op.resolve(op.bodySchema());
        for (String token : pointer) {
            s = op.resolve(
                    token.matches("\\d+")
                            ? s.path("items")
                            : s.path("properties").path(token));
        }
        return s;
    }

    private static boolean present(JsonNode root, List<String> pointer) {
        JsonNode at = root;
        for (String token : pointer) {
            at = at == null ? null : at.isArray() ? at.get(Integer.parseInt(token)) : at.get(token);
        }
        return at != null;
    }

    /** The valid request of {@code op} against the resources of {@code b}; {@code marker} makes names unique. */
    private FuzzRequest baseline(FuzzOperation op, Bundle b, String marker, Calibration calibration) {
        OpenApiRoutesTest.Operation o = op.operation();
        FuzzRequest r = new FuzzRequest(o.method(), o.path());
        for (FuzzOperation.Param p : op.parameters("path")) {
            r.path.put(p.name(), encode(pathValue(op, p.name(), b)));
        }
        String token = token(op, b);
        if (token != null) {
            r.headers.add(new String[] {"Authorization", "Bearer " + token});
        }
        if (o.path().startsWith("/oauth/authorize/") && o.method().equals("POST")) {
            r.headers.add(new String[] {"Origin", origin});
            if (b.session != null) {
                r.headers.add(new String[] {"Cookie", "hp_oauth_session=" + b.session});
            }
        }
        for (FuzzOperation.Param p : op.parameters("query")) {
            String value = queryValue(p, b);
            if (value != null && !calibration.droppedQuery.contains(p.name())) {
                r.query.add(new String[] {p.name(), encode(value)});
            }
        }
        for (FuzzOperation.Param p : op.parameters("header")) {
            if (p.name().equalsIgnoreCase("Idempotency-Key")) {
                r.headers.add(new String[] {p.name(), "fz-" + run + "-" + marker});
            }
        }
        if (op.hasJsonBody()) {
            r.contentType = "application/json";
            JsonNode body = op.bodyExample() != null ? op.bodyExample().deepCopy() : sample(op.bodySchema(), 0);
            overrideBody(op, (ObjectNode) body, b, marker);
            for (List<String> dropped : calibration.droppedBody) {
                RequestMutations.remove(body, dropped);
            }
            r.json = body;
        } else if (op.hasFormBody()) {
            r.contentType = "application/x-www-form-urlencoded";
            r.form = new ArrayList<>();
            for (String name : op.bodySchema().path("properties").propertyNames()) {
                r.form.add(new String[] {name, encode(formValue(op, name, b))});
            }
        } else if (op.hasTextBody()) {
            r.contentType = op.bodyTypes().get(0);
            r.bytes = RequestMutations.utf8("www 300 IN A 192.0.2.7\nmail 300 IN MX 10 mx.example.net.\n");
        }
        return r;
    }

    /** A value of {@code schema} built from its examples, default, enum, format or bounds. */
    private JsonNode sample(JsonNode schema, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode s = FuzzOperation.resolve(document, schema);
        if (s.has("example")) {
            return s.path("example").deepCopy();
        }
        if (s.path("examples").size() > 0) {
            return s.path("examples").path(0).deepCopy();
        }
        if (s.has("default")) {
            return s.path("default").deepCopy();
        }
        if (s.path("enum").size() > 0) {
            return s.path("enum").path(0).deepCopy();
        }
        Set<String> types = RequestMutations.types(s);
        if (types.contains("object") || s.has("properties")) {
            ObjectNode o = f.objectNode();
            if (depth < 5) {
                for (String name : s.path("properties").propertyNames()) {
                    o.set(name, sample(s.path("properties").path(name), depth + 1));
                }
            }
            return o;
        }
        if (types.contains("array")) {
            ArrayNode a = f.arrayNode();
            a.add(sample(s.path("items"), depth + 1));
            return a;
        }
        if (types.contains("integer") || types.contains("number")) {
            return f.numberNode(s.has("minimum") ? s.path("minimum").asLong() : 1);
        }
        if (types.contains("boolean")) {
            return f.booleanNode(true);
        }
        return f.stringNode(
                switch (s.path("format").asString("")) {
                    case "date-time" ->
                        Instant.now()
                                .plus(1, ChronoUnit.HOURS)
                                .truncatedTo(ChronoUnit.SECONDS)
                                .toString();
                    case "uri" -> "https://hooks.example.test/fuzz";
                    case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
                    case "password" -> PASSWORD;
                    default ->
                        "fuzz" + "z".repeat(Math.max(0, s.path("minLength").asInt(0) - 4));
                });
    }

    /**
     * What the document cannot say and the valid request needs: names no one holds yet, this test's domains and
     * tenant, a real certificate, a replay target of this tenant's, scopes the tenant has.
     */
    private void overrideBody(FuzzOperation op, ObjectNode body, Bundle b, String marker) {
        String unique = run + "-" + marker;
        switch (op.operation().method() + " " + op.operation().path()) {
            case "POST /api/v1/accounts" -> body.put("name", "fz-" + unique);
            case "POST /api/v1/users" -> {
                body.put("username", "fz-" + unique + "@example.test");
                body.put("password", PASSWORD);
            }
            case "POST /api/v1/oauth/requests" ->
                body.set("scopes", JSON.createArrayNode().add("dns.read"));
            case "POST /api/v1/domains" -> body.put("name", "fz-" + unique + ".test");
            case "POST /api/v1/backups" -> body.put("domain", b.domain);
            case "POST /api/v1/audit/streams" -> {
                body.put("kind", "syslog");
                body.put("host", "127.0.0.1");
                body.put("port", streamSink.port());
                body.put("ca_pem", STREAM_CA.certificatePem());
                body.remove(List.of("url", "token", "token_type", "tenant"));
            }
            case "POST /api/v1/webhooks" -> {
                body.put("url", webhookUrl());
                body.set("events", JSON.createArrayNode().add("ssl.expiring"));
            }
            case "PATCH /api/v1/webhooks/{id}" -> {
                // No job events: replays end by themselves while the test runs, and their events would make
                // deliveries that no case asked for.
                if (body.has("url")) {
                    body.put("url", webhookUrl());
                }
                body.set("events", JSON.createArrayNode().add("ssl.expiring").add("token.expiring"));
            }
            case "POST /api/v1/websites" -> {
                body.put("domain", b.domain);
                body.set("aliases", JSON.createArrayNode().add("www." + b.domain));
            }
            case "PATCH /api/v1/websites/{id}" ->
                body.set(
                        "aliases", JSON.createArrayNode().add("www." + b.domain).add("shop." + b.domain));
            case "PUT /api/v1/domains/{domain}/ssl" -> {
                body.put("certificate", certificate.certificatePem());
                body.put("private_key", certificate.pkcs8KeyPem());
                body.remove("chain");
            }
            case "POST /api/v1/audit/replays" -> {
                body.put("tenant", tenant);
                body.set(
                        "target",
                        JSON.createObjectNode()
                                .put("kind", "topic")
                                .put("topic", "hostplane.replay." + tenant + "." + unique));
            }
            default -> {}
        }
    }

    private String formValue(FuzzOperation op, String name, Bundle b) {
        return switch (name) {
            case "username" -> username;
            case "password" -> PASSWORD;
            case "csrf" -> b.csrf == null ? "none" : b.csrf;
            default -> sample(op.bodySchema().path("properties").path(name), 0).asString();
        };
    }

    /** A valid value of a query parameter: this test's resources where it names one, else from its schema. */
    private String queryValue(FuzzOperation.Param p, Bundle b) {
        switch (p.name()) {
            case "tenant":
                return tenant;
            case "domain":
                return b.domain;
            case "id", "job_id":
                return b.jobId;
            case "verify_token":
                return b.verifyToken;
            case "cursor":
                return null;
            default:
                break;
        }
        JsonNode s = p.schema().path("type").asString("").equals("array")
                ? p.schema().path("items")
                : p.schema();
        if (!(s.has("examples") || s.has("default") || s.has("enum") || s.has("format") || s.has("$ref"))) {
            return null;
        }
        JsonNode v = sample(s, 0);
        return v.isString() ? v.asString() : v.toString();
    }

    private String token(FuzzOperation op, Bundle b) {
        OpenApiRoutesTest.Operation o = op.operation();
        if (o.isPublic()) {
            return null;
        }
        if (o.scopes().contains(Scope.PLATFORM_ADMIN.wireName())) {
            return operatorToken;
        }
        if (o.path().startsWith("/api/v1/oauth/tokens")) {
            return b.oauthToken; // refresh and revoke act on the OAuth token that calls them
        }
        return allToken;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ------------------------------------------------------------------------------------------------ resources

    /** The real resources one request points at. */
    static final class Bundle {
        String domain;
        String recordId;
        String backupId;
        String jobId;
        String userId;
        String tokenId;
        String oauthRequest;
        String verifyToken;
        String session;
        String csrf;
        String oauthToken;
        String streamId;
        String webhookId;
        String deliveryId;
        String websiteId;
    }

    /** Reads share one set of resources; every other method gets its own, so that no case spoils another's. */
    private static boolean shared(FuzzOperation op) {
        return op.operation().method().equals("GET");
    }

    private String pathValue(FuzzOperation op, String name, Bundle b) {
        String path = op.operation().path();
        if (name.equals("domain")) {
            return b.domain;
        }
        if (path.startsWith("/api/v1/accounts/")) {
            return tenant;
        }
        if (path.startsWith("/api/v1/users/")) {
            return b.userId;
        }
        if (path.startsWith("/api/v1/tokens/")) {
            return b.tokenId;
        }
        if (path.startsWith("/oauth/authorize/")) {
            return b.oauthRequest;
        }
        if (path.startsWith("/api/v1/domains/{domain}/dns/records/")) {
            return b.recordId;
        }
        if (path.startsWith("/api/v1/backups/")) {
            return b.backupId;
        }
        if (path.startsWith("/api/v1/jobs/")) {
            return b.jobId;
        }
        if (path.startsWith("/api/v1/audit/streams/")) {
            return b.streamId;
        }
        if (path.startsWith("/api/v1/webhooks/")) {
            return name.equals("delivery") ? b.deliveryId : b.webhookId;
        }
        if (path.startsWith("/api/v1/websites/")) {
            return b.websiteId;
        }
        throw new IllegalStateException("No resource for {" + name + "} of " + op + ": teach OpenApiFuzzTest one.");
    }

    private void setUpSharedResources() throws Exception {
        tenant = accounts.create("fuzz-" + run).block().id();
        allToken = token(tenant, "*");
        operatorToken = tokens.issue(
                        TokenStore.TokenSpec.simple(null, "operator", "fuzz", List.of(Scope.PLATFORM_ADMIN.wireName())))
                .block()
                .token();
        certificate = SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(2048),
                "fuzz.test",
                List.of("fuzz.test"),
                Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(90)));
        username = "fz-" + run + "@example.test";
        JsonNode user = call(
                "POST",
                "/api/v1/users",
                allToken,
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}",
                201);
        zone = "fz-" + run + ".test";
        shared = new Bundle();
        domain(shared, zone);
        shared.userId = user.path("data").path("id").asString();
        shared.tokenId = tokens.issue(TokenStore.TokenSpec.simple(tenant, "fuzz", "victim", List.of("dns.read")))
                .block()
                .id();
        shared.jobId = job(zone);
        streamSink = new TlsTestServer(
                SslTestCertificates.issue(
                        STREAM_CA,
                        SslTestCertificates.rsa(2048),
                        "127.0.0.1",
                        List.of("127.0.0.1"),
                        Instant.now().minusSeconds(60),
                        Instant.now().plus(Duration.ofDays(1)),
                        false),
                STREAM_CA);
        shared.streamId = stream();
        webhook(shared);
        shared.websiteId = website(zone);
        call("POST", "/api/v1/jobs/" + shared.jobId + "/cancel", allToken, null, 200);
        oauthRequest(shared, false);
    }

    /**
     * Resources of the operation's own: a domain with a record, a certificate and a backup (a website route's too: a
     * new website needs a domain without one), and what the path names.
     */
    private Bundle fresh(FuzzOperation op, String marker) {
        Bundle b = new Bundle();
        String path = op.operation().path();
        try {
            if (path.contains("{domain}")
                    || path.startsWith("/api/v1/backups")
                    || path.startsWith("/api/v1/websites")) {
                domain(b, "fz-" + run + "-" + marker + ".test");
            } else {
                b.domain = zone;
            }
            if (path.startsWith("/api/v1/users/")) {
                b.userId = call(
                                "POST",
                                "/api/v1/users",
                                allToken,
                                "{\"username\":\"fz-" + run + "-" + marker + "-victim@example.test\",\"password\":\""
                                        + PASSWORD + "\"}",
                                201)
                        .path("data")
                        .path("id")
                        .asString();
            }
            if (path.startsWith("/api/v1/tokens/")) {
                b.tokenId = tokens.issue(TokenStore.TokenSpec.simple(tenant, "fuzz", "victim", List.of("dns.read")))
                        .block()
                        .id();
            }
            if (path.startsWith("/api/v1/jobs/")) {
                b.jobId = job(zone);
            } else {
                b.jobId = shared.jobId;
            }
            if (path.startsWith("/oauth/authorize/")) {
                oauthRequest(b, path.endsWith("/decision"));
            }
            if (path.startsWith("/api/v1/oauth/tokens")) {
                oauthToken(b);
            }
            b.streamId = path.startsWith("/api/v1/audit/streams/") ? stream() : shared.streamId;
            if (path.startsWith("/api/v1/webhooks/")) {
                webhook(b);
            } else {
                b.webhookId = shared.webhookId;
                b.deliveryId = shared.deliveryId;
            }
            b.websiteId = path.startsWith("/api/v1/websites/") ? website(b.domain) : shared.websiteId;
        } catch (Exception e) {
            throw new IllegalStateException("resources for " + op, e);
        }
        return b;
    }

    /** An active domain of the tenant with one record, an installed certificate and an available backup. */
    private void domain(Bundle b, String name) throws Exception {
        b.domain = name;
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", name, tenant);
        UUID record = UUID.randomUUID();
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) values (?, ?, ?, 'www', 'A',"
                        + " 300, '192.0.2.10')",
                record,
                tenant,
                name);
        b.recordId = record.toString();
        var leaf = certificate.certificate();
        UUID installed = UUID.randomUUID();
        sql(
                "insert into api.jobs (id, tenant_id, type, status, resource, finished_at) values (?, ?, 'ssl.install',"
                        + " 'succeeded', ?, now())",
                installed,
                tenant,
                "domains/" + name + "/ssl");
        sql(
                "insert into api.ssl_certificates (id, tenant_id, domain, job_id, status, subject, sans, issuer, not_before,"
                        + " not_after, fingerprint_sha256, serial, key_type, key_size, certificate, chain, installed_at)"
                        + " values (?, ?, ?, ?, 'installed', ?, array['fuzz.test'], ?, ?, ?, ?, ?, 'RSA', 2048, ?, '', now())",
                UUID.randomUUID(),
                tenant,
                name,
                installed,
                leaf.getSubjectX500Principal().getName(),
                leaf.getIssuerX500Principal().getName(),
                java.sql.Timestamp.from(leaf.getNotBefore().toInstant()),
                java.sql.Timestamp.from(leaf.getNotAfter().toInstant()),
                "00".repeat(32),
                leaf.getSerialNumber().toString(16),
                certificate.certificatePem());
        UUID backup = UUID.randomUUID();
        // Every backup of the test shares one archive (an empty gzip): the store stays small to watch.
        String archive = tenant + "/fuzz.tar.gz";
        Path file = root.resolve("store").resolve(archive);
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        }
        sql(
                "insert into api.backups (id, tenant_id, domain, label, status, job_id, archive, size, sha256, file_count,"
                        + " total_size, completed_at) values (?, ?, ?, 'fuzz', 'available', ?, ?, 20, ?, 0, 0, now())",
                backup,
                tenant,
                name,
                UUID.randomUUID(),
                archive,
                "00".repeat(32));
        b.backupId = backup.toString();
        db.commit();
    }

    /** An audit stream of the tenant to the test's sink, stored as the API stores one (no credentials). */
    private String stream() throws Exception {
        UUID id = UUID.randomUUID();
        sql(
                "insert into api.audit_streams (id, tenant, kind, host, port) values (?, ?, 'syslog', '127.0.0.1', ?)",
                id,
                tenant,
                streamSink.port());
        db.commit();
        return id.toString();
    }

    /**
     * A webhook subscription of the tenant, made through the API, and one delivery of it (its test event's). It
     * points at a loopback port where nothing listens (the dispatcher's attempts fail at once and are retried
     * much later) and wants only {@code ssl.expiring}, which no request of the test makes: nothing is delivered to
     * it but what a case asks for.
     */
    private void webhook(Bundle b) {
        b.webhookId = call("POST", "/api/v1/webhooks", allToken, webhookBody(), 201)
                .path("data")
                .path("id")
                .asString();
        b.deliveryId = call("POST", "/api/v1/webhooks/" + b.webhookId + "/test", allToken, null, 202)
                .path("data")
                .path("id")
                .asString();
    }

    private int webhookPort;

    private String webhookUrl() {
        if (webhookPort == 0) {
            webhookPort = io.hostplane.embedded.FreePorts.next();
        }
        return "https://127.0.0.1:" + webhookPort + "/hook";
    }

    private String webhookBody() {
        return "{\"url\":\"" + webhookUrl() + "\",\"events\":[\"ssl.expiring\"],\"description\":\"fuzz\"}";
    }

    /**
     * A website of the tenant on {@code domain} (which has none yet), made through the API: a proxy to a
     * documentation address, which the API takes for public without resolving anything and never contacts. Its
     * {@code website.apply} job stays queued (no worker here), so the website stays {@code pending}.
     */
    private String website(String domain) {
        return call(
                        "POST",
                        "/api/v1/websites",
                        allToken,
                        "{\"domain\":\"" + domain + "\",\"aliases\":[\"www." + domain + "\"],\"kind\":\"proxy\","
                                + "\"upstream\":\"http://203.0.113.10:8080/\"}",
                        202)
                .path("data")
                .path("resource")
                .asString()
                .replace("websites/", "");
    }

    /** A queued job of the tenant (a record to create in {@code domain}). */
    private String job(String domain) {
        return call(
                        "POST",
                        "/api/v1/domains/" + domain + "/dns/records",
                        allToken,
                        "{\"name\":\"fzjob\",\"type\":\"A\",\"content\":\"192.0.2.9\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    /** An OAuth request asking for dns.read; with {@code signedIn}, the user signed in and the consent form's CSRF. */
    private void oauthRequest(Bundle b, boolean signedIn) {
        JsonNode request = call(
                        "POST",
                        "/api/v1/oauth/requests",
                        null,
                        "{\"app_name\":\"Fuzz\",\"scopes\":[\"dns.read\"]}",
                        201)
                .path("data");
        b.oauthRequest = request.path("id").asString();
        b.verifyToken = request.path("verify_token").asString();
        if (!signedIn) {
            return;
        }
        RawHttp.Response signIn = http.exchange(new RawHttp.Request(
                "POST",
                "/oauth/authorize/" + b.oauthRequest + "/sign-in",
                List.of(Map.entry("Origin", origin), Map.entry("Content-Type", "application/x-www-form-urlencoded")),
                RequestMutations.utf8("username=" + encode(username) + "&password=" + encode(PASSWORD))));
        assertThat(signIn.status()).as(signIn.bodyText()).isEqualTo(303);
        Matcher cookie = Pattern.compile("hp_oauth_session=([^;]+)")
                .matcher(String.valueOf(signIn.headers().get("set-cookie")));
        assertThat(cookie.find()).isTrue();
        b.session = cookie.group(1);
        RawHttp.Response page = http.exchange(new RawHttp.Request(
                "GET",
                "/oauth/authorize/" + b.oauthRequest,
                List.of(Map.entry("Cookie", "hp_oauth_session=" + b.session)),
                null));
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.bodyText());
        assertThat(csrf.find()).as(page.bodyText()).isTrue();
        b.csrf = csrf.group(1);
    }

    /** A token issued through the OAuth flow: requested, approved by the user, collected by the app. */
    private void oauthToken(Bundle b) {
        oauthRequest(b, true);
        RawHttp.Response decision = http.exchange(new RawHttp.Request(
                "POST",
                "/oauth/authorize/" + b.oauthRequest + "/decision",
                List.of(
                        Map.entry("Origin", origin),
                        Map.entry("Cookie", "hp_oauth_session=" + b.session),
                        Map.entry("Content-Type", "application/x-www-form-urlencoded")),
                RequestMutations.utf8("decision=approve&csrf=" + encode(b.csrf))));
        assertThat(decision.status()).as(decision.bodyText()).isEqualTo(200);
        b.oauthToken = call("GET", "/api/v1/oauth/requests/verify?verify_token=" + b.verifyToken, null, null, 200)
                .path("data")
                .path("token")
                .asString();
        b.session = null;
        b.csrf = null;
    }

    private String token(String tenantId, String... scopes) {
        return tokens.issue(TokenStore.TokenSpec.simple(tenantId, "fuzz", "fuzz", List.of(scopes)))
                .block()
                .token();
    }

    /** A JSON call that must answer {@code status}; its body. */
    private JsonNode call(String method, String target, String token, String body, int status) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (token != null) {
            headers.add(Map.entry("Authorization", "Bearer " + token));
        }
        if (body != null) {
            headers.add(Map.entry("Content-Type", "application/json"));
        }
        RawHttp.Response response = http.exchange(
                new RawHttp.Request(method, target, headers, body == null ? null : RequestMutations.utf8(body)));
        assertThat(response.status())
                .as(method + " " + target + ": " + response.bodyText())
                .isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private void sql(String statement, Object... args) throws SQLException {
        try (var s = db.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
