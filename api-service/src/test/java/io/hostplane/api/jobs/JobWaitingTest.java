package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.testing.CountedStatements;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.embedded.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Waiting pollers and the notifications that wake them, driven directly (the folder's own entry point, the waiter's
 * own registration) against the real PostgreSQL, with the once-a-second sweep switched off: whatever answers a
 * waiter here is a fold's hand-on, a notification, or the read after the listening connection came back.
 */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            ApiApplication.CONFIG_NAME,
            "hostplane.tokens.pepper=test-pepper-0123456789abcdefghijklmnop",
            "hostplane.jobs.wait-sweep-interval-ms=3600000"
        })
@Import(CountedStatements.class)
class JobWaitingTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    private static final String TYPE = "test.wait";

    @Autowired
    JobChanges changes;

    @Autowired
    JobStore store;

    @Autowired
    JobEventFolder folder;

    @Autowired
    JobNotifications notifications;

    @Autowired
    JobService jobService;

    @Autowired
    EventCodec codec;

    @Autowired
    MeterRegistry meters;

    final TestInfrastructure infra = TestInfrastructure.shared();
    final String tenant = "t_wait_" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aFoldCommittedBetweenTheWaitersRegistrationAndItsReadIsNotLost() throws Exception {
        UUID job = queuedJobs(1).get(0);
        double onChange = answers("on_change");
        // The read gives the job as it was, and only then does the fold commit (and hand the job on): the moment a
        // waiter that registered after its read would miss.
        Mono<JobView> readThenFold =
                store.find(job).flatMap(first -> foldedAside(job).thenReturn(first));

        JobView answer = changes.await(
                        job,
                        readThenFold,
                        JobChanges.Until.TERMINAL,
                        first -> false,
                        Duration.ofSeconds(30),
                        Mono.error(new AssertionError("the wait ended: the fold's hand-on was lost")))
                .block(Duration.ofSeconds(40));

        assertThat(answer.status()).isEqualTo(JobStatus.FAILED);
        assertThat(answers("on_change") - onChange).isEqualTo(1);
        assertThat(changes.watched()).isZero();
    }

    @Test
    void withTheReadBeforeTheRegistrationTheSameFoldIsLost() throws Exception {
        // The order JobChanges.await must not have, built from the same parts: nothing hands the fold on to a waiter
        // that registers after it, and the request holds for its whole wait.
        UUID job = queuedJobs(1).get(0);
        Mono<JobView> readThenFold =
                store.find(job).flatMap(first -> foldedAside(job).thenReturn(first));
        JobView answer = readThenFold
                .flatMap(first -> Mono.using(
                        () -> changes.register(job.toString()),
                        waiter -> waiter.views()
                                .filter(now -> now.status().isTerminal())
                                .next()
                                .timeout(Duration.ofSeconds(2), Mono.just(first)),
                        JobChanges.Waiter::close))
                .block(Duration.ofSeconds(20));
        assertThat(answer.status()).as("answered at the end of the wait").isEqualTo(JobStatus.QUEUED);
        assertThat(store.find(job).block().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void untilTerminalHoldsThroughRunningAndUntilChangeDoesNot() throws Exception {
        UUID job = queuedJobs(1).get(0);
        var terminal = waiting(job, JobChanges.Until.TERMINAL, Duration.ofSeconds(30), neverEnds());
        var change = waiting(job, JobChanges.Until.CHANGE, Duration.ofSeconds(30), neverEnds());
        fold(event(job, JobStatus.RUNNING));
        assertThat(change.get().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(terminal).isNotDone();
        fold(event(job, JobStatus.FAILED));
        assertThat(terminal.get().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aFoldNamesItsMovedJobsInOneStatementAndPayloadsUnder8000Bytes() throws Exception {
        List<UUID> jobs = queuedJobs(400);
        try (Connection listener = connection()) {
            listen(listener);
            int before = notifyStatements();
            fold(jobs.stream().map(job -> event(job, JobStatus.FAILED)).toList());
            assertThat(notifyStatements() - before).isEqualTo(1);

            // 400 jobs at 22 characters each need two payloads; both come from that one statement.
            List<String> payloads = ours(listener, 2);
            Set<UUID> named = new HashSet<>();
            for (String payload : payloads) {
                assertThat(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                        .isLessThan(8000);
                named.addAll(JobNotifications.parse(payload).jobs());
            }
            assertThat(named).containsExactlyInAnyOrderElementsOf(jobs);

            // The same events again (a redelivery) move nothing: no statement, no notification.
            fold(jobs.stream().map(job -> event(job, JobStatus.FAILED)).toList());
            assertThat(notifyStatements() - before).isEqualTo(1);

            // One job: one statement, one notification.
            UUID one = queuedJobs(1).get(0);
            fold(List.of(event(one, JobStatus.RUNNING)));
            assertThat(notifyStatements() - before).isEqualTo(2);
            List<String> single = ours(listener, 1);
            assertThat(JobNotifications.parse(single.get(0)).jobs()).containsExactly(one);
            assertThat(ours(listener, 0)).as("nothing more").isEmpty();
        }
    }

    @Test
    void aCancelNamesItsJobToo() throws Exception {
        UUID job = queuedJobs(1).get(0);
        try (Connection listener = connection()) {
            listen(listener);
            int before = notifyStatements();
            // Through the service, as POST /jobs/{id}/cancel does.
            jobService.cancel(store.find(job).block()).block(Duration.ofSeconds(20));
            assertThat(notifyStatements() - before).isEqualTo(1);
            assertThat(JobNotifications.parse(ours(listener, 1).get(0)).jobs()).containsExactly(job);
        }
    }

    @Test
    void anotherReplicasNotificationWakesAWaiterAndThisReplicasOwnIsIgnored() throws Exception {
        UUID job = queuedJobs(1).get(0);
        double heard = notificationsHeard();
        var waiter = waiting(job, JobChanges.Until.TERMINAL, Duration.ofSeconds(30), neverEnds());
        // What another replica's fold does: the row moves and the notification goes with the commit.
        failWithNotification(job, "another-one");
        assertThat(waiter.get().status()).isEqualTo(JobStatus.FAILED);
        assertThat(notificationsHeard() - heard).isEqualTo(1);

        // The same under this replica's own id is taken for what it is: handed on here already.
        UUID second = queuedJobs(1).get(0);
        double atWaitEnd = answers("at_wait_end");
        double onChange = answers("on_change");
        var held = waiting(second, JobChanges.Until.TERMINAL, Duration.ofSeconds(3), store.find(second));
        failWithNotification(second, notifications.replica());
        assertThat(held.get().status()).isEqualTo(JobStatus.FAILED);
        assertThat(answers("at_wait_end") - atWaitEnd)
                .as("answered when the wait ended")
                .isEqualTo(1);
        assertThat(answers("on_change") - onChange).isZero();
        assertThat(notificationsHeard() - heard).isEqualTo(1);
    }

    @Test
    void aLostListeningConnectionIsReopenedAndWhatChangedMeanwhileIsHandedOn() throws Exception {
        UUID job = queuedJobs(1).get(0);
        double listens = listens();
        var waiter = waiting(job, JobChanges.Until.TERMINAL, Duration.ofSeconds(30), neverEnds());
        // A change whose notification this replica never hears (sent while it did not listen)...
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement(FAIL)) {
            s.setObject(1, job);
            s.executeUpdate();
        }
        // ...and then the listening connection is lost.
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            s.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                    + "where datname = current_database() and query = 'LISTEN " + JobNotifications.CHANNEL + "'");
        }
        await("listening again")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> listens() > listens);
        // Listening again, the replica reads the jobs waited on here once: the change is handed on.
        assertThat(waiter.get().status()).isEqualTo(JobStatus.FAILED);

        // And it hears the other replicas again.
        UUID next = queuedJobs(1).get(0);
        var again = waiting(next, JobChanges.Until.TERMINAL, Duration.ofSeconds(30), neverEnds());
        failWithNotification(next, "another-one");
        assertThat(again.get().status()).isEqualTo(JobStatus.FAILED);
        assertThat(notifications.listening()).isTrue();
    }

    private static final String FAIL = "update api.jobs set status = 'failed', finished_at = now() where id = ?";

    /**
     * A waiter on {@code job} as {@link JobChanges#await} makes it, returned once its first read has answered (so
     * that a change the test makes next comes after that read).
     */
    private CompletableFuture<JobView> waiting(UUID job, JobChanges.Until until, Duration wait, Mono<JobView> atEnd)
            throws InterruptedException {
        CountDownLatch read = new CountDownLatch(1);
        CompletableFuture<JobView> answer = changes.await(
                        job, store.find(job).doOnNext(first -> read.countDown()), until, first -> false, wait, atEnd)
                .toFuture();
        assertThat(read.await(20, TimeUnit.SECONDS)).isTrue();
        return answer;
    }

    private static Mono<JobView> neverEnds() {
        return Mono.error(new AssertionError("the wait ended: nothing handed the change on"));
    }

    /** What another replica's fold does (as {@code replica}): the row moves, and the notification goes at commit. */
    private void failWithNotification(UUID job, String replica) throws Exception {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(FAIL)) {
                s.setObject(1, job);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("select pg_notify(?, ?)")) {
                s.setString(1, JobNotifications.CHANNEL);
                s.setString(2, JobNotifications.payloads(replica, List.of(job)).get(0));
                s.execute();
            }
            c.commit();
        }
    }

    /** The statements run so far that send notifications ({@code pg_notify}). */
    private static int notifyStatements() {
        return CountedStatements.matching(sql -> sql.contains("pg_notify"));
    }

    private double listens() {
        return meters.get("hostplane.jobs.wait.listens").counter().count();
    }

    /** The fold of {@code job}'s failure, run on another thread (a fold blocks) while the caller's read waits. */
    private Mono<Void> foldedAside(UUID job) {
        return Mono.<Void>fromRunnable(() -> fold(event(job, JobStatus.FAILED)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private void fold(CloudEvent event) {
        fold(List.of(event));
    }

    private void fold(List<CloudEvent> events) {
        folder.onJobEvents(events.stream().map(codec::write).toList());
    }

    private CloudEvent event(UUID job, JobStatus status) {
        return codec.event(
                "/test-worker",
                EventTypes.job(status),
                "x",
                tenant,
                null,
                job.toString(),
                null,
                new JobStateChanged(
                        job.toString(),
                        TYPE,
                        status,
                        1,
                        List.of(),
                        status == JobStatus.FAILED ? new JobError("TEST", "failed on purpose") : null,
                        null));
    }

    private List<UUID> queuedJobs(int n) throws Exception {
        List<UUID> jobs = new ArrayList<>();
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement("insert into api.jobs (id, tenant_id, type, status, resource) "
                        + "values (?, ?, ?, 'queued', 'test/wait')")) {
            for (int i = 0; i < n; i++) {
                UUID id = UUID.randomUUID();
                s.setObject(1, id);
                s.setString(2, tenant);
                s.setString(3, TYPE);
                s.addBatch();
                jobs.add(id);
            }
            s.executeBatch();
        }
        return jobs;
    }

    private double answers(String when) {
        return meters.get("hostplane.jobs.wait.answers")
                .tag("when", when)
                .counter()
                .count();
    }

    private double notificationsHeard() {
        return meters.get("hostplane.jobs.wait.notifications")
                .tag("direction", "heard")
                .counter()
                .count();
    }

    private Connection connection() throws Exception {
        return DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
    }

    private static void listen(Connection connection) throws Exception {
        try (Statement s = connection.createStatement()) {
            s.execute("LISTEN " + JobNotifications.CHANNEL);
        }
    }

    /**
     * This replica's notifications heard on {@code listener}: {@code expected} of them (waiting up to 20 s), then
     * whatever else arrives within a further half second (so that a count above {@code expected} shows).
     */
    private List<String> ours(Connection listener, int expected) throws Exception {
        PGConnection pg = listener.unwrap(PGConnection.class);
        List<String> found = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (found.size() < expected && System.nanoTime() < deadline) {
            collect(pg.getNotifications(200), found);
        }
        collect(pg.getNotifications(500), found);
        assertThat(found).hasSize(expected);
        return found;
    }

    private void collect(PGNotification[] heard, List<String> into) {
        if (heard == null) {
            return;
        }
        for (PGNotification notification : heard) {
            if (notification.getParameter().startsWith(notifications.replica() + ":")) {
                into.add(notification.getParameter());
            }
        }
    }
}
