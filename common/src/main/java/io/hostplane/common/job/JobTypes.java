package io.hostplane.common.job;

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

    private JobTypes() {}
}
