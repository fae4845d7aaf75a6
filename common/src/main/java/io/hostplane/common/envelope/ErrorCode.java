package io.hostplane.common.envelope;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of stable codes, every one a script may rely on: the {@code code} of a field error in the error
 * envelope ({@link FieldError}), of a failed job's error ({@code JobError}) and of a succeeded job's warning
 * ({@code Warning}). A code keeps its name and meaning for the life of the API's version; a new one is added
 * here first. The OpenAPI document lists the catalogue in the descriptions of those three {@code code}
 * properties, and a test holds the two to each other; another holds the services' sources to the catalogue.
 *
 * <p>A field error's code comes with the HTTP status of the answer that carries it ({@link #statuses()}); a job
 * error or a warning has none of its own: the job is read with {@code 200}.
 */
public enum ErrorCode {

    // Field errors: the request is refused and nothing is done.
    REQUIRED("A required field or parameter is missing.", Uses.field(400)),
    INVALID(
            "A value is not of the expected type or form (for a job: a name or id its command holds).",
            Uses.field(400).andJobError()),
    TOO_SMALL("A value is below its minimum (a TTL, a length, a count).", Uses.field(400)),
    TOO_LARGE(
            "A value is over its maximum; 403 when it exceeds what the calling token itself holds.",
            Uses.field(400, 403)),
    UNSUPPORTED("A field, record type or directive the API does not take.", Uses.field(400)),
    MALFORMED_JSON("The body cannot be parsed as JSON.", Uses.field(400)),
    NOT_IN_ZONE("A DNS record's name is outside the domain's zone.", Uses.field(400)),
    NOT_REGISTRABLE("A domain name is a public suffix, or not under one.", Uses.field(400)),
    NOT_FOUND("A change of a batch names a record that does not exist.", Uses.field(400)),
    CNAME_NOT_EXCLUSIVE(
            "A CNAME would share its name with other records.", Uses.field(400).andJobError()),
    KEY_MISMATCH("The private key does not belong to the certificate.", Uses.field(400)),
    CERT_EXPIRED("The certificate has expired.", Uses.field(400)),
    CERT_NOT_YET_VALID("The certificate is not valid yet.", Uses.field(400)),
    DOMAIN_UNAVAILABLE("The domain is taken (by this or another account).", Uses.field(409)),
    DOMAIN_PENDING("The domain is still being created; delete it once it is active.", Uses.field(409)),
    DOMAIN_DELETING("The domain is being deleted; it takes no more changes.", Uses.field(409)),
    DOMAIN_IN_USE("The domain is served by websites; delete them first (the message names them).", Uses.field(409)),
    NAME_IN_USE("Another website answers to this name (or the domain has a website already).", Uses.field(409)),
    BACKUP_NOT_AVAILABLE("The backup is not available (still being made, failed or deleted).", Uses.field(409)),
    SITE_NOT_FOUND(
            "The domain has no site directory to back up.", Uses.field(409).andJobError()),
    NAME_TAKEN("The account name is taken.", Uses.field(409)),
    USERNAME_TAKEN("The username is taken.", Uses.field(409)),
    TOKEN_INACTIVE("The token is revoked or expired; it cannot be rotated.", Uses.field(409)),
    RUNNING("The job cannot be cancelled: it is running.", Uses.field(409)),
    SUCCEEDED("The job cannot be cancelled: it has succeeded.", Uses.field(409)),
    FAILED("The job cannot be cancelled: it has failed.", Uses.field(409)),
    CANCELLED("The job cannot be cancelled: it is cancelled already.", Uses.field(409)),
    TOKEN_RATE_LIMITED("The token's rate limit is exhausted; retry after Retry-After.", Uses.field(429)),
    TENANT_RATE_LIMITED(
            "The account's rate limit (all its tokens together) is exhausted; retry after Retry-After.",
            Uses.field(429)),
    ADDRESS_RATE_LIMITED(
            "The client address's rate limit on public OAuth calls is exhausted; retry after Retry-After.",
            Uses.field(429)),
    SINK_UNREACHABLE(
            "An audit stream's sink cannot be reached (refused, timed out, or the name does not resolve).",
            Uses.field(400)),
    TLS_UNVERIFIED(
            "A sink's TLS certificate does not verify (against the given CA, else the default trust store) or does"
                    + " not name the host.",
            Uses.field(400)),
    TENANT_FORBIDDEN("A tenant's token named another tenant.", Uses.field(403)),
    DOMAIN_RESTRICTED(
            "A token limited to some domains cannot manage what concerns the whole account (webhook subscriptions).",
            Uses.field(403)),
    STREAM_LIMIT("The account has its most audit streams; delete one first.", Uses.field(409)),
    WEBHOOK_LIMIT("The account has its most webhook subscriptions; delete one first.", Uses.field(409)),
    WEBHOOK_DISABLED(
            "The webhook subscription is disabled; enable it (PATCH status enabled) before redelivering.",
            Uses.field(409)),
    TOO_MANY_ACTIVE_JOBS(
            "The account has its most jobs queued or running; retry when some have finished.", Uses.field(429)),

