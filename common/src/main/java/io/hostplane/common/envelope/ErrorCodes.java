package io.hostplane.common.envelope;

/**
 * The codes of the catalogue ({@link ErrorCode}) as strings, for the {@code code} of {@link FieldError},
 * {@code JobError} and {@code Warning}. Each constant is its catalogue entry's code; a code that is not in the
 * catalogue has no constant here.
 */
public final class ErrorCodes {

    public static final String REQUIRED = ErrorCode.REQUIRED.code();
    public static final String INVALID = ErrorCode.INVALID.code();
    public static final String TOO_SMALL = ErrorCode.TOO_SMALL.code();
    public static final String TOO_LARGE = ErrorCode.TOO_LARGE.code();
    public static final String UNSUPPORTED = ErrorCode.UNSUPPORTED.code();
    public static final String MALFORMED_JSON = ErrorCode.MALFORMED_JSON.code();
    public static final String NOT_IN_ZONE = ErrorCode.NOT_IN_ZONE.code();
    public static final String NOT_REGISTRABLE = ErrorCode.NOT_REGISTRABLE.code();
    public static final String NOT_FOUND = ErrorCode.NOT_FOUND.code();
    public static final String CNAME_NOT_EXCLUSIVE = ErrorCode.CNAME_NOT_EXCLUSIVE.code();
    public static final String KEY_MISMATCH = ErrorCode.KEY_MISMATCH.code();
    public static final String CERT_EXPIRED = ErrorCode.CERT_EXPIRED.code();
    public static final String CERT_NOT_YET_VALID = ErrorCode.CERT_NOT_YET_VALID.code();
    public static final String DOMAIN_UNAVAILABLE = ErrorCode.DOMAIN_UNAVAILABLE.code();
    public static final String DOMAIN_PENDING = ErrorCode.DOMAIN_PENDING.code();
    public static final String DOMAIN_DELETING = ErrorCode.DOMAIN_DELETING.code();
    public static final String DOMAIN_IN_USE = ErrorCode.DOMAIN_IN_USE.code();
    public static final String NAME_IN_USE = ErrorCode.NAME_IN_USE.code();
    public static final String BACKUP_NOT_AVAILABLE = ErrorCode.BACKUP_NOT_AVAILABLE.code();
    public static final String SITE_NOT_FOUND = ErrorCode.SITE_NOT_FOUND.code();
    public static final String NAME_TAKEN = ErrorCode.NAME_TAKEN.code();
    public static final String SINK_UNREACHABLE = ErrorCode.SINK_UNREACHABLE.code();
    public static final String TLS_UNVERIFIED = ErrorCode.TLS_UNVERIFIED.code();
    public static final String TENANT_FORBIDDEN = ErrorCode.TENANT_FORBIDDEN.code();
    public static final String DOMAIN_RESTRICTED = ErrorCode.DOMAIN_RESTRICTED.code();
    public static final String STREAM_LIMIT = ErrorCode.STREAM_LIMIT.code();
    public static final String WEBHOOK_LIMIT = ErrorCode.WEBHOOK_LIMIT.code();
    public static final String WEBHOOK_DISABLED = ErrorCode.WEBHOOK_DISABLED.code();
    public static final String USERNAME_TAKEN = ErrorCode.USERNAME_TAKEN.code();
    public static final String TOKEN_INACTIVE = ErrorCode.TOKEN_INACTIVE.code();
    public static final String RUNNING = ErrorCode.RUNNING.code();
    public static final String SUCCEEDED = ErrorCode.SUCCEEDED.code();
    public static final String FAILED = ErrorCode.FAILED.code();
    public static final String CANCELLED = ErrorCode.CANCELLED.code();
    public static final String TOKEN_RATE_LIMITED = ErrorCode.TOKEN_RATE_LIMITED.code();
    public static final String TENANT_RATE_LIMITED = ErrorCode.TENANT_RATE_LIMITED.code();
    public static final String ADDRESS_RATE_LIMITED = ErrorCode.ADDRESS_RATE_LIMITED.code();
    public static final String TOO_MANY_ACTIVE_JOBS = ErrorCode.TOO_MANY_ACTIVE_JOBS.code();
    public static final String BACKEND_ERROR = ErrorCode.BACKEND_ERROR.code();
    public static final String WORKER_ERROR = ErrorCode.WORKER_ERROR.code();
    public static final String UNSUPPORTED_JOB = ErrorCode.UNSUPPORTED_JOB.code();
    public static final String ZONE_NOT_FOUND = ErrorCode.ZONE_NOT_FOUND.code();
    public static final String RECORD_NOT_FOUND = ErrorCode.RECORD_NOT_FOUND.code();
    public static final String INVALID_CHANGE = ErrorCode.INVALID_CHANGE.code();
    public static final String DNS_REJECTED = ErrorCode.DNS_REJECTED.code();
    public static final String DNS_UPDATE_REFUSED = ErrorCode.DNS_UPDATE_REFUSED.code();
    public static final String DNS_UPDATE_NOT_AUTHORIZED = ErrorCode.DNS_UPDATE_NOT_AUTHORIZED.code();
    public static final String DNS_UPDATE_FAILED = ErrorCode.DNS_UPDATE_FAILED.code();
    public static final String SSL_KEY_NOT_FOUND = ErrorCode.SSL_KEY_NOT_FOUND.code();
    public static final String SSL_KEY_UNREADABLE = ErrorCode.SSL_KEY_UNREADABLE.code();
    public static final String NGINX_TEST_FAILED = ErrorCode.NGINX_TEST_FAILED.code();
    public static final String NGINX_RELOAD_FAILED = ErrorCode.NGINX_RELOAD_FAILED.code();
    public static final String BACKUP_NOT_FOUND = ErrorCode.BACKUP_NOT_FOUND.code();
    public static final String ARCHIVE_DAMAGED = ErrorCode.ARCHIVE_DAMAGED.code();
    public static final String INVALID_COMMAND = ErrorCode.INVALID_COMMAND.code();
    public static final String REPLAY_FAILED = ErrorCode.REPLAY_FAILED.code();
    public static final String REPLAY_TARGET_INVALID = ErrorCode.REPLAY_TARGET_INVALID.code();
    public static final String REPLAY_TARGET_EXISTS = ErrorCode.REPLAY_TARGET_EXISTS.code();
    public static final String REPLAY_SOURCE_MISSING = ErrorCode.REPLAY_SOURCE_MISSING.code();
    public static final String REPLAY_STALLED = ErrorCode.REPLAY_STALLED.code();
    public static final String RESULT_NOT_RECORDED = ErrorCode.RESULT_NOT_RECORDED.code();
    public static final String RECORD_EXISTS = ErrorCode.RECORD_EXISTS.code();
    public static final String TARGET_NOT_FOUND = ErrorCode.TARGET_NOT_FOUND.code();
    public static final String WILDCARD_SHADOWED = ErrorCode.WILDCARD_SHADOWED.code();
    public static final String CERT_NAME_MISMATCH = ErrorCode.CERT_NAME_MISMATCH.code();
    public static final String CHAIN_INCOMPLETE = ErrorCode.CHAIN_INCOMPLETE.code();
    public static final String EXPIRES_SOON = ErrorCode.EXPIRES_SOON.code();
    public static final String WEAK_KEY = ErrorCode.WEAK_KEY.code();
    public static final String FILE_UNREADABLE = ErrorCode.FILE_UNREADABLE.code();
    public static final String NO_ADDRESS_RECORD = ErrorCode.NO_ADDRESS_RECORD.code();
    public static final String NO_CERTIFICATE = ErrorCode.NO_CERTIFICATE.code();
    public static final String SYMLINK_OUTSIDE = ErrorCode.SYMLINK_OUTSIDE.code();
    public static final String FILE_CHANGED = ErrorCode.FILE_CHANGED.code();
    public static final String MORE_WARNINGS = ErrorCode.MORE_WARNINGS.code();
    public static final String RANGE_TRUNCATED = ErrorCode.RANGE_TRUNCATED.code();

    private ErrorCodes() {}
}
