package io.hostplane.common.event;

import io.hostplane.common.job.JobStatus;

/** Versioned CloudEvent type names. Commands are imperative, facts are past tense. */
public final class EventTypes {

    private static final String PREFIX = "io.hostplane.";

    /** Request record written by the API for every authenticated request. */
    public static final String REQUEST_RECORDED = PREFIX + "api.request.recorded.v1";

    /** A token was created, revoked or rotated (data: {@link TokenChanged}). */
    public static final String TOKEN_CREATED = PREFIX + "token.created.v1";

    public static final String TOKEN_REVOKED = PREFIX + "token.revoked.v1";
    public static final String TOKEN_ROTATED = PREFIX + "token.rotated.v1";

    /** A tenant (customer account) was created (data: {@link AccountCreated}). */
    public static final String ACCOUNT_CREATED = PREFIX + "account.created.v1";

    public static final String ACCOUNT_LIMITS_CHANGED = PREFIX + "account.limits-changed.v1";
    /** A tenant's callback signing secret was rotated (data: {@link CallbackSecretRotated}). */
    public static final String CALLBACK_SECRET_ROTATED = PREFIX + "callback.secret.rotated.v1";
    /** An audit stream was created, changed, paused, resumed or deleted (data: {@link AuditStreamChanged}). */
    public static final String AUDIT_STREAM_CHANGED = PREFIX + "audit.stream.changed.v1";
    /**
     * A webhook subscription was created, changed, deleted, had its secret rotated, or was disabled after failing
     * (data: {@link WebhookChanged}).
     */
    public static final String WEBHOOK_CHANGED = PREFIX + "webhook.changed.v1";

    /** A user who may approve OAuth requests was created or deleted (data: {@link UserChanged}). */
    public static final String USER_CREATED = PREFIX + "user.created.v1";

    public static final String USER_DELETED = PREFIX + "user.deleted.v1";

    /** OAuth device-flow facts (data: {@link OAuthChanged}). */
    public static final String OAUTH_REQUEST_APPROVED = PREFIX + "oauth.request.approved.v1";

    public static final String OAUTH_REQUEST_DENIED = PREFIX + "oauth.request.denied.v1";
    public static final String OAUTH_TOKEN_ISSUED = PREFIX + "oauth.token.issued.v1";
    public static final String OAUTH_TOKEN_REFRESHED = PREFIX + "oauth.token.refreshed.v1";
    public static final String OAUTH_TOKEN_REVOKED = PREFIX + "oauth.token.revoked.v1";

    /**
     * A request to stop a replay job (data: {@link CancelReplay}), on {@code hostplane.audit-replays} after the
     * replay's command, keyed by the same job id.
     */
    public static final String AUDIT_REPLAY_CANCEL = PREFIX + "audit.replay.cancel.v1";

    private EventTypes() {}

    /** The command type of a job type: {@code dns.record.create} → {@code io.hostplane.command.dns.record.create.v1}. */
    public static String command(String jobType) {
        return PREFIX + "command." + jobType + ".v1";
    }

    /** The job type named by a command type, or {@code null} when {@code type} is not a command. */
    public static String jobTypeOfCommand(String type) {
        String head = PREFIX + "command.";
        if (type == null || !type.startsWith(head) || !type.endsWith(".v1")) {
            return null;
        }
        return type.substring(head.length(), type.length() - ".v1".length());
    }

    /** The event type of a job state: {@code succeeded} → {@code io.hostplane.job.succeeded.v1}. */
    public static String job(JobStatus status) {
        return PREFIX + "job." + status.wireName() + ".v1";
    }

    public static boolean isJobEvent(String type) {
        return type != null && type.startsWith(PREFIX + "job.");
    }
}
