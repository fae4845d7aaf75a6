package io.hostplane.worker.system;

import io.hostplane.common.envelope.ErrorCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies consecutive started jobs of one resource (see {@link CommandGroupHandler}) together — a single one too,
 * through the same path (one transaction with its warnings, on the DNS store) — and each gets its own end, as it
 * would have alone.
 *
 * <p>A transient fault retries the whole group with backoff, up to the attempts a single job has, and then fails
 * each job with {@code BACKEND_ERROR}, as it would have alone. Any other failure of the group as a whole (the
 * backend rejected the combined change, or something unexpected) splits it: each job is applied alone, in order,
 * and gets the end it would have had without the others.
 *
 * <p>Each job keeps its own span and log context ({@link JobTracing}), entered around every step on that job.
 */
@Component
class JobGroupRunner {

    private static final Logger log = LoggerFactory.getLogger(JobGroupRunner.class);

    private final JobRunner runner;

    JobGroupRunner(JobRunner runner) {
        this.runner = runner;
    }

    /** Applies {@code jobs} (started, in offset order) together where the handler can; one end per job, in order. */
    List<JobEnd> apply(
            CommandGroupHandler handler,
            String key,
            List<ReceivedCommand> jobs,
            Map<ReceivedCommand, JobTracing.JobTrace> traces) {
        List<JobEnd> ends = new ArrayList<>();
        List<ReceivedCommand> rest = jobs;
        int attempt = 1;
        while (!rest.isEmpty()) {
            List<JobResult> results;
            try {
                results = handler.handleTogether(
                        rest.stream().map(ReceivedCommand::command).toList());
            } catch (TransientBackendException fault) {
                if (attempt >= runner.maxAttempts()) {
                    for (ReceivedCommand job : rest) {
                        ends.add(JobEnd.failed(
                                job, attempt, ErrorCodes.BACKEND_ERROR, JobRunner.backendFailed(attempt, fault)));
                    }
                    return ends;
                }
                runner.pause("group of " + rest.size() + " jobs on " + key, attempt, fault.getMessage());
                attempt++;
                continue;
            } catch (JobFailure failure) {
                if (rest.size() == 1) {
                    ends.add(JobEnd.of(rest.get(0), attempt, JobResult.failed(failure)));
                    return ends;
                }
                log.info(
                        "{} jobs on {} could not be applied together ({}); applying each alone",
                        rest.size(),
                        key,
                        failure.getMessage());
                results = List.of();
            } catch (RuntimeException groupFailed) {
                if (JobRunner.isInfrastructure(groupFailed)) {
                    throw groupFailed;
                }
                if (rest.size() > 1) {
                    log.info(
                            "{} jobs on {} could not be applied together ({}); applying each alone",
                            rest.size(),
                            key,
                            groupFailed.getMessage());
                }
                results = List.of();
            }
            if (results.isEmpty()) {
                break;
            }
            if (rest.size() > 1) {
                log.info("{} of {} jobs on {} applied together", results.size(), rest.size(), key);
            }
            for (int i = 0; i < results.size(); i++) {
                ends.add(JobEnd.of(rest.get(i), attempt, results.get(i)));
            }
            rest = rest.subList(results.size(), rest.size());
            attempt = 1;
        }
        for (ReceivedCommand job : rest) {
            try (JobTracing.Scope in = traces.get(job).enter()) {
                ends.add(runner.apply(job));
            }
        }
        return ends;
    }
}
