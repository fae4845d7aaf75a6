package io.hostplane.worker.ssl;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.RemoveCertificate;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.system.CommandHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code ssl.remove}: removes the domain's certificate and key from the backend ({@link SslBackend#remove}). A
 * domain with nothing installed succeeds ({@code removed: false}), so a redelivered removal is harmless.
 */
@Component
class SslRemoveHandler implements CommandHandler {

    private final SslBackend backend;
    private final EventCodec codec;

    SslRemoveHandler(SslBackend backend, EventCodec codec) {
        this.backend = backend;
        this.codec = codec;
    }

    @Override
    public String jobType() {
        return JobTypes.SSL_REMOVE;
    }

    @Override
    public Outcome handle(CloudEvent command) {
        RemoveCertificate remove = codec.data(command, RemoveCertificate.class);
        boolean removed = backend.remove(remove.domain());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("certificate_id", remove.certificateId());
        result.put("domain", remove.domain());
        result.put("removed", removed);
        result.put("backend", backend.name());
        return new Outcome(codec.tree(result), List.of());
    }
}
