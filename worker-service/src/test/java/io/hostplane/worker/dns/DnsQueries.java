package io.hostplane.worker.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Plain DNS queries over UDP to a server on 127.0.0.1, as a resolver would send them. */
final class DnsQueries {

    private final SimpleResolver resolver;

    DnsQueries(int port) {
        resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(3));
    }

    Message query(String name, int type) {
        try {
            Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
            if (answer.getHeader().getFlag(org.xbill.DNS.Flags.TC)) {
                throw new AssertionError("truncated UDP answer for " + name + " " + Type.string(type));
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rdata of the answer's records of {@code type}, in presentation format, sorted. */
    List<String> answers(String name, int type) {
        return records(query(name, type), Section.ANSWER, type).stream()
                .map(Record::rdataToString)
                .sorted()
                .toList();
    }

    /** The TTLs of the answer's records of {@code type}. */
    List<Long> ttls(String name, int type) {
        return records(query(name, type), Section.ANSWER, type).stream()
                .map(Record::getTTL)
                .toList();
    }

    /** The character-strings of each TXT record in the answer. */
    List<List<String>> txt(String name) {
        return records(query(name, Type.TXT), Section.ANSWER, Type.TXT).stream()
                .map(r -> ((TXTRecord) r).getStrings())
                .toList();
    }

    /** The rdata of the authority section's records of {@code type} (a referral's NS records), sorted. */
    List<String> authority(String name, int type) {
        return records(query(name, type), Section.AUTHORITY, type).stream()
                .map(Record::rdataToString)
                .sorted()
                .toList();
    }

    int rcode(String name, int type) {
        return query(name, type).getRcode();
    }

    private static List<Record> records(Message message, int section, int type) {
        return message.getSection(section).stream()
                .filter(r -> r.getType() == type)
                .toList();
    }
}
