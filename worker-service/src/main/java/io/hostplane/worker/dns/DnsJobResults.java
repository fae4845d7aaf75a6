package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.system.CommandHandler.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The outcome a DNS change job reports: its zone, then the record created or the changes applied. */
@Component
class DnsJobResults {

    private final EventCodec codec;

    DnsJobResults(EventCodec codec) {
        this.codec = codec;
    }

    Outcome created(String zone, DnsRecord record, List<Warning> warnings) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("zone", zone);
        result.put("record", record);
        return new Outcome(codec.tree(result), warnings);
    }

    Outcome changed(String zone, List<ApplyDnsChanges.Change> applied, List<Warning> warnings) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("zone", zone);
        result.put("changes", applied);
        return new Outcome(codec.tree(result), warnings);
    }
}
