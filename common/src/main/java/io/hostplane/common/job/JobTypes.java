package io.hostplane.common.job;

import java.util.Set;

/** Job type names as they appear in jobs and in command event types. */
public final class JobTypes {

    public static final String DOMAIN_CREATE = "domain.create";
    public static final String DOMAIN_DELETE = "domain.delete";
    public static final String DNS_RECORD_CREATE = "dns.record.create";
    public static final String DNS_RECORD_REPLACE = "dns.record.replace";
    public static final String DNS_RECORD_DELETE = "dns.record.delete";
    public static final String DNS_BATCH = "dns.batch";
    public static final String SSL_INSTALL = "ssl.install";
    public static final String SSL_REMOVE = "ssl.remove";
    public static final String BACKUP_CREATE = "backup.create";
    public static final String BACKUP_RESTORE = "backup.restore";
    public static final String BACKUP_DELETE = "backup.delete";
    public static final String AUDIT_REPLAY = "audit.replay";
    public static final String WEBSITE_APPLY = "website.apply";
    public static final String WEBSITE_DELETE = "website.delete";

    /** Every job type, as webhook subscriptions may name them ({@code job.failed:backup.create}). */
    public static final Set<String> ALL = Set.of(
            DOMAIN_CREATE,
            DOMAIN_DELETE,
            DNS_RECORD_CREATE,
            DNS_RECORD_REPLACE,
            DNS_RECORD_DELETE,
            DNS_BATCH,
            SSL_INSTALL,
            SSL_REMOVE,
            BACKUP_CREATE,
            BACKUP_RESTORE,
            BACKUP_DELETE,
            AUDIT_REPLAY,
            WEBSITE_APPLY,
            WEBSITE_DELETE);

    private JobTypes() {}
}
