package io.hostplane.api.backups;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Backups in {@code api.backups}, with the status of a pending one's job folded in. */
@Repository
class BackupStore {

    private static final String SELECT = "select b.id, b.tenant_id, b.domain, b.label, b.job_id, b.archive, b.size, "
            + "b.sha256, b.file_count, b.total_size, b.created_at, b.completed_at, "
            + "case when b.status = 'pending' and j.status in ('failed', 'cancelled') then 'failed' "
            + "else b.status end as shown_status "
            + "from api.backups b left join api.job_states j on j.id = b.job_id ";

    private final DatabaseClient db;

    BackupStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<BackupView.Stored> find(UUID id) {
        return db.sql(SELECT + "where b.id = :id")
                .bind("id", id)
                .map((row, meta) -> stored(row))
                .one();
    }

    /** Newest first; {@code tenant} null for every tenant (the operator), {@code domain} null for every domain. */
    Flux<BackupView.Stored> list(String tenant, String domain, UUID before, int limit) {
        String sql = SELECT + "where true"
                + (tenant == null ? "" : " and b.tenant_id = :tenant")
                + (domain == null ? "" : " and b.domain = :domain")
                + (before == null ? "" : " and b.id < :before")
                + " order by b.id desc limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("limit", limit);
        if (tenant != null) {
            spec = spec.bind("tenant", tenant);
        }
        if (domain != null) {
            spec = spec.bind("domain", domain);
        }
        if (before != null) {
            spec = spec.bind("before", before);
        }
        return spec.map((row, meta) -> stored(row)).all();
    }

    Mono<Void> insertPending(UUID id, String tenant, String domain, String label, UUID jobId) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(
                        "insert into api.backups (id, tenant_id, domain, label, status, job_id) "
                                + "values (:id, :tenant, :domain, :label, 'pending', :job)")
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("domain", domain)
                .bind("job", jobId);
        spec = label == null ? spec.bindNull("label", String.class) : spec.bind("label", label);
        return spec.then();
    }

    /** The backup's archive exists: it becomes {@code available} (unless it is being deleted already). */
    Mono<Void> available(UUID id, String archive, long size, String sha256, int fileCount, long totalSize) {
        return db.sql("update api.backups set status = case when status = 'pending' then 'available' else status end, "
                        + "archive = :archive, size = :size, sha256 = :sha, file_count = :files, "
                        + "total_size = :total, completed_at = now() where id = :id")
                .bind("id", id)
                .bind("archive", archive)
                .bind("size", size)
                .bind("sha", sha256)
                .bind("files", fileCount)
                .bind("total", totalSize)
                .then();
    }

    /** Marks the backup as being deleted; false if it is not there, or still being made. */
    Mono<Boolean> markDeleting(UUID id) {
        return db.sql("update api.backups b set status = 'deleting' where id = :id and (status in "
                        + "('available', 'deleting') or (status = 'pending' and exists (select 1 from api.job_states j "
                        + "where j.id = b.job_id and j.status in ('failed', 'cancelled'))))")
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Removes the rows of the tenant's backups {@code ids} (deleted or pruned by the worker). */
    Mono<Void> delete(String tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("delete from api.backups where tenant_id = :tenant and id = any(:ids)")
                .bind("tenant", tenant)
                .bind("ids", ids.toArray(UUID[]::new))
                .then();
    }

    private static BackupView.Stored stored(Readable row) {
        OffsetDateTime completed = row.get("completed_at", OffsetDateTime.class);
        BackupView view = new BackupView(
                row.get("id", UUID.class).toString(),
                row.get("domain", String.class),
                row.get("label", String.class),
                row.get("shown_status", String.class),
                row.get("size", Long.class),
                row.get("sha256", String.class),
                row.get("file_count", Integer.class),
                row.get("total_size", Long.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                completed == null ? null : completed.toInstant(),
                row.get("job_id", UUID.class).toString());
        return new BackupView.Stored(view, row.get("tenant_id", String.class), row.get("archive", String.class));
    }
}
