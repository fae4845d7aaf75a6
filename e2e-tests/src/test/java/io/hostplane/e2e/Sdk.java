package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostplane.sdk.Hostplane;
import io.hostplane.sdk.api.AccountsApi;
import io.hostplane.sdk.api.AuditApi;
import io.hostplane.sdk.api.DnsApi;
import io.hostplane.sdk.api.DomainsApi;
import io.hostplane.sdk.api.JobsApi;
import io.hostplane.sdk.api.SystemApi;
import io.hostplane.sdk.api.TokensApi;
import io.hostplane.sdk.api.WebhooksApi;
import io.hostplane.sdk.api.WebsitesApi;
import io.hostplane.sdk.invoker.ApiClient;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.ErrorEnvelope;
import io.hostplane.sdk.model.RateLimit;
import io.hostplane.sdk.model.TokenCreate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The generated SDK's operations for one token: what an integrator's program holds, and the end-to-end tests'
 * only way to the public API.
 */
final class Sdk {

    /** A call through the SDK that is expected to fail. */
    interface Call {
        Object call() throws ApiException;
    }

    private static final ObjectMapper PLAIN = new ObjectMapper();

    final String baseUrl;
    final ApiClient client;
    final SystemApi system;
    final AccountsApi accounts;
    final TokensApi tokens;
    final DomainsApi domains;
    final DnsApi dns;
    final JobsApi jobs;
    final AuditApi audit;
    final WebhooksApi webhooks;
    final WebsitesApi websites;

    /** The local stack's data folder this client's token came from, or null: where the operator's token is. */
    final Path dataDir;

    Sdk(String baseUrl, String token) {
        this(baseUrl, token, null);
    }

    Sdk(String baseUrl, String token, Path dataDir) {
        this.dataDir = dataDir;
        this.baseUrl = baseUrl;
        this.client = Hostplane.client(baseUrl, token);
        this.system = new SystemApi(client);
        this.accounts = new AccountsApi(client);
        this.tokens = new TokensApi(client);
        this.domains = new DomainsApi(client);
        this.dns = new DnsApi(client);
        this.jobs = new JobsApi(client);
        this.audit = new AuditApi(client);
        this.webhooks = new WebhooksApi(client);
        this.websites = new WebsitesApi(client);
    }

    /**
     * A client with the token that the local stack wrote to {@code dataDir}/{@code file}. With the services in
     * processes of their own, {@code DevStack.start} returns once the API answers, which can be a moment before
     * the API's first-start set-up has written the token files: waits for the file, up to 60 s.
     */
    static Sdk withTokenFile(String baseUrl, Path dataDir, String file) {
        Path path = dataDir.resolve(file);
        Await.until(
                "the local stack's " + path,
                Duration.ofSeconds(60),
                () -> Files.exists(path) && !Files.readString(path).isBlank());
        try {
            return new Sdk(baseUrl, Files.readString(path).trim(), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A client with a new token of this one's account: every scope, and a rate limit that does not get in the way.
     * A tenant's token cannot give a token more than its own limit, so the local stack's platform operator mints it
     * for this account, as the benchmarks do.
     */
    Sdk withUnlimitedToken(String description) throws ApiException {
        if (dataDir == null) {
            throw new IllegalStateException("an unlimited token is minted by the local stack's operator token");
        }
        String tenant = system.getMe().getData().getTenant();
        Sdk operator = withTokenFile(baseUrl, dataDir, "admin-token");
        String token = operator.tokens
                .createToken(new TokenCreate()
                        .tenant(tenant)
                        .description(description)
                        .scopes(List.of("*"))
                        .rateLimit(new RateLimit().limit(100_000).periodSeconds(60)))
                .getData()
                .getToken();
        return new Sdk(baseUrl, token, dataDir);
    }

    /** Untyped {@code data} (maps and lists) as a JSON tree, nulls kept (the SDK's own mapper drops them). */
    JsonNode tree(Object value) {
        return PLAIN.valueToTree(value);
    }

    /** The error envelope of a failed call. */
    ErrorEnvelope error(ApiException failure) {
        try {
            return client.getObjectMapper().readValue(failure.getResponseBody(), ErrorEnvelope.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first value of a response header (names are case-insensitive), or null. */
    static String header(ApiResponse<?> response, String name) {
        List<String> values = response.getHeaders().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Runs a call that must fail with an HTTP status; returns the failure (its status, headers and body). */
    static ApiException failure(Call call) {
        try {
            Object answer = call.call();
            throw new AssertionError("expected an error status, got an answer: " + answer);
        } catch (ApiException e) {
            assertThat(e.getCode()).as("HTTP status of %s", e.getMessage()).isPositive();
            return e;
        }
    }
}
