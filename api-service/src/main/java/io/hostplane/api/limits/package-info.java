/**
 * What the platform operator sold a tenant: its {@link io.hostplane.api.limits.TenantLimits} (the highest rate
 * limit one of its tokens may be given, the tenant-wide request rate across all its tokens, its active jobs),
 * set with {@code PATCH /accounts/{id}} and read by the rate limiters, token creation and job acceptance.
 */
package io.hostplane.api.limits;
