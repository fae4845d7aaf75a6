package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.system.JobFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker's copy of every zone's records, with the ids the API gave them ({@code worker.local_zones},
 * {@code worker.local_records}; the names predate the other backends). It is the {@code local} backend's
 * whole state and, for {@code powerdns} and {@code rfc2136}, the source of truth for record ids: a DNS server
 * knows records by content, not by id.
 *
 * <p>Each change runs in one transaction with the zone's row locked (a savepoint, when the worker applies it inside
 * its poll's transaction). Before it commits, the {@link Publisher}
 * receives the desired state of every rrset (name and type) the change touched; if publishing throws, the
 * transaction rolls back and the store is as before. If the server took the change but the commit fails, the
 * redelivered command publishes the same desired state again, which changes nothing more.
 */
@Repository
class DnsRecordStore {

    private static final RowMapper<DnsRecord> RECORD = (rs, n) -> new DnsRecord(
            rs.getString("id"),
            rs.getString("name"),
            rs.getString("type"),
            rs.getInt("ttl"),
            rs.getString("content"),
            (Integer) rs.getObject("priority"));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DnsWarnings warnings;

    DnsRecordStore(JdbcTemplate jdbc, TransactionTemplate tx, DnsWarnings warnings) {
        this.jdbc = jdbc;
        // A change of its own, or a savepoint when the worker runs it inside a larger transaction (its poll's, with
        // the outcomes): what fails a change rolls back that change alone.
        this.tx = new TransactionTemplate(tx.getTransactionManager());
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.warnings = warnings;
    }

    /** One rrset touched by a change: its records before and after it (empty when there are none). */
    record RrsetChange(String name, String type, List<DnsRecord> before, List<DnsRecord> after) {}

    /** Makes the server match the desired state of the touched rrsets; throws to roll the change back. */
    @FunctionalInterface
    interface Publisher {

        Publisher NONE = (zone, changes) -> {};

        void publish(String zone, List<RrsetChange> changes);
    }

    /** Adds the zone if it is not there yet. */
    void addZone(String tenant, String zone) {
        jdbc.update(
                "insert into worker.local_zones (zone, tenant_id) values (?, ?) on conflict (zone) do nothing",
                zone,
                tenant);
    }

    /** Removes the zone and its records, if it exists. */
    void deleteZone(String zone) {
        jdbc.update("delete from worker.local_zones where zone = ?", zone);
    }

    /** See {@link DnsBackend#createRecord}. */
    DnsBackend.Applied createRecord(String zone, DnsRecord record, Publisher publisher) {
        return tx.execute(status -> {
            lockZone(zone);
            Touched touched = new Touched(zone, publisher);
            DnsBackend.Applied applied = create(zone, record, touched).applied();
            finish(zone, touched, publisher);
            return applied;
        });
    }

    /** See {@link DnsBackend#applyBatch}. */
    List<ApplyDnsChanges.Change> applyBatch(String zone, List<ApplyDnsChanges.Change> changes, Publisher publisher) {
        return tx.execute(status -> {
            lockZone(zone);
            Touched touched = new Touched(zone, publisher);
            List<ApplyDnsChanges.Change> applied = apply(zone, changes, touched);
            finish(zone, touched, publisher);
            return applied;
        });
    }

    /**
     * See {@link DnsBackend#applyTogether}: one transaction with the zone locked; each job in a savepoint of its
     * own, so that a job that fails rolls back alone; its warnings read right after its step, before the next
     * job's, as they would be alone; then one publication of every rrset the applied jobs touched. If that
     * throws, everything rolls back. A single job is its own transaction, warnings included: one commit.
     */
    List<ZoneChange.Result> applyTogether(String zone, List<ZoneChange> jobs, Publisher publisher) {
        if (jobs.size() == 1) {
            // One job: its transaction is the job's own, no savepoint needed; what fails it rolls it back.
            try {
                return tx.execute(status -> {
                    lockZone(zone);
                    Touched touched = new Touched(zone, publisher);
                    ZoneChange.Result result = step(zone, jobs.get(0), touched);
                    finish(zone, touched, publisher);
                    return List.of(result);
                });
            } catch (JobFailure failure) {
                return List.of(new ZoneChange.Result(null, null, List.of(), failure));
            }
        }
        TransactionTemplate savepoint = new TransactionTemplate(tx.getTransactionManager());
        savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        return tx.execute(status -> {
            lockZone(zone);
            Touched all = new Touched(zone, publisher);
            List<ZoneChange.Result> results = new ArrayList<>();
            for (ZoneChange job : jobs) {
                Touched touched = new Touched(zone, publisher);
                try {
                    results.add(savepoint.execute(s -> step(zone, job, touched)));
                    all.add(touched);
                } catch (JobFailure failure) {
                    results.add(new ZoneChange.Result(null, null, List.of(), failure));
                }
            }
            finish(zone, all, publisher);
            return results;
        });
    }

