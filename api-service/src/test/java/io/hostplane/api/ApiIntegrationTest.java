package io.hostplane.api;

import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.testing.KafkaPolls;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Base of the API's integration tests: the API alone on a real PostgreSQL and a real Kafka broker (no
 * worker, no audit service), one fresh tenant with one active domain and a {@code *} token per test.
 */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            ApiApplication.CONFIG_NAME,
            ApiIntegrationTest.PEPPER,
            "hostplane.domains.allow-reserved-tlds=true",
            "hostplane.tokens.last-used-flush=200ms",
            "hostplane.oauth.poll-interval=1s",
            "hostplane.callbacks.allowed-hosts=127.0.0.1/32",
            "hostplane.audit.streams.allowed-hosts=127.0.0.1/32",
            "hostplane.callbacks.first-retry=200ms",
            "hostplane.callbacks.max-attempts=3",
            "hostplane.callbacks.secret-overlap=10s",
            "hostplane.webhooks.first-retry=200ms",
            "hostplane.webhooks.max-retry=1s",
            "hostplane.webhooks.disable-after=3s",
            "hostplane.webhooks.max-per-tenant=5",
            "hostplane.webhooks.notice-check-interval=500ms",
            "hostplane.jobs.max-active-per-tenant=50"
        })
public abstract class ApiIntegrationTest {

    public static final String PEPPER = "hostplane.tokens.pepper=test-pepper-0123456789abcdefghijklmnop";

    @DynamicPropertySource
    public static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    @Autowired
    public Environment env;

    @Autowired
    public EventCodec codec;

    @Autowired
    public AccountStore accounts;

    @Autowired
    public TokenStore tokens;

    public final TestInfrastructure infra = TestInfrastructure.shared();
    public WebTestClient http;
    public String tenant;
    public String zone;
    public String allToken;

    @BeforeEach
    public void setUpTenant() {
        http = client(Integer.parseInt(env.getProperty("local.server.port")));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = accounts.create("tenant-" + suffix).block().id();
        zone = "zone-" + suffix + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", zone, tenant);
        allToken = token(tenant, "*");
    }

    public static WebTestClient client(int port) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                // The OpenAPI document is over the default 256 KiB a client buffers.
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
                .build();
    }

    public WebTestClient.ResponseSpec exchange(HttpMethod method, String path, String token, String body, int status) {
        return exchange(http, method, path, token, body, status);
    }

    public static WebTestClient.ResponseSpec exchange(
            WebTestClient client, HttpMethod method, String path, String token, String body, int status) {
        WebTestClient.RequestBodySpec spec = client.method(method).uri(path);
        if (token != null) {
            spec.header("Authorization", "Bearer " + token);
        }
        WebTestClient.RequestHeadersSpec<?> ready = body == null
                ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        WebTestClient.ResponseSpec response = ready.exchange();
        response.expectStatus().isEqualTo(status).expectHeader().exists("X-Request-Id");
        return response;
    }

    public JsonNode json(HttpMethod method, String path, String token, String body, int status) {
        return exchange(method, path, token, body, status)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    public String message(HttpMethod method, String path, String token, String body, int status) {
        return json(method, path, token, body, status).path("message").asString();
    }

    /**
     * The job event a worker sends for {@code job} of this test's tenant: {@code jobType} selects the feature
     * that folds its {@code result}; {@code error} goes with a failure.
     */
    public CloudEvent workerEvent(
            String job, String jobType, JobStatus status, List<Warning> warnings, JobError error, Object result) {
        return codec.event(
                "/test-worker",
                EventTypes.job(status),
                "x",
                tenant,
                null,
                job,
                null,
                new JobStateChanged(
                        job, jobType, status, 1, warnings, error, result == null ? null : codec.tree(result), null));
    }

    public String token(String tenantId, String... scopes) {
        return tokens.issue(TokenStore.TokenSpec.simple(tenantId, "tester", "test", List.of(scopes)))
                .block()
                .token();
    }

    /**
     * The values on {@code hostplane.audit} that contain {@code marker} (an id), read from the start of the
     * topic until {@code expected} have been seen or 30 s have passed.
     */
    public List<String> auditValues(String marker, int expected) {
        return auditValues(marker, found -> found.size() >= expected);
    }

    /**
     * The values on {@code hostplane.audit} that contain {@code marker}, read from the start of the topic until
     * {@code enough} says so or 30 s have passed.
     */
    public List<String> auditValues(String marker, java.util.function.Predicate<List<String>> enough) {
        List<String> found = new java.util.ArrayList<>();
        try (var consumer = fromStart("hostplane.audit")) {
            KafkaPolls.until(
                    "audit records of " + marker,
                    Duration.ofSeconds(30),
                    consumer,
                    r -> {
                        if (r.value().contains(marker)) {
                            found.add(r.value());
                        }
                    },
                    () -> enough.test(found));
        }
        return found;
    }

    /** A consumer of {@code topic} in a group of its own, reading from the start; the caller closes it. */
    public KafkaConsumer<String, String> fromStart(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "api-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** The command of job {@code jobId} on {@code hostplane.commands}, read from the start for up to 30 s. */
    public ConsumerRecord<String, String> awaitCommand(String jobId) {
        try (var consumer = fromStart(Topics.COMMANDS)) {
            return KafkaPolls.first(
                    "command of job " + jobId + " on " + Topics.COMMANDS,
                    Duration.ofSeconds(30),
                    consumer,
                    r -> r.value().contains(jobId));
        }
    }

    public int count(String query) throws Exception {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement(query);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    public void sql(String statement, Object... args) {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Connection connection() throws Exception {
        return DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
    }
}
