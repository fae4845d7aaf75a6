package io.hostplane.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.job.JobStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void anEventIsStructuredCloudEventsJsonWithSnakeCaseData() {
        CloudEvent event = codec.event(
                "/test",
                EventTypes.command("dns.record.create"),
                "domains/x.test",
                "t_1",
                "r1",
                "j1",
                null,
                new CreateDnsRecord("x.test", new DnsRecord("id1", "www", "A", 300, "192.0.2.1", null)));
        String json = codec.write(event);
        assertThat(json)
                .contains("\"specversion\":\"1.0\"")
                .contains("\"type\":\"io.hostplane.command.dns.record.create.v1\"")
                .contains("\"datacontenttype\":\"application/json\"")
                .contains("\"tenant\":\"t_1\"")
                .doesNotContain("traceparent")
                .matches(".*\"time\":\"\\d{4}-\\d\\d-\\d\\dT.*");
        CloudEvent back = codec.read(json);
        assertThat(back).isEqualTo(event);
        assertThat(codec.data(back, CreateDnsRecord.class).record().content()).isEqualTo("192.0.2.1");
    }

    @Test
    void jobEventsCarryTheirStatusInLowerCase() {
        CloudEvent event = codec.event(
                "/w",
                EventTypes.job(JobStatus.SUCCEEDED),
                "s",
                "t",
                null,
                "j",
                null,
                new JobStateChanged("j", "domain.create", JobStatus.SUCCEEDED, 1, java.util.List.of(), null, null));
        assertThat(codec.write(event)).contains("\"status\":\"succeeded\"").contains("\"job_id\":\"j\"");
        assertThat(event.type()).isEqualTo("io.hostplane.job.succeeded.v1");
    }

    @Test
    void unreadableTextIsAMalformedEvent() {
        assertThatThrownBy(() -> codec.read("not json")).isInstanceOf(EventCodec.MalformedEventException.class);
        assertThatThrownBy(() -> codec.read("{\"id\":\"1\"}")).isInstanceOf(EventCodec.MalformedEventException.class);
    }

    @Test
    void commandTypesMapBackToJobTypes() {
        assertThat(EventTypes.jobTypeOfCommand(EventTypes.command("dns.record.create")))
                .isEqualTo("dns.record.create");
        assertThat(EventTypes.jobTypeOfCommand(EventTypes.REQUEST_RECORDED)).isNull();
    }
}
