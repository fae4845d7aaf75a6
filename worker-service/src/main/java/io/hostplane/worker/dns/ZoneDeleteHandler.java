package io.hostplane.worker.dns;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.DeleteZone;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.system.CommandHandler;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** {@code domain.delete}: removes the domain's zone, records and all, from the DNS backend. */
@Component
class ZoneDeleteHandler implements CommandHandler {

    private final DnsBackend backend;
    private final EventCodec codec;

    ZoneDeleteHandler(DnsBackend backend, EventCodec codec) {
        this.backend = backend;
        this.codec = codec;
    }

    @Override
    public String jobType() {
        return JobTypes.DOMAIN_DELETE;
    }

    @Override
    public Outcome handle(CloudEvent command) {
        DeleteZone delete = codec.data(command, DeleteZone.class);
        backend.deleteZone(delete.zone());
        return new Outcome(codec.tree(Map.of("zone", delete.zone())), List.of());
    }
}
