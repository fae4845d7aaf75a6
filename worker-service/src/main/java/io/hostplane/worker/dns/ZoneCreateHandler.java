package io.hostplane.worker.dns;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateZone;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.system.CommandHandler;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** {@code domain.create}: creates the new domain's zone on the DNS backend. */
@Component
class ZoneCreateHandler implements CommandHandler {

    private final DnsBackend backend;
    private final EventCodec codec;

    ZoneCreateHandler(DnsBackend backend, EventCodec codec) {
        this.backend = backend;
        this.codec = codec;
    }

    @Override
    public String jobType() {
        return JobTypes.DOMAIN_CREATE;
    }

    @Override
    public Outcome handle(CloudEvent command) {
        CreateZone create = codec.data(command, CreateZone.class);
        backend.createZone(command.tenant(), create.zone());
        return new Outcome(codec.tree(Map.of("zone", create.zone())), List.of());
    }
}