    private ZoneChange.Result step(String zone, ZoneChange job, Touched touched) {
        if (job.create() != null) {
            Created created = create(zone, job.create(), touched);
            return new ZoneChange.Result(
                    created.applied(), null, warnings.afterCreate(zone, created.applied(), created.known()), null);
        }
        List<ApplyDnsChanges.Change> applied = apply(zone, job.changes(), touched);
        return new ZoneChange.Result(null, applied, warnings.afterChanges(zone, applied), null);
    }

    /** A created record, and whether the name beside it that its warnings ask about exists (read with it). */
    private record Created(DnsBackend.Applied applied, Map<String, Boolean> known) {}

    private Created create(String zone, DnsRecord record, Touched touched) {
        // One read: the records already at the name (usually none or a few), enough to find an identical one and to
        // keep a CNAME alone at its name; and those at the wildcard beside it, which its warnings ask about.
        String sibling = record.name().equals("@") || record.name().startsWith("*")
                ? null
                : DnsWarnings.wildcardBeside(record.name());
        List<DnsRecord> read = jdbc.query(
                "select id, name, type, ttl, content, priority from worker.local_records "
                        + "where zone = ? and (name = ? or name = ?) and id <> ? order by id",
                RECORD,
                zone,
                record.name(),
                sibling == null ? record.name() : sibling,
                UUID.fromString(record.id()));
        List<DnsRecord> atName =
                read.stream().filter(r -> r.name().equals(record.name())).toList();
        Map<String, Boolean> known = sibling == null
                ? Map.of()
                : Map.of(sibling, read.stream().anyMatch(r -> r.name().equals(sibling)));
        for (DnsRecord other : atName) {
            if (other.type().equals(record.type())
                    && other.content().equals(record.content())
                    && Objects.equals(other.priority(), record.priority())) {
                return new Created(
                        new DnsBackend.Applied(
                                other,
                                List.of(new Warning(
                                        "DNS",
                                        ErrorCodes.RECORD_EXISTS,
                                        "An identical " + record.type() + " record for " + record.name()
                                                + " already exists; nothing was changed."))),
                        known);
            }
        }
        if (!atName.isEmpty()
                && (record.type().equals("CNAME") || atName.stream().anyMatch(DnsRecordStore::isCname))) {
            throw cnameNotExclusive(record.name());
        }
        touched.before(record.name(), record.type());
        insert(zone, record);
        return new Created(new DnsBackend.Applied(record, List.of()), known);
    }

    private static boolean isCname(DnsRecord r) {
        return r.type().equals("CNAME");
    }

    /**
     * RFC 1034 3.6.2 / RFC 2181 10.1: a name with a CNAME has no other record. The API checks it against the
     * records it knows of before it accepts a change; the worker checks it against the zone as it is when the change
     * is applied, which also catches changes that were queued together.
     */
    private static JobFailure cnameNotExclusive(String name) {
        return new JobFailure(
                ErrorCodes.CNAME_NOT_EXCLUSIVE,
                "A CNAME must be alone at its name; " + name + " would have a CNAME beside other records. Nothing was"
                        + " changed.");
    }

    /** Fails the change if it leaves a CNAME beside other records at one of {@code names}. */
    private void checkCnamesAlone(String zone, Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> shared = jdbc.queryForList(
                "select name from worker.local_records where zone = ? and name = any(?) group by name "
                        + "having count(*) > 1 and count(*) filter (where type = 'CNAME') > 0 order by name limit 1",
                String.class,
                zone,
                names.toArray(String[]::new));
        if (!shared.isEmpty()) {
            throw cnameNotExclusive(shared.get(0));
        }
    }

