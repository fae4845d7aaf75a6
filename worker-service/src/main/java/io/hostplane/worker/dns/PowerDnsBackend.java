package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.worker.system.JobFailure;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Zones on PowerDNS Authoritative, through its HTTP API. Record ids stay in {@link DnsRecordStore}; after
 * each change the desired state of every touched rrset is sent with {@code PATCH …/zones/{zone}}: {@code
 * REPLACE} with all its records, or {@code DELETE} once it has none. PowerDNS applies one PATCH atomically,
 * and sending the same desired state twice changes nothing, so a redelivered command is harmless.
 *
 * <p>The apex NS rrset always keeps the configured {@code hostplane.dns.nameservers}; NS records added at
 * the apex through the API come on top of them.
 */
@Component
@ConditionalOnProperty(name = "hostplane.dns.backend", havingValue = "powerdns")
class PowerDnsBackend implements DnsBackend {

    private static final Logger log = LoggerFactory.getLogger(PowerDnsBackend.class);

    /** TTL of the SOA and of the configured NS records. */
    static final int ZONE_TTL = 3600;

    private final DnsRecordStore store;
    private final DnsProperties dns;
    private final JsonMapper json;
    private final PowerDnsClient api;

    PowerDnsBackend(DnsRecordStore store, DnsProperties dns, PowerDnsProperties properties) {
        this.store = store;
        this.dns = dns;
        this.json = JsonMapper.builder().build();
        this.api = new PowerDnsClient(properties, json);
        log.info(
                "DNS backend powerdns: {} server {} (API key {})",
                properties.url(),
                properties.serverId(),
                Fingerprints.of(properties.apiKey()));
    }

    @Override
    public void createZone(String tenant, String zone) {
        String name = RecordContent.zoneName(zone);
        List<String> nameservers = nameservers();
        ObjectNode body = json.createObjectNode();
        body.put("name", name);
        body.put("kind", "Native");
        body.putArray("nameservers");
        ArrayNode rrsets = body.putArray("rrsets");
        rrset(
                rrsets,
                name,
                "SOA",
                ZONE_TTL,
                List.of(nameservers.get(0) + " " + RecordContent.zoneName(dns.hostmaster())
                        + " 1 10800 3600 604800 3600"));
        rrset(rrsets, name, "NS", ZONE_TTL, nameservers);
        PowerDnsClient.Answer answer = api.send("POST", "/zones", body);
        if (!answer.ok() && !alreadyExists(answer)) {
            throw api.rejected("zone " + name, answer);
        }
        store.addZone(tenant, zone);
    }

    private boolean alreadyExists(PowerDnsClient.Answer answer) {
        return (answer.status() == 409 || answer.status() == 422)
                && api.error(answer.body()).toLowerCase(Locale.ROOT).contains("conflict");
    }

    @Override
    public void deleteZone(String zone) {
        PowerDnsClient.Answer answer =
                api.send("DELETE", "/zones/" + PowerDnsClient.encode(RecordContent.zoneName(zone)), null);
        if (!answer.ok() && answer.status() != 404) {
            throw api.rejected("the deletion of zone " + zone, answer);
        }
        store.deleteZone(zone);
    }

    @Override
    public Applied createRecord(String zone, DnsRecord record) {
        return store.createRecord(zone, record, this::publish);
    }

    @Override
    public List<ApplyDnsChanges.Change> applyBatch(String zone, List<ApplyDnsChanges.Change> changes) {
        return store.applyBatch(zone, changes, this::publish);
    }

    /** All the jobs' changes in one PATCH; PowerDNS applies it atomically, or rejects it whole. */
    @Override
    public List<ZoneChange.Result> applyTogether(String zone, List<ZoneChange> jobs) {
        return store.applyTogether(zone, jobs, this::publish);
    }

    /** How many PATCH requests this backend has sent to PowerDNS (each one a change to a zone). */
    long patchesSent() {
        return api.sent("PATCH");
    }

    /** One PATCH with the desired state of every touched rrset. */
    private void publish(String zone, List<DnsRecordStore.RrsetChange> changes) {
        String name = RecordContent.zoneName(zone);
        ObjectNode body = json.createObjectNode();
        ArrayNode rrsets = body.putArray("rrsets");
        for (DnsRecordStore.RrsetChange change : changes) {
            String owner = RecordContent.owner(change.name(), zone);
            String type = change.type().toUpperCase(Locale.ROOT);
            // A set: two records of the API with the same content are one record on the server.
            Set<String> contents = new LinkedHashSet<>();
            if (type.equals("NS") && owner.equals(name)) {
                contents.addAll(nameservers());
            }
            change.after().forEach(r -> contents.add(RecordContent.content(r, zone)));
            if (contents.isEmpty()) {
                ObjectNode delete = rrsets.addObject();
                delete.put("name", owner);
                delete.put("type", type);
                delete.put("changetype", "DELETE");
            } else {
                int ttl = change.after().stream().mapToInt(DnsRecord::ttl).min().orElse(ZONE_TTL);
                rrset(rrsets, owner, type, ttl, List.copyOf(contents)).put("changetype", "REPLACE");
            }
        }
        PowerDnsClient.Answer answer = api.send("PATCH", "/zones/" + PowerDnsClient.encode(name), body);
        if (answer.status() == 404) {
            throw new JobFailure(
                    ErrorCodes.ZONE_NOT_FOUND, "Zone " + zone + " does not exist on PowerDNS; nothing was changed.");
        }
        if (!answer.ok()) {
            throw api.rejected("the change to zone " + zone + "; nothing was changed", answer);
        }
        log.debug("zone {}: {} rrsets sent to PowerDNS", zone, changes.size());
    }

    private static ObjectNode rrset(ArrayNode rrsets, String name, String type, int ttl, List<String> contents) {
        ObjectNode rrset = rrsets.addObject();
        rrset.put("name", name);
        rrset.put("type", type);
        rrset.put("ttl", ttl);
        ArrayNode records = rrset.putArray("records");
        for (String content : contents) {
            ObjectNode record = records.addObject();
            record.put("content", content);
            record.put("disabled", false);
        }
        return rrset;
    }

    private List<String> nameservers() {
        if (dns.nameservers().isEmpty()) {
            throw new IllegalStateException("hostplane.dns.nameservers is empty");
        }
        return dns.nameservers().stream().map(RecordContent::zoneName).toList();
    }
}
