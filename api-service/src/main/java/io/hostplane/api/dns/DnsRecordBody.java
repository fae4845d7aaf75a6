package io.hostplane.api.dns;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A DNS record as a request gives it: the body of {@code POST} and {@code PUT …/dns/records}, a batch change's
 * {@code record}, a zone file line. Strings are present, non-blank, free of control characters and trimmed;
 * numbers are whole and within 32 bits; a priority is given exactly for the types that have one, within
 * 0..65535. What they must be in the zone is {@link DnsRecordValidator}'s to say.
 *
 * @param type the type as given, e.g. {@code a}; null if it was not a proper string
 * @param name the owner name as given; null if it was not a proper string
 * @param ttl seconds, or null for the default
 * @param priority the priority of an MX or SRV record, else null
 * @param content the content as given; null if it was not a proper string
 */
record DnsRecordBody(String type, String name, Integer ttl, Integer priority, String content) {

    static final String OBJECT_REQUIRED = "A record object is required.";

    private static final String PRIORITY_RANGE = "Priority must be between 0 and 65535.";

    /** Binds a whole request body; a 400 naming each problem if it is not a record's shape. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static DnsRecordBody from(JsonNode body) {
        return RequestFields.bind(body, "The record is invalid.", DnsRecordBody::read);
    }

    /** The record in {@code fields}, each problem reported under its path; null if it is not an object. */
    static DnsRecordBody read(RequestFields fields) {
        if (!fields.isObject()) {
            fields.rejectThis(ErrorCodes.INVALID, OBJECT_REQUIRED);
            return null;
        }
        String type = text(fields, "type");
        String name = text(fields, "name");
        Integer ttl = fields.int32("ttl", ErrorCodes.INVALID, "TTL must be a whole number of seconds.");
        Integer priority = priority(fields, type == null ? null : type.toUpperCase(Locale.ROOT));
        String content = text(fields, "content");
        return new DnsRecordBody(type, name, ttl, priority, content);
    }

    private static Integer priority(RequestFields fields, String type) {
        boolean needed = "MX".equals(type) || "SRV".equals(type);
        if (!fields.given("priority")) {
            if (needed) {
                fields.reject("priority", ErrorCodes.REQUIRED, type + " records need a priority.");
            }
            return null;
        }
        if (!needed) {
            fields.reject("priority", ErrorCodes.INVALID, "Only MX and SRV records have a priority.");
            return null;
        }
        Integer priority = fields.int32("priority", ErrorCodes.INVALID, PRIORITY_RANGE);
        if (priority != null && (priority < 0 || priority > 65535)) {
            fields.reject("priority", ErrorCodes.INVALID, PRIORITY_RANGE);
            return null;
        }
        return priority;
    }

    private static String text(RequestFields fields, String field) {
        if (!fields.given(field)) {
            fields.reject(field, ErrorCodes.REQUIRED, field + " is required.");
            return null;
        }
        String value = fields.text(field, ErrorCodes.INVALID, field + " must be a non-empty string.");
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            fields.reject(field, ErrorCodes.INVALID, field + " must be a non-empty string.");
            return null;
        }
        // Checked before trimming, which would quietly drop control characters at either end.
        if (DnsRecordValidator.hasControlCharacter(value)) {
            fields.reject(
                    field,
                    ErrorCodes.INVALID,
                    field + " must not contain control characters (line breaks, tabs, NUL).");
            return null;
        }
        return value.trim();
    }
}