    private List<ApplyDnsChanges.Change> apply(String zone, List<ApplyDnsChanges.Change> changes, Touched touched) {
        List<ApplyDnsChanges.Change> applied = new ArrayList<>();
        Set<String> written = new LinkedHashSet<>();
        for (int i = 0; i < changes.size(); i++) {
            ApplyDnsChanges.Change change = changes.get(i);
            switch (change.op()) {
                case "create" -> {
                    DnsRecord r = change.record();
                    touched.before(r.name(), r.type());
                    insert(zone, r);
                    written.add(r.name());
                }
                case "replace" -> {
                    DnsRecord old = find(zone, change.id());
                    if (old == null) {
                        // Rolls the whole batch back.
                        throw new JobFailure(
                                ErrorCodes.RECORD_NOT_FOUND,
                                "changes[" + i + "]: record " + change.id() + " does not exist; nothing was changed.");
                    }
                    DnsRecord r = change.record();
                    touched.before(old.name(), old.type());
                    touched.before(r.name(), r.type());
                    jdbc.update(
                            "update worker.local_records set name = ?, type = ?, ttl = ?, content = ?, "
                                    + "priority = ? where id = ? and zone = ?",
                            r.name(),
                            r.type(),
                            r.ttl(),
                            r.content(),
                            r.priority(),
                            UUID.fromString(change.id()),
                            zone);
                    written.add(r.name());
                }
                case "delete" -> {
                    DnsRecord old = find(zone, change.id());
                    if (old != null) {
                        touched.before(old.name(), old.type());
                        jdbc.update(
                                "delete from worker.local_records where id = ? and zone = ?",
                                UUID.fromString(change.id()),
                                zone);
                    }
                }
                default ->
                    throw new JobFailure(
                            ErrorCodes.INVALID_CHANGE, "changes[" + i + "]: unknown op " + change.op() + ".");
            }
            applied.add(change);
        }
        checkCnamesAlone(zone, written);
        return applied;
    }

    private void finish(String zone, Touched touched, Publisher publisher) {
        if (publisher == Publisher.NONE) {
            return;
        }
        List<RrsetChange> rrsets = touched.after();
        if (!rrsets.isEmpty()) {
            publisher.publish(zone, rrsets);
        }
    }

    /**
     * Locks the zone's row for the change and counts the change in its serial, in one statement: one change of a
     * zone at a time, and a zone that does not exist fails the job.
     */
    private void lockZone(String zone) {
        if (jdbc.update("update worker.local_zones set serial = serial + 1 where zone = ?", zone) == 0) {
            throw new JobFailure(ErrorCodes.ZONE_NOT_FOUND, "Zone " + zone + " does not exist on the DNS backend.");
        }
    }

    private void insert(String zone, DnsRecord r) {
        jdbc.update(
                "insert into worker.local_records (id, zone, name, type, ttl, content, priority) "
                        + "values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
                UUID.fromString(r.id()),
                zone,
                r.name(),
                r.type(),
                r.ttl(),
                r.content(),
                r.priority());
    }

    private DnsRecord find(String zone, String id) {
        List<DnsRecord> found = jdbc.query(
                "select id, name, type, ttl, content, priority from worker.local_records where id = ? and zone = ?",
                RECORD,
                UUID.fromString(id),
                zone);
        return found.isEmpty() ? null : found.get(0);
    }

    private List<DnsRecord> rrset(String zone, String name, String type) {
        return jdbc.query(
                "select id, name, type, ttl, content, priority from worker.local_records "
                        + "where zone = ? and name = ? and type = ? order by id",
                RECORD,
                zone,
                name,
                type);
    }

    /**
     * The rrsets a change touches, each with its records as they were before the change's first step on it: what a
     * publisher needs. Without one (the {@code local} backend) nothing is read.
     */
    private final class Touched {

        private final String zone;
        private final boolean read;
        private final Map<List<String>, List<DnsRecord>> before = new LinkedHashMap<>();

        Touched(String zone, Publisher publisher) {
            this.zone = zone;
            this.read = publisher != Publisher.NONE;
        }

        void before(String name, String type) {
            if (read) {
                before.computeIfAbsent(List.of(name, type), key -> rrset(zone, name, type));
            }
        }

        /** Adds what a later step touched; an rrset touched before keeps its earlier state. */
        void add(Touched later) {
            later.before.forEach(before::putIfAbsent);
        }

        List<RrsetChange> after() {
            List<RrsetChange> changes = new ArrayList<>();
            before.forEach((key, old) ->
                    changes.add(new RrsetChange(key.get(0), key.get(1), old, rrset(zone, key.get(0), key.get(1)))));
            return changes;
        }
    }
}
