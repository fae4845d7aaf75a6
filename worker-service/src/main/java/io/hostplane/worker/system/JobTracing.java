package io.hostplane.worker.system;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.platform.LogFields;
import io.hostplane.platform.Traceparents;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A job's trace and log context in the worker. Each job gets a span that continues the trace of its command
 * (the {@code traceparent} the API copied from the request), or starts one when the command has none; while
 * the worker handles the job, that span is current, so its job events carry a {@code traceparent} of the same
 * trace, and every log line carries {@code job_id}, {@code tenant}, {@code request_id}, {@code trace_id} and
 * {@code span_id}. The token id is not among them: commands carry no token data at all (the job row in the
 * API's database has it, and the request's lines, found by {@code request_id}, show it).
 */
@Component
class JobTracing {

    private final Tracer tracer;
    private final Propagator propagator;

    JobTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** Starts the job's span; end it with {@link JobTrace#close()} once the job has its outcome or is set aside. */
    JobTrace begin(ReceivedCommand job) {
        CloudEvent command = job.command();
        Span span = Traceparents.continuing(propagator, command.traceparent())
                .name("job " + job.jobType())
                .kind(Span.Kind.CONSUMER)
                .tag("hostplane.job.id", job.jobId().toString())
                .tag("hostplane.job.type", job.jobType())
                .start();
        return new JobTrace(job, span);
    }

    /** The {@code traceparent} for an event about {@code command}: the current job span's, else the command's own. */
    String traceparent(CloudEvent command) {
        Span current = tracer.currentSpan();
        String traceparent = current == null ? null : Traceparents.of(propagator, current.context());
        return traceparent != null ? traceparent : command.traceparent();
    }

    /** One job's span, entered around each piece of work on the job. */
    final class JobTrace implements AutoCloseable {

        private final ReceivedCommand job;
        private final Span span;

        private JobTrace(ReceivedCommand job, Span span) {
            this.job = job;
            this.span = span;
        }

        /**
         * Makes the job's span current and puts the job's ids in the MDC on this thread, until closed; closing
         * restores what the MDC held before (a group's tenant), so nothing of the job stays on the thread.
         */
        Scope enter() {
            Tracer.SpanInScope inScope = tracer.withSpan(span);
            CloudEvent command = job.command();
            Map<String, String> previous = new LinkedHashMap<>();
            put(previous, LogFields.JOB_ID, job.jobId().toString());
            put(previous, LogFields.TENANT, command.tenant());
            put(previous, LogFields.REQUEST_ID, command.requestid());
            put(previous, LogFields.TOKEN_ID, command.tokenid());
            return () -> {
                previous.forEach(JobTracing::restore);
                inScope.close();
            };
        }

        /** Ends the span. */
        @Override
        public void close() {
            span.end();
        }
    }

    private static void put(Map<String, String> previous, String key, String value) {
        previous.put(key, MDC.get(key));
        restore(key, value);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Leaves the job's context when closed. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
