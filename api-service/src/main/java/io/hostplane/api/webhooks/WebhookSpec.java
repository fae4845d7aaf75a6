package io.hostplane.api.webhooks;

import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.job.JobTypes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A subscription as {@code POST /api/v1/webhooks} takes it (and as a {@code PATCH} leaves it once the merge patch is
 * applied). {@link #toString()} never shows the URL, whose path may carry a secret.
 *
 * @param url where deliveries are posted: https (plain http only to a host the operator allows)
 * @param events the event types wanted (see {@link #EVENT_TYPES}; job events may name a job type after a colon,
 *     {@code job.failed:backup.create}; {@code *} is every type)
 * @param description free text for people, or null
 * @param status {@code enabled} or {@code disabled}
 */
record WebhookSpec(String url, List<String> events, String description, String status) {

    /** The types a subscription may name; {@code webhook.test} goes only to the subscription it tests. */
    static final List<String> EVENT_TYPES = List.of(
            "job.succeeded",
            "job.failed",
            "job.cancelled",
            "token.revoked",
            "token.expiring",
            "ssl.expiring",
            "audit.replay.finished",
            "*");

    static final String TEST = "webhook.test";
    static final String ENABLED = "enabled";
    static final String DISABLED = "disabled";
    static final int MAX_EVENTS = 50;
    static final int MAX_DESCRIPTION = 200;
    static final Set<String> MEMBERS = Set.of("url", "events", "description", "status");

    @Override
    public String toString() {
        return "WebhookSpec[events=" + events + ", status=" + status + "]";
    }

    /** Reads a whole subscription from {@code body}; a 400 naming every member that is missing or wrong. */
    static WebhookSpec from(tools.jackson.databind.JsonNode body, String message) {
        return RequestFields.bind(body, message, WebhookSpec::read);
    }

    private static WebhookSpec read(RequestFields f) {
        if (!f.isObject()) {
            f.rejectThis(ErrorCodes.INVALID, "The body is a JSON object.");
            return null;
        }
        for (String name : f.names()) {
            if (!MEMBERS.contains(name)) {
                f.reject(name, ErrorCodes.UNSUPPORTED, "A webhook subscription has no member " + name + ".");
            }
        }
        String url = f.requiredText("url", ErrorCodes.REQUIRED, "The https URL deliveries are posted to.");
        if (url != null) {
            String problem = CallbackUrls.shapeProblem(url);
            if (problem != null) {
                f.reject("url", ErrorCodes.INVALID, problem);
            }
        }
        List<String> events = f.texts("events", ErrorCodes.INVALID, "A list of event types.", "An event type.");
        List<String> distinct = new ArrayList<>();
        if (events == null) {
            if (!f.given("events")) {
                f.reject(
                        "events", ErrorCodes.REQUIRED, "The event types to deliver, e.g. [\"job.failed\"] or [\"*\"].");
            }
        } else if (events.isEmpty()) {
            f.reject("events", ErrorCodes.REQUIRED, "At least one event type, e.g. \"job.failed\" or \"*\".");
        } else if (events.size() > MAX_EVENTS) {
            f.reject("events", ErrorCodes.TOO_LARGE, "At most " + MAX_EVENTS + " event types.");
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < events.size(); i++) {
                String type = events.get(i);
                String problem = eventProblem(type);
                if (problem != null) {
                    f.reject("events[" + i + "]", ErrorCodes.INVALID, problem);
                } else if (seen.add(type)) {
                    distinct.add(type);
                }
            }
        }
        String description = f.text("description", ErrorCodes.INVALID, "A string.");
        if (description != null && (description.length() > MAX_DESCRIPTION || hasControl(description))) {
            f.reject("description", ErrorCodes.INVALID, "At most " + MAX_DESCRIPTION + " characters, no controls.");
        }
        String status = f.text("status", ErrorCodes.INVALID, "enabled or disabled.");
        if (status != null && !status.equals(ENABLED) && !status.equals(DISABLED)) {
            f.reject("status", ErrorCodes.INVALID, "enabled or disabled.");
        }
        return new WebhookSpec(url, distinct, description, status == null ? ENABLED : status);
    }

    /** Why {@code type} is not a type a subscription may name, or null. */
    static String eventProblem(String type) {
        if (EVENT_TYPES.contains(type)) {
            return null;
        }
        int colon = type.indexOf(':');
        if (colon > 0) {
            String event = type.substring(0, colon);
            String jobType = type.substring(colon + 1);
            if (!event.startsWith("job.") || !EVENT_TYPES.contains(event)) {
                return "Only job events (job.succeeded, job.failed, job.cancelled) name a job type after a colon.";
            }
            if (!JobTypes.ALL.contains(jobType)) {
                return "Not a job type: one of "
                        + String.join(", ", JobTypes.ALL.stream().sorted().toList()) + ".";
            }
            return null;
        }
        return "Not an event type: one of " + String.join(", ", EVENT_TYPES)
                + ", or a job event with a job type (job.failed:backup.create).";
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }
}
