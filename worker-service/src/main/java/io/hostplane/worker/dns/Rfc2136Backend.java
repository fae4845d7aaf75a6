package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Record changes sent as RFC 2136 dynamic updates, signed with TSIG, to any authoritative server (BIND,
 * Knot, PowerDNS…). Zones are not created here: they must exist on the server already, or arrive there by a
 * catalog zone; {@link #createZone} only checks that the server answers for the zone.
 *
 * <p>Record ids stay in {@link DnsRecordStore}. Each change becomes one UPDATE message, over TCP, that for
 * every touched rrset deletes the rrset and adds its desired records: the server applies the message
 * atomically, and sending it again changes nothing. The apex NS rrset is the exception: a server ignores the
 * deletion of the whole rrset (RFC 2136 3.4.2.3), so the records the change removed are deleted one by one.
 */
@Component
@ConditionalOnProperty(name = "hostplane.dns.backend", havingValue = "rfc2136")
class Rfc2136Backend implements DnsBackend {

    private static final Logger log = LoggerFactory.getLogger(Rfc2136Backend.class);

    private final DnsRecordStore store;
    private final SimpleResolver resolver;
    private final String server;
    private final String keyName;

    Rfc2136Backend(DnsRecordStore store, Rfc2136Properties properties) {
        this.store = store;
        this.server = required(properties.server(), "server", "SERVER");
        this.keyName = required(properties.tsigKeyName(), "tsig-key-name", "TSIG_KEY_NAME");
        required(properties.tsigSecret(), "tsig-secret", "TSIG_SECRET");
        try {
            Name algorithm = TSIG.algorithmToName(properties.tsigAlgorithm());
            this.resolver = new SimpleResolver(address(server));
            resolver.setTCP(true);
            resolver.setTimeout(properties.timeout());
            resolver.setTSIGKey(new TSIG(algorithm, Name.fromString(absolute(keyName)), properties.tsigSecret()));
        } catch (TextParseException | IllegalArgumentException e) {
            throw new IllegalStateException("invalid hostplane.dns.rfc2136 settings: " + e.getMessage(), e);
        }
        log.info(
                "DNS backend rfc2136: server {} key {} {} ({})",
                server,
                keyName,
                properties.tsigAlgorithm(),
                Fingerprints.of(properties.tsigSecret()));
    }

    /** Checks that the server is authoritative for the zone (an SOA answer), then records it. */
    @Override
    public void createZone(String tenant, String zone) {
        Name name = name(RecordContent.zoneName(zone));
        Message answer = send(Message.newQuery(Record.newRecord(name, Type.SOA, DClass.IN)), zone);
        boolean served = answer.getRcode() == Rcode.NOERROR
                && answer.getHeader().getFlag(Flags.AA)
                && answer.getSection(Section.ANSWER).stream()
                        .anyMatch(r -> r instanceof SOARecord && r.getName().equals(name));
        if (!served) {
            throw new JobFailure(
                    ErrorCodes.ZONE_NOT_FOUND,
                    "Zone " + zone + " is not served by the DNS server " + server + " ("
                            + Rcode.string(answer.getRcode())
                            + "). With the rfc2136 backend a zone must be created on the server first, or arrive"
                            + " there by a catalog zone.");
        }
        store.addZone(tenant, zone);
    }

    /** Forgets the zone's records here; the zone itself stays on the server (it was made there, not here). */
    @Override
    public void deleteZone(String zone) {
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

    /** One UPDATE message with the desired state of every touched rrset. */
    private void publish(String zone, List<DnsRecordStore.RrsetChange> changes) {
        Name origin = name(RecordContent.zoneName(zone));
        Update update = new Update(origin);
        for (DnsRecordStore.RrsetChange change : changes) {
            Name owner = name(RecordContent.owner(change.name(), zone));
            int type = Type.value(change.type().toUpperCase(Locale.ROOT));
            List<Record> desired = records(owner, type, change.after(), zone, origin);
            if (type == Type.NS && owner.equals(origin)) {
                for (Record old : records(owner, type, change.before(), zone, origin)) {
                    if (!desired.contains(old)) {
                        update.delete(old);
                    }
                }
            } else {
                update.delete(owner, type);
            }
            desired.forEach(update::add);
        }
        Message answer = send(update, zone);
        int rcode = answer.getRcode();
        if (rcode == Rcode.NOERROR) {
            log.debug("zone {}: {} rrsets updated on {}", zone, changes.size(), server);
            return;
        }
        throw switch (rcode) {
            case Rcode.SERVFAIL ->
                new TransientBackendException(
                        "DNS server " + server + " answered SERVFAIL to the update of zone " + zone, null);
            case Rcode.REFUSED ->
                new JobFailure(
                        ErrorCodes.DNS_UPDATE_REFUSED,
                        "DNS server " + server + " refused the update of zone " + zone
                                + " (REFUSED): it must serve the zone and allow updates from this host signed with"
                                + " TSIG key " + keyName + ". Nothing was changed.");
            case Rcode.NOTAUTH ->
                new JobFailure(
                        ErrorCodes.DNS_UPDATE_NOT_AUTHORIZED,
                        "DNS server " + server + " did not authorise the update of zone " + zone
                                + " (NOTAUTH): TSIG key " + keyName + " is unknown there, its secret or algorithm"
                                + " differ, or the server is not authoritative for the zone. Nothing was changed.");
            case Rcode.NOTZONE ->
                new JobFailure(
                        ErrorCodes.ZONE_NOT_FOUND,
                        "DNS server " + server + " does not serve zone " + zone + " (NOTZONE). Nothing was changed.");
            default ->
                new JobFailure(
                        ErrorCodes.DNS_UPDATE_FAILED,
                        "DNS server " + server + " rejected the update of zone " + zone + " (" + Rcode.string(rcode)
                                + "). Nothing was changed.");
        };
    }

    /** The rrset's records with one TTL (the smallest), without duplicates. */
    private static List<Record> records(Name owner, int type, List<DnsRecord> records, String zone, Name origin) {
        int ttl = records.stream().mapToInt(DnsRecord::ttl).min().orElse(0);
        Set<Record> out = new LinkedHashSet<>();
        for (DnsRecord r : records) {
            try {
                out.add(Record.fromString(owner, type, DClass.IN, ttl, RecordContent.content(r, zone), origin));
            } catch (IOException | IllegalArgumentException e) {
                throw new JobFailure(
                        ErrorCodes.DNS_REJECTED,
                        "Record " + r.id() + " (" + r.type() + " " + r.content() + ") cannot be sent: "
                                + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private Message send(Message message, String zone) {
        Message answer;
        try {
            answer = resolver.send(message);
        } catch (IOException e) {
            throw new TransientBackendException(
                    "DNS server " + server + " did not answer for zone " + zone + ": " + e.getMessage(), e);
        }
        if (answer.getRcode() == Rcode.NOERROR && !answer.isVerified()) {
            // The answer may not be the server's: try again rather than trust it.
            throw new TransientBackendException(
                    "the answer of DNS server " + server + " for zone " + zone + " is not signed with TSIG key "
                            + keyName,
                    null);
        }
        return answer;
    }

    private static InetSocketAddress address(String server) {
        String host = server;
        int port = 53;
        int colon = server.lastIndexOf(':');
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            host = server.substring(1, close);
            if (close + 1 < server.length() && server.charAt(close + 1) == ':') {
                port = Integer.parseInt(server.substring(close + 2));
            }
        } else if (colon > 0 && server.indexOf(':') == colon) {
            host = server.substring(0, colon);
            port = Integer.parseInt(server.substring(colon + 1));
        }
        return new InetSocketAddress(host, port);
    }

    private static Name name(String absolute) {
        try {
            return Name.fromString(absolute);
        } catch (TextParseException e) {
            throw new JobFailure(ErrorCodes.INVALID, "Not a DNS name: " + absolute);
        }
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    private static String required(String value, String key, String env) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("hostplane.dns.backend=rfc2136 needs hostplane.dns.rfc2136." + key
                    + " (HOSTPLANE_DNS_RFC2136_" + env + ")");
        }
        return value;
    }
}
