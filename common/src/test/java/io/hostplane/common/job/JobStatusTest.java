package io.hostplane.common.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class JobStatusTest {

    @Test
    void terminalStatesNeverChange() {
        for (JobStatus terminal : new JobStatus[] {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}) {
            for (JobStatus next : JobStatus.values()) {
                assertThat(terminal.canMoveTo(next)).isFalse();
            }
        }
    }

    @Test
    void statesOnlyMoveForward() {
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.RUNNING)).isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.SUCCEEDED)).isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.QUEUED)).isFalse();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.RUNNING)).isFalse();
    }
}
