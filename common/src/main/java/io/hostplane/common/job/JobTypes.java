package io.hostplane.common.job;

/** Job type names as they appear in jobs and in command event types. */
public final class JobTypes {

    public static final String DOMAIN_CREATE = "domain.create";
    public static final String DNS_RECORD_CREATE = "dns.record.create";

    private JobTypes() {}
}
