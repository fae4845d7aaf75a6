package io.hostplane.common.scope;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Token scopes (DESIGN.md, "Scopes"). A {@code *.write} scope does not imply {@code *.read}. The wildcard
 * {@code *} grants every scope except {@link #PLATFORM_ADMIN}, within the token's tenant.
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
    PLATFORM_READ("platform.read"),
    PLATFORM_ADMIN("platform.admin");

    /** The wildcard scope name. */
    public static final String ALL = "*";

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
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
            EnumSet<Scope> all = EnumSet.allOf(Scope.class);
            all.remove(PLATFORM_ADMIN);
            return all;
        }
        return fromWireName(granted).map(EnumSet::of).orElseGet(() -> EnumSet.noneOf(Scope.class));
    }
}
