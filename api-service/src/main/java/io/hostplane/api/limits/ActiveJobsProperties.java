package io.hostplane.api.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The active-job limit of a tenant whose operator has not set {@code limits.active_jobs}: under
 * {@code hostplane.jobs}, where it has always been, though it is a tenant limit like those of
 * {@link LimitsProperties}.
 *
 * @param maxActivePerTenant jobs one tenant may have queued or running at once; past it new jobs are refused with
 *     {@code 429 TOO_MANY_ACTIVE_JOBS}
 */
@ConfigurationProperties("hostplane.jobs")
public record ActiveJobsProperties(@DefaultValue("1000") int maxActivePerTenant) {}
