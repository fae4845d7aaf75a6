package io.hostplane.common.scope;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Token scopes (DESIGN.md, "Scopes"). A {@code *.write} scope does not imply {@code *.read}. The wildcard
 * {@code *} grants every tenant scope, within the token's tenant: never an {@linkplain #isOperatorOnly()
 * operator-only} one, which only the platform operator's tokens (no tenant) may hold.
 */
public enum Scope {
    PROFILE_READ("profile.read"),
    TOKENS_READ("tokens.read"),
    TOKENS_WRITE("tokens.write"),
    DOMAINS_READ("domains.read"),
    DOMAINS_WRITE("domains.write"),
    DNS_READ("dns.read"),
    DNS_WRITE("dns.write"),
    SSL_READ("ssl.read"),
    SSL_WRITE("ssl.write"),
    BACKUPS_READ("backups.read"),
    BACKUPS_WRITE("backups.write"),
    JOBS_READ("jobs.read"),
    JOBS_WRITE("jobs.write"),
    AUDIT_READ("audit.read"),
    AUDIT_REPLAY("audit.replay"),
    AUDIT_STREAM("audit.stream"),
    WEBHOOKS_READ("webhooks.read"),
    WEBHOOKS_WRITE("webhooks.write"),
    WEBSITES_READ("websites.read"),
    WEBSITES_WRITE("websites.write"),
    PLATFORM_READ("platform.read", true),
    PLATFORM_ADMIN("platform.admin", true);

    /** The wildcard scope name. */
    public static final String ALL = "*";

    private final String wireName;
    private final boolean operatorOnly;

    Scope(String wireName) {
        this(wireName, false);
    }

    Scope(String wireName, boolean operatorOnly) {
        this.wireName = wireName;
        this.operatorOnly = operatorOnly;
    }

    /**
     * Whether the scope is about the installation rather than one tenant ({@code platform.read},
     * {@code platform.admin}; later installation-wide scopes too): never part of {@code *}, never on a
     * tenant's token or user.
     */
    public boolean isOperatorOnly() {
        return operatorOnly;
    }

    /** Every scope a tenant's token may hold: what {@code *} stands for. */
    public static Set<Scope> tenantScopes() {
        EnumSet<Scope> all = EnumSet.allOf(Scope.class);
        all.removeIf(Scope::isOperatorOnly);
        return all;
    }

    /** The name used in tokens, requests and error messages, e.g. {@code dns.write}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Scope> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    /** The scopes a granted name stands for: one scope, or every tenant scope for {@code *}. */
    public static Set<Scope> expand(String granted) {
        if (ALL.equals(granted)) {
            return tenantScopes();
        }
        return fromWireName(granted).map(EnumSet::of).orElseGet(() -> EnumSet.noneOf(Scope.class));
    }
}
