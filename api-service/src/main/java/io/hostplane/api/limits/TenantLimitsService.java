package io.hostplane.api.limits;

import io.hostplane.api.limits.TenantLimitsStore.Stored;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestJson;
import io.hostplane.api.system.ShortLivedCache;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Each tenant's {@link TenantLimits}: read from {@code api.tenant_limits} ({@link TenantLimitsStore}; null columns are the defaults) and kept
 * per replica for {@code hostplane.limits.cache-ttl}, changed by the operator with a JSON merge patch (RFC
 * 7396) of the account's {@code limits} object.
 */
@Service
public class TenantLimitsService {

    /** The highest values an operator may set: the ranges a token's own rate limit has, and room above. */
    static final int MAX_RATE_LIMIT = 1_000_000_000;

    static final int MAX_PERIOD_SECONDS = 86_400;
    static final int MAX_ACTIVE_JOBS = 10_000_000;

    private static final Set<String> KEYS = Set.of("token_rate_limit", "tenant_rate_limit", "active_jobs");

    private final TenantLimitsStore store;
    private final TenantLimits defaults;
    private final ShortLivedCache<String, TenantLimits> cache;

    TenantLimitsService(TenantLimitsStore store, LimitsProperties properties, ActiveJobsProperties activeJobs) {
        this.store = store;
        this.defaults =
                new TenantLimits(properties.tokenRate(), properties.tenantRate(), activeJobs.maxActivePerTenant());
        this.cache = new ShortLivedCache<>(properties.cacheTtl(), 100_000);
    }

    /** The limits of a tenant the operator has not changed. */
    public TenantLimits defaults() {
        return defaults;
    }

    /** The tenant's limits (the defaults for a tenant that does not exist: the caller has checked that). */
    public Mono<TenantLimits> of(String tenant) {
        return cache.get(tenant, this::read).defaultIfEmpty(defaults);
    }

    /** The tenant's limits read now (the caller has checked that the tenant exists). */
    public Mono<TenantLimits> read(String tenant) {
        return store.find(tenant).map(this::effective);
    }

    /**
     * Applies a merge patch to the tenant's {@code limits}: a member set to null returns to the default; a
     * rate's {@code limit} or {@code period_seconds} may be patched alone. Every problem is a 400 naming the
     * field ({@code limits.tenant_rate_limit.period_seconds}), and nothing is changed. The tenant exists: the
     * caller has checked.
     */
    public Mono<TenantLimits> patch(String tenant, JsonNode patch) {
        return store.find(tenant).flatMap(stored -> {
            Stored changed = merged(stored, patch);
            return store.save(tenant, changed).then(Mono.fromSupplier(() -> {
                cache.invalidate(tenant);
                return effective(changed);
            }));
        });
    }

    private TenantLimits effective(Stored s) {
        return new TenantLimits(
                new Rate(
                        s.tokenLimit() != null
                                ? s.tokenLimit()
                                : defaults.tokenRateLimit().limit(),
                        s.tokenPeriod() != null
                                ? s.tokenPeriod()
                                : defaults.tokenRateLimit().periodSeconds()),
                new Rate(
                        s.tenantLimit() != null
                                ? s.tenantLimit()
                                : defaults.tenantRateLimit().limit(),
                        s.tenantPeriod() != null
                                ? s.tenantPeriod()
                                : defaults.tenantRateLimit().periodSeconds()),
                s.activeJobs() != null ? s.activeJobs() : defaults.activeJobs());
    }

    private static Stored merged(Stored stored, JsonNode patch) {
        List<FieldError> errors = new ArrayList<>();
        if (patch == null || !patch.isObject()) {
            throw ApiException.badRequest(
                    "limits must be an object.",
                    List.of(new FieldError(
                            "limits", ErrorCodes.INVALID, "An object of limits, e.g. {\"active_jobs\": 500}.")));
        }
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (!KEYS.contains(member.getKey())) {
                errors.add(new FieldError(
                        "limits." + member.getKey(),
                        ErrorCodes.UNSUPPORTED,
                        "Unknown limit; known: active_jobs, tenant_rate_limit, token_rate_limit."));
            }
        }
        Integer[] token = rate(patch, "token_rate_limit", stored.tokenLimit(), stored.tokenPeriod(), errors);
        Integer[] tenant = rate(patch, "tenant_rate_limit", stored.tenantLimit(), stored.tenantPeriod(), errors);
        Integer jobs = stored.activeJobs();
        if (patch.has("active_jobs")) {
            JsonNode j = patch.get("active_jobs");
            if (j.isNull()) {
                jobs = null;
            } else {
                Long checked = RequestJson.integer(j, "limits.active_jobs", 1, MAX_ACTIVE_JOBS, errors);
                jobs = checked == null ? null : checked.intValue();
            }
        }
        if (!errors.isEmpty()) {
            FieldError first = errors.get(0);
            throw ApiException.badRequest(first.field() + ": " + first.message(), errors);
        }
        return new Stored(token[0], token[1], tenant[0], tenant[1], jobs);
    }

    /** The merged {limit, period} of the rate {@code name}: null members return to the default. */
    private static Integer[] rate(JsonNode patch, String name, Integer limit, Integer period, List<FieldError> errors) {
        if (!patch.has(name)) {
            return new Integer[] {limit, period};
        }
        JsonNode r = patch.get(name);
        if (r.isNull()) {
            return new Integer[] {null, null};
        }
        String field = "limits." + name;
        if (!r.isObject()) {
            errors.add(
                    new FieldError(field, ErrorCodes.INVALID, "An object {\"limit\", \"period_seconds\"}, or null."));
            return new Integer[] {limit, period};
        }
        for (Map.Entry<String, JsonNode> member : r.properties()) {
            if (!member.getKey().equals("limit") && !member.getKey().equals("period_seconds")) {
                errors.add(new FieldError(
                        field + "." + member.getKey(), ErrorCodes.UNSUPPORTED, "Only limit and period_seconds."));
            }
        }
        Integer newLimit = limit;
        Integer newPeriod = period;
        if (r.has("limit")) {
            JsonNode l = r.get("limit");
            Long checked = l.isNull() ? null : RequestJson.integer(l, field + ".limit", 1, MAX_RATE_LIMIT, errors);
            newLimit = checked == null ? null : checked.intValue();
        }
        if (r.has("period_seconds")) {
            JsonNode p = r.get("period_seconds");
            Long checked = p.isNull()
                    ? null
                    : RequestJson.integer(p, field + ".period_seconds", 1, MAX_PERIOD_SECONDS, errors);
            newPeriod = checked == null ? null : checked.intValue();
        }
        return new Integer[] {newLimit, newPeriod};
    }
}
