package io.hostplane.api.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tenant's effective limits (its operator's settings over the defaults).
 *
 * @param tokenRateLimit the highest rate limit one of the tenant's tokens may give a token (or an OAuth app)
 * @param tenantRateLimit the requests all the tenant's tokens together may make, on every replica
 * @param activeJobs the jobs the tenant may have queued or running at once
 */
public record TenantLimits(Rate tokenRateLimit, Rate tenantRateLimit, int activeJobs) {

    /** The {@code limits} object of an account as the API shows it. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("token_rate_limit", tokenRateLimit.view());
        view.put("tenant_rate_limit", tenantRateLimit.view());
        view.put("active_jobs", activeJobs);
        return view;
    }
}
