package io.hostplane.worker.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.platform.LogFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Runs consecutive commands of one resource (see {@link CommandGroupHandler}) together. Each job is started on
 * its own first (a redelivered job answers from its stored outcome, a cancelled one is skipped: cancel wins as
 * before), then the started ones are applied together and each gets its own outcome and {@code sequence}.
 *
 * <p>A transient fault retries the whole group with backoff, up to the attempts a single job has, and then fails
 * each job with {@code BACKEND_ERROR}, as it would have alone. Any other failure of the group as a whole (the
 * backend rejected the combined change, or something unexpected) splits it: each job is applied alone, in
 * order, and gets the outcome it would have had without the others.
 *
 * <p>Each job keeps its own span and log context ({@link JobTracing}), entered around every step on that job;
 * the lines about the group as a whole carry the tenant (one resource, so one tenant) and no job id.
 */
@Component
class JobGroupRunner {

    private static final Logger log = LoggerFactory.getLogger(JobGroupRunner.class);

    private final JobRunner runner;

    JobGroupRunner(JobRunner runner) {
        this.runner = runner;
    }

    void run(CommandGroupHandler handler, String key, List<ReceivedCommand> commands) throws Exception {
        Map<ReceivedCommand, JobTracing.JobTrace> traces = new LinkedHashMap<>();
        String tenant = commands.get(0).command().tenant();
        try (MDC.MDCCloseable groupTenant = MDC.putCloseable(LogFields.TENANT, tenant == null ? "" : tenant)) {
            for (ReceivedCommand command : commands) {
                traces.put(command, runner.trace(command));
            }
            runGroup(handler, key, commands, traces);
        } finally {
            traces.values().forEach(JobTracing.JobTrace::close);
        }
    }

    private void runGroup(
            CommandGroupHandler handler,
            String key,
            List<ReceivedCommand> commands,
            Map<ReceivedCommand, JobTracing.JobTrace> traces)
            throws Exception {
        List<ReceivedCommand> rest = new ArrayList<>();
        for (ReceivedCommand command : commands) {
            try (JobTracing.Scope in = traces.get(command).enter()) {
                if (runner.start(command)) {
                    rest.add(command);
                }
            }
        }
        int attempt = 1;
        while (rest.size() > 1) {
            List<JobResult> results;
            try {
                results = handler.handleTogether(
                        rest.stream().map(ReceivedCommand::command).toList());
            } catch (TransientBackendException fault) {
                if (attempt >= runner.maxAttempts()) {
                    for (ReceivedCommand job : rest) {
                        try (JobTracing.Scope in = traces.get(job).enter()) {
                            runner.fail(
                                    job, attempt, ErrorCodes.BACKEND_ERROR, JobRunner.backendFailed(attempt, fault));
                        }
                    }
                    return;
                }
                runner.pause("group of " + rest.size() + " jobs on " + key, attempt, fault.getMessage());
                attempt++;
                continue;
            } catch (RuntimeException groupFailed) {
                if (JobRunner.isInfrastructure(groupFailed)) {
                    throw groupFailed;
                }
                log.info(
                        "{} jobs on {} could not be applied together ({}); applying each alone",
                        rest.size(),
                        key,
                        groupFailed.getMessage());
                results = List.of();
            }
            if (results.isEmpty()) {
                break;
            }
            log.info("{} of {} jobs on {} applied together", results.size(), rest.size(), key);
            for (int i = 0; i < results.size(); i++) {
                try (JobTracing.Scope in = traces.get(rest.get(i)).enter()) {
                    runner.finish(rest.get(i), attempt, results.get(i));
                }
            }
            rest = new ArrayList<>(rest.subList(results.size(), rest.size()));
            attempt = 1;
        }
        for (ReceivedCommand job : rest) {
            try (JobTracing.Scope in = traces.get(job).enter()) {
                runner.runStarted(job);
            }
        }
    }
}
