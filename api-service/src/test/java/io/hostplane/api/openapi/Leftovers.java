package io.hostplane.api.openapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * What the API has stored, sent and written, taken before and after a request so that the difference is what
 * the request left behind: rows of every table in the {@code api} schema (and how many of them are in each
 * {@code status}/{@code state}, and revoked), the end offsets of the topics the API sends commands on, and the
 * files under the directories it is configured with.
 *
 * <p>What others change while a request runs is left out, each for its reason: the status of jobs other than
 * {@code cancelled} (the audit service executes replay jobs and their events move them on), the callback tables
 * and the webhook delivery attempts (the dispatcher delivers asynchronously: a delivery a case made is attempted
 * while later cases run; the deliveries themselves are counted), outbox rows going away (each is deleted once
 * published), and the tenants' rate-limit windows (every request counts against its tenant's limit, a refused one too: that is the
 * limit's bookkeeping, not something the request made).
 */
final class Leftovers implements AutoCloseable {

    private static final Set<String> LEFT_OUT_TABLES = Set.of(
            "api.job_callbacks",
            "api.job_callback_attempts",
            "api.webhook_delivery_attempts",
            "api.tenant_rate_windows");
    private static final Set<String> SHRINKS_BY_ITSELF = Set.of("api.outbox");

    /** Row counts by metric, end offsets by partition, files by path below the watched directory. */
    record Snapshot(Map<String, Long> rows, Map<TopicPartition, Long> offsets, Set<String> files) {}

    private final Connection db;
    private final String countQuery;
    private final Admin kafka;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Path watched;

    Leftovers(String jdbcUrl, String user, String password, String bootstrapServers, List<String> topics, Path watched)
            throws SQLException {
        this.db = DriverManager.getConnection(jdbcUrl, user, password);
        this.countQuery = countQuery(db);
        this.kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        partitions.addAll(endOffsets(kafka, topics).keySet());
        this.watched = watched;
    }

    /** The end offset of every partition of {@code topics}. */
    static Map<TopicPartition, Long> endOffsets(Admin kafka, List<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (String topic : topics) {
                kafka.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            return offsets(kafka, latest);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin kafka, Map<TopicPartition, OffsetSpec> specs)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        Map<TopicPartition, Long> offsets = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        kafka.listOffsets(specs).all().get().forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    /**
     * One query for all metrics: {@code count(*)} of each table, and per table with a {@code status} or
     * {@code state} column the rows in each, and with {@code revoked_at} the revoked ones.
     */
    private static String countQuery(Connection db) throws SQLException {
        Map<String, List<String>> columns = new TreeMap<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("select c.table_schema || '.' || c.table_name, c.column_name"
                        + " from information_schema.columns c join information_schema.tables t"
                        + " on t.table_schema = c.table_schema and t.table_name = c.table_name"
                        + " where c.table_schema = 'api' and t.table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        List<String> parts = new ArrayList<>();
        columns.forEach((table, names) -> {
            if (LEFT_OUT_TABLES.contains(table)) {
                return;
            }
            parts.add("select '" + table + "', count(*) from " + table);
            for (String column : List.of("status", "state")) {
                if (!names.contains(column)) {
                    continue;
                }
                String filter = table.equals("api.jobs") ? " where status = 'cancelled'" : "";
                parts.add("select '" + table + "[" + column + "=' || " + column + " || ']', count(*) from " + table
                        + filter + " group by " + column);
            }
            if (names.contains("revoked_at")) {
                parts.add("select '" + table + "[revoked]', count(revoked_at) from " + table);
            }
        });
        return String.join(" union all ", parts);
    }

    Snapshot snapshot() {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        var offsets = kafka.listOffsets(latest).all(); // asked first: the broker answers while the database counts
        Map<String, Long> rows = new TreeMap<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(countQuery)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        try {
            offsets.get().forEach((p, info) -> ends.put(p, info.offset()));
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return new Snapshot(rows, ends, files());
    }

    private Set<String> files() {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(watched)) {
            walk.filter(p -> !p.equals(watched))
                    .forEach(p -> files.add(watched.relativize(p) + (Files.isDirectory(p) ? "/" : "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Rows that appeared (or went), records sent: one line each, e.g. {@code api.jobs +1}. */
    static List<String> changes(Snapshot before, Snapshot after) {
        List<String> changes = new ArrayList<>();
        Set<String> metrics = new TreeSet<>(before.rows().keySet());
        metrics.addAll(after.rows().keySet());
        for (String metric : metrics) {
            long delta = after.rows().getOrDefault(metric, 0L) - before.rows().getOrDefault(metric, 0L);
            boolean wholeTable = !metric.contains("[");
            if (delta > 0 || (delta < 0 && wholeTable && !SHRINKS_BY_ITSELF.contains(metric))) {
                changes.add(metric + (delta > 0 ? " +" : " ") + delta);
            }
        }
        Map<String, Long> records = new TreeMap<>();
        after.offsets().forEach((partition, end) -> {
            long delta = end - before.offsets().getOrDefault(partition, end);
            if (delta != 0) {
                records.merge(partition.topic(), delta, Long::sum);
            }
        });
        records.forEach((topic, n) -> changes.add(topic + " +" + n + " record(s)"));
        return changes;
    }

    /** Files and directories that were not there before. */
    static List<String> newFiles(Snapshot before, Snapshot after) {
        List<String> created = new ArrayList<>(after.files());
        created.removeAll(before.files());
        return created;
    }

    @Override
    public void close() throws SQLException {
        kafka.close();
        db.close();
    }
}
