package io.hostplane.api.system.security;

import io.hostplane.common.scope.Scope;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;

/**
 * Who is calling: the tenant (null for the platform operator), the token id, and the scopes the token
 * grants, as Spring Security authorities {@code SCOPE_dns.write}, and the token's restrictions (expiry, domains,
 * rate limit, networks), which are also the most it may hand on. The token itself is not kept here.
 */
public record ApiPrincipal(
        String tenant,
        String tokenId,
        String principal,
        List<String> grantedScopes,
        Set<Scope> scopes,
        Instant expiresAt,
        List<String> allowedDomains,
        Integer rateLimit,
        Integer ratePeriodSeconds,
        List<String> allowedCidrs)
        implements OAuth2AuthenticatedPrincipal {

    /** A principal for work the platform does itself (e.g. the local stack's first-start set-up). */
    public static ApiPrincipal system(String tenant) {
        return new ApiPrincipal(
                tenant, "system", "system", List.of(), Set.of(), null, List.of(), null, null, List.of());
    }

    /** Whether the token may act on {@code domain}: tokens without a domain list may act on all of the tenant's. */
    public boolean mayActOn(String domain) {
        return allowedDomains == null || allowedDomains.isEmpty() || allowedDomains.contains(domain);
    }

    public static final String AUTHORITY_PREFIX = "SCOPE_";

    /** A token with no tenant and scope {@code platform.admin} acts as the platform operator, on every tenant. */
    public boolean isOperator() {
        return tenant == null && scopes.contains(Scope.PLATFORM_ADMIN);
    }

    /** Whether this caller may see resources of {@code resourceTenant}. */
    public boolean canAccessTenant(String resourceTenant) {
        return isOperator() || (tenant != null && tenant.equals(resourceTenant));
    }

    public static Set<Scope> effectiveScopes(String tenant, List<String> granted) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        granted.forEach(g -> scopes.addAll(Scope.expand(g)));
        if (tenant == null && scopes.contains(Scope.PLATFORM_ADMIN)) {
            return EnumSet.allOf(Scope.class);
        }
        if (tenant != null) {
            scopes.removeIf(Scope::isOperatorOnly);
        }
        return scopes;
    }

    @Override
    public Map<String, Object> getAttributes() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("sub", principal);
        attributes.put("token_id", tokenId);
        if (tenant != null) {
            attributes.put("tenant", tenant);
        }
        if (expiresAt != null) {
            attributes.put("exp", expiresAt);
        }
        return attributes;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return scopes.stream()
                .map(s -> new SimpleGrantedAuthority(AUTHORITY_PREFIX + s.wireName()))
                .toList();
    }

    @Override
    public String getName() {
        return principal;
    }
}
