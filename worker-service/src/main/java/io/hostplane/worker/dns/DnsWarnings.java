package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.job.Warning;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a person should look at after a DNS change that nonetheless succeeded, read from the zone's records
 * as the change left them ({@link DnsRecordStore}'s tables, the same for every backend):
 *
 * <ul>
 *   <li>{@code TARGET_NOT_FOUND}: a CNAME, MX, SRV or NS target inside the zone with no record at that name;
 *   <li>{@code WILDCARD_SHADOWED}: a wildcard that names existing beside it keep from answering for (RFC 4592:
 *       a wildcard answers only for names that do not exist), whichever of the two the change added.
 * </ul>
 */
@Component
class DnsWarnings {

    private static final Set<String> TARGET_TYPES = Set.of("CNAME", "MX", "SRV", "NS");

    private final JdbcTemplate jdbc;

    DnsWarnings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A {@code dns.record.create} job's warnings: {@code RECORD_EXISTS} if nothing was written, else {@link #about}. */
    List<Warning> afterCreate(String zone, DnsBackend.Applied applied) {
        return afterCreate(zone, applied, Map.of());
    }

    /** As above, with what is {@code known} already of whether names exist (read with the change), not read again. */
    List<Warning> afterCreate(String zone, DnsBackend.Applied applied, Map<String, Boolean> known) {
        return applied.warnings().isEmpty() ? about(zone, List.of(applied.record()), known) : applied.warnings();
    }

    /** The warnings of a job that applied {@code changes}: {@link #about} the records they wrote. */
    List<Warning> afterChanges(String zone, List<ApplyDnsChanges.Change> changes) {
        return about(
                zone,
                changes.stream()
                        .filter(c -> c.record() != null)
                        .map(ApplyDnsChanges.Change::record)
                        .toList());
    }

    /** Warnings about {@code written} (records created or replaced by one job) in {@code zone}. */
    List<Warning> about(String zone, List<DnsRecord> written) {
        return about(zone, written, Map.of());
    }

    private List<Warning> about(String zone, List<DnsRecord> written, Map<String, Boolean> known) {
        List<Warning> warnings = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (DnsRecord r : written) {
            String type = r.type().toUpperCase(Locale.ROOT);
            if (TARGET_TYPES.contains(type)) {
                String target = relativeTarget(targetOf(type, r.content()), zone);
                if (target != null
                        && !exists(zone, target, known)
                        && !wildcardCovers(zone, target, known)
                        && seen.add("t" + target)) {
                    warnings.add(new Warning(
                            "DNS",
                            ErrorCodes.TARGET_NOT_FOUND,
                            "The " + type + " record " + r.name() + " points to " + absolute(target, zone)
                                    + ", which has no records in this zone."));
                }
            }
            if (r.name().equals("*") || r.name().startsWith("*.")) {
                List<String> shadowing = namesBelow(zone, parentOf(r.name()));
                if (!shadowing.isEmpty() && seen.add("w" + r.name())) {
                    warnings.add(new Warning(
                            "DNS",
                            ErrorCodes.WILDCARD_SHADOWED,
                            "The wildcard " + r.name() + " does not answer for names that exist beside it: "
                                    + String.join(", ", shadowing.subList(0, Math.min(5, shadowing.size())))
                                    + (shadowing.size() > 5 ? " and " + (shadowing.size() - 5) + " more" : "")
                                    + "."));
                }
            } else if (!r.name().equals("@")) {
                String wildcard = wildcardBeside(r.name());
                if (exists(zone, wildcard, known) && seen.add("n" + r.name())) {
                    warnings.add(new Warning(
                            "DNS",
                            ErrorCodes.WILDCARD_SHADOWED,
                            "Now that " + r.name() + " exists, the wildcard " + wildcard
                                    + " no longer answers for it (for any type)."));
                }
            }
        }
        return warnings;
    }

    /** The target name in a record's content, absolute, or null. */
    static String targetOf(String type, String content) {
        String[] parts = content.trim().split("\\s+");
        return switch (type) {
            case "SRV" -> parts.length == 3 ? parts[2] : null; // weight port target (priority apart)
            default -> parts[parts.length - 1];
        };
    }

    /** {@code mail.example.test.} in {@code example.test} → {@code mail}; the apex → {@code @}; outside → null. */
    static String relativeTarget(String target, String zone) {
        if (target == null || !target.endsWith(".") || target.equals(".")) {
            return null;
        }
        String name = target.substring(0, target.length() - 1).toLowerCase(Locale.ROOT);
        String z = zone.toLowerCase(Locale.ROOT);
        if (name.equals(z)) {
            return "@";
        }
        return name.endsWith("." + z) ? name.substring(0, name.length() - z.length() - 1) : null;
    }

    /** {@code *.sub} → {@code sub}; {@code *} → {@code @}. */
    static String parentOf(String wildcard) {
        return wildcard.equals("*") ? "@" : wildcard.substring(2);
    }

    /** {@code www} → {@code *}; {@code a.sub} → {@code *.sub}. */
    static String wildcardBeside(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? "*" : "*" + name.substring(dot);
    }

    private boolean wildcardCovers(String zone, String name, Map<String, Boolean> known) {
        return !name.equals("@") && exists(zone, wildcardBeside(name), known);
    }

    private boolean exists(String zone, String name, Map<String, Boolean> known) {
        Boolean answer = known.get(name);
        return answer != null ? answer : exists(zone, name);
    }

    private boolean exists(String zone, String name) {
        Integer n = jdbc.queryForObject(
                "select count(*) from worker.local_records where zone = ? and name = ?", Integer.class, zone, name);
        return n != null && n > 0;
    }

    /** Names one label below {@code parent} that exist (other than the wildcard itself). */
    private List<String> namesBelow(String zone, String parent) {
        // Names are checked DNS names (letters, digits, hyphens, underscores): only the dots need escaping.
        String pattern = parent.equals("@") ? "^[^.]+$" : "^[^.]+\\." + parent.replace(".", "\\.") + "$";
        return jdbc.queryForList(
                "select distinct name from worker.local_records where zone = ? and name ~ ? "
                        + "and name <> '@' and name not like '*%' order by name",
                String.class, zone, pattern);
    }

    private static String absolute(String relative, String zone) {
        return relative.equals("@") ? zone + "." : relative + "." + zone + ".";
    }
}