    // Job errors: the job failed and nothing was changed.
    BACKEND_ERROR("The backend stayed unreachable or failing through every retry.", Uses.jobError()),
    WORKER_ERROR("The worker failed unexpectedly through every retry.", Uses.jobError()),
    UNSUPPORTED_JOB("No worker handler takes this job type.", Uses.jobError()),
    ZONE_NOT_FOUND("The DNS backend does not serve the zone.", Uses.jobError()),
    RECORD_NOT_FOUND("A change names a record that no longer exists.", Uses.jobError()),
    INVALID_CHANGE("A change of the batch has an unknown operation.", Uses.jobError()),
    DNS_REJECTED("The DNS backend rejected the records.", Uses.jobError()),
    DNS_UPDATE_REFUSED(
            "The DNS server refused the update (REFUSED): it does not allow updates from here.", Uses.jobError()),
    DNS_UPDATE_NOT_AUTHORIZED(
            "The DNS server did not authorise the update (NOTAUTH): check the TSIG key.", Uses.jobError()),
    DNS_UPDATE_FAILED("The DNS server rejected the update with another response code.", Uses.jobError()),
    SSL_KEY_NOT_FOUND("The certificate's private key is no longer stored; upload it again.", Uses.jobError()),
    SSL_KEY_UNREADABLE("The stored private key cannot be decrypted with the configured key.", Uses.jobError()),
    NGINX_TEST_FAILED("nginx refused the new configuration; the previous files were put back.", Uses.jobError()),
    NGINX_RELOAD_FAILED("nginx failed to reload; the previous files were put back.", Uses.jobError()),
    BACKUP_NOT_FOUND("The backup's archive is gone.", Uses.jobError()),
    ARCHIVE_DAMAGED("The backup's archive is damaged; the site was not changed.", Uses.jobError()),
    INVALID_COMMAND("The replay's command cannot be read.", Uses.jobError()),
    REPLAY_FAILED("The replay failed; its message says why.", Uses.jobError()),
    REPLAY_TARGET_INVALID("The replay's target cannot be used.", Uses.jobError()),
    REPLAY_TARGET_EXISTS("The replay's target file exists already; choose another name.", Uses.jobError()),
    REPLAY_SOURCE_MISSING("A topic or partition to replay does not exist.", Uses.jobError()),
    REPLAY_STALLED("No record arrived for minutes; the broker may be away.", Uses.jobError()),

    // Warnings: the job succeeded, but something needs a person's attention.
    RESULT_NOT_RECORDED("The change was applied, but the API could not record its result.", Uses.warning()),
    RECORD_EXISTS("An identical DNS record exists already; nothing was added.", Uses.warning()),
    TARGET_NOT_FOUND("A record points to a name in the zone that has no records.", Uses.warning()),
    WILDCARD_SHADOWED("A wildcard does not answer for names that exist beside it.", Uses.warning()),
    CERT_NAME_MISMATCH("The certificate does not cover the domain.", Uses.warning()),
    CHAIN_INCOMPLETE("The chain does not lead to a trusted root.", Uses.warning()),
    EXPIRES_SOON("The certificate expires soon.", Uses.warning()),
    WEAK_KEY("The key is shorter than recommended.", Uses.warning()),
    FILE_UNREADABLE("A file or directory of the site could not be read; it was skipped.", Uses.warning()),
    NO_ADDRESS_RECORD("A website's name has no A or AAAA record here; it may not reach the site.", Uses.warning()),
    NO_CERTIFICATE(
            "HTTPS was asked for, but the domain has no installed certificate; it is served over HTTP.",
            Uses.warning()),
    SYMLINK_OUTSIDE("A symbolic link leads outside the site; it was not followed.", Uses.warning()),
    FILE_CHANGED("A file changed while it was backed up; its copy may be inconsistent.", Uses.warning()),
    MORE_WARNINGS("More warnings were found than are listed.", Uses.warning()),
    RANGE_TRUNCATED("The topics no longer hold part of the replayed range (retention).", Uses.warning());

    /** Where a code appears: in a field error, a failed job's error, a succeeded job's warnings. */
    public enum Kind {
        FIELD_ERROR,
        JOB_ERROR,
        WARNING
    }

    private final String meaning;
    private final Set<Kind> kinds;
    private final List<Integer> statuses;

    ErrorCode(String meaning, Uses uses) {
        this.meaning = meaning;
        this.kinds = uses.kinds();
        this.statuses = uses.statuses();
    }

    /** The code as it travels, the constant's name: {@code TOO_SMALL}. */
    public String code() {
        return name();
    }

    /** What the code means, in one line. */
    public String meaning() {
        return meaning;
    }

    /** Where the code appears: one kind, or a field error that a job can also fail with. */
    public Set<Kind> kinds() {
        return kinds;
    }

    /** The HTTP statuses of the answers that carry it as a field error, lowest first; empty when it is none. */
    public List<Integer> statuses() {
        return statuses;
    }

    /** The codes of one kind, in catalogue order. */
    public static List<ErrorCode> of(Kind kind) {
        return Arrays.stream(values()).filter(c -> c.kinds.contains(kind)).toList();
    }

    /** How a constant is used, spelled short in the list above. */
    private record Uses(Set<Kind> kinds, List<Integer> statuses) {

        static Uses field(Integer... statuses) {
            return new Uses(Set.of(Kind.FIELD_ERROR), List.of(statuses));
        }

        static Uses jobError() {
            return new Uses(Set.of(Kind.JOB_ERROR), List.of());
        }

        static Uses warning() {
            return new Uses(Set.of(Kind.WARNING), List.of());
        }

        Uses andJobError() {
            return new Uses(Set.of(Kind.FIELD_ERROR, Kind.JOB_ERROR), statuses);
        }
    }
}
