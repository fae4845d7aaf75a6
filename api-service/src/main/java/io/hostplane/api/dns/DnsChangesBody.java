package io.hostplane.api.dns;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code PATCH …/dns/records}: 1 to {@link #MAX_BATCH} changes. Unlike other bodies, a change of
 * the wrong shape does not refuse the body here: each change keeps its problems, so that the route reports
 * them in one 400, in order, with what it finds wrong in the others (a record outside the zone, an id that
 * does not exist).
 *
 * @param changes the changes in order
 */
record DnsChangesBody(List<Change> changes) {

    static final int MAX_BATCH = 1000;

    private static final List<String> OPS = List.of("create", "replace", "delete");

    private static final String OP = "op must be create, replace or delete.";

    private static final String ID = "The id of an existing record is required.";

    /** Binds the body; a 400 if {@code changes} is not a list of 1 to {@link #MAX_BATCH} changes. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static DnsChangesBody from(JsonNode body) {
        String wrongSize = "1 to " + MAX_BATCH + " changes.";
        // Only the list's own problem is reported here; each change keeps its own.
        RequestFields fields = RequestFields.of(body, null, new ArrayList<>());
        List<Change> changes = fields.list("changes", 1, MAX_BATCH, ErrorCodes.INVALID, wrongSize, Change::read);
        if (changes == null) {
            throw ApiException.badRequest(
                    "changes must be a list of 1 to " + MAX_BATCH + " changes.",
                    List.of(new FieldError("changes", ErrorCodes.INVALID, wrongSize)));
        }
        return new DnsChangesBody(changes);
    }

    /**
     * One change.
     *
     * @param op {@code create}, {@code replace} or {@code delete}; null if the change is of the wrong shape
     *     beyond its record
     * @param id the record replaced or deleted; null for a create
     * @param record the record created or put in place; null for a delete, or if it is not an object
     * @param problems what is wrong with the change's shape, each under its path ({@code changes[2].op})
     */
    record Change(String op, UUID id, DnsRecordBody record, List<FieldError> problems) {

        /** The change in {@code fields}, each problem of its shape kept in it. */
        static Change read(RequestFields fields) {
            List<FieldError> problems = new ArrayList<>();
            RequestFields own = fields.reportingTo(problems);
            String op = own.requiredText("op", ErrorCodes.INVALID, OP);
            if (op != null && !OPS.contains(op)) {
                own.reject("op", ErrorCodes.INVALID, OP);
                op = null;
            }
            if (op == null) {
                return new Change(null, null, null, problems);
            }
            if (op.equals("create") && own.has("id")) {
                own.reject("id", ErrorCodes.INVALID, "A create change has no id: the record gets a new one.");
                return new Change(null, null, null, problems);
            }
            UUID id = null;
            if (!op.equals("create")) {
                String text = own.requiredText("id", ErrorCodes.REQUIRED, ID);
                id = uuidOrNull(text);
                if (id == null) {
                    if (text != null) {
                        own.reject("id", ErrorCodes.REQUIRED, ID);
                    }
                    return new Change(null, null, null, problems);
                }
            }
            DnsRecordBody record = op.equals("delete") ? null : DnsRecordBody.read(own.at("record"));
            return new Change(op, id, record, problems);
        }
    }

    private static UUID uuidOrNull(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
