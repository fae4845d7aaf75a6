package io.hostplane.api.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ApplyDnsChanges;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * RFC 1034 3.6.2 / RFC 2181 10.1: a name with a CNAME has no other record, and only one CNAME. Checked on
 * the records a change leaves at the names it writes to (the applied records there, then the change's steps
 * in order), before a job exists; the worker checks it again against the zone as it is when the job is applied
 * (which also sees changes queued but not yet applied).
 */
final class CnameExclusivity {

    private CnameExclusivity() {}

    /**
     * The errors of {@code changes} against {@code current} (the applied records at the names the changes
     * write to), each under {@code field.apply(index of the change)}.
     */
    static List<FieldError> check(
            List<DnsRecord> current, List<ApplyDnsChanges.Change> changes, IntFunction<String> field) {
        Map<String, DnsRecord> after = new LinkedHashMap<>();
        current.forEach(r -> after.put(r.id(), r));
        for (ApplyDnsChanges.Change change : changes) {
            if (change.op().equals("delete")) {
                after.remove(change.id());
            } else if (change.record() != null) {
                after.put(change.id(), change.record());
            }
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            DnsRecord written = changes.get(i).record();
            if (written == null || !after.containsKey(changes.get(i).id())) {
                continue;
            }
            List<DnsRecord> atName = after.values().stream()
                    .filter(r -> r.name().equals(written.name()))
                    .toList();
            long cnames = atName.stream().filter(r -> r.type().equals("CNAME")).count();
            if (cnames > 0 && atName.size() > 1) {
                errors.add(new FieldError(
                        field.apply(i),
                        ErrorCodes.CNAME_NOT_EXCLUSIVE,
                        cnames > 1
                                ? "A name has at most one CNAME; " + written.name() + " would have " + cnames + "."
                                : "A CNAME cannot share its name (" + written.name() + ") with other records."));
            }
        }
        return errors;
    }

    /** The names {@code changes} write a CNAME to: every record there matters. */
    static List<String> cnameNames(List<ApplyDnsChanges.Change> changes) {
        return changes.stream()
                .filter(c -> c.record() != null && c.record().type().equals("CNAME"))
                .map(c -> c.record().name())
                .distinct()
                .toList();
    }

    /** The names {@code changes} write other records to: only a CNAME there matters (when none is written there). */
    static List<String> otherNames(List<ApplyDnsChanges.Change> changes) {
        List<String> cnames = cnameNames(changes);
        return changes.stream()
                .filter(c -> c.record() != null && !cnames.contains(c.record().name()))
                .map(c -> c.record().name())
                .distinct()
                .toList();
    }
}
