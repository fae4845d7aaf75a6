package io.hostplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Each {@code api.*} table (and each {@code worker.*} table) is written and read only by the classes its owning
 * feature names in {@code docs/services.md} ("Inside api-service: which feature owns each table", and the same for
 * worker-service); other features read it through the owner's Java API or a view the owner publishes there. The test reads that table and the SQL in the services'
 * string literals (comments left out), so the document and the code cannot drift apart. The import rules of
 * {@link ApiArchitectureTest} cannot see SQL; this test does.
 */
@Tag("fast")
class TableOwnershipTest {

    private static final Path DOC = Path.of("..", "docs", "services.md");
    private static final Path API_SOURCES = Path.of("src", "main", "java", "io", "hostplane", "api");
    private static final Path WORKER_SOURCES =
            Path.of("..", "worker-service", "src", "main", "java", "io", "hostplane", "worker");
    private static final Pattern WRITE = Pattern.compile("(?i)(insert\\s+into|update|delete\\s+from)\\s+$");
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    /** One row of the document's table. */
    record Owned(String table, String feature, Set<String> classes, Set<String> views) {}

    /** One place where SQL names a table or view. */
    record Use(String feature, String className, String name, boolean write) {
        @Override
        public String toString() {
            return feature + "." + className + (write ? " writes " : " reads ") + name;
        }
    }

    private static Map<String, Owned> tables;
    private static Map<String, String> viewOwners;
    private static List<Use> uses;

    @BeforeAll
    static void read() throws IOException {
        String doc = Files.readString(DOC);
        tables = new LinkedHashMap<>(documentedTables(doc, "### Inside api-service", "api"));
        tables.putAll(documentedTables(doc, "### Inside worker-service", "worker"));
        viewOwners = new HashMap<>();
        tables.values().forEach(t -> t.views().forEach(v -> viewOwners.put(v, t.feature())));
        uses = new ArrayList<>();
        uses.addAll(usesByFeature(API_SOURCES, "api"));
        uses.addAll(usesByFeature(WORKER_SOURCES, "worker"));
    }

    private static List<Use> usesByFeature(Path sources, String schema) throws IOException {
        List<Use> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = sources.relativize(file);
                String feature =
                        relative.getNameCount() > 1 ? relative.getName(0).toString() : "";
                String className = file.getFileName().toString().replace(".java", "");
                found.addAll(usesIn(feature, className, Files.readString(file), schema));
            }
        }
        return found;
    }

    @Test
    void theDocumentIsReadAndTheCodeUsesTheDatabase() {
        // Guards the guards: a parser that found nothing would let every other test here pass.
        assertThat(tables)
                .containsKeys("api.jobs", "api.outbox", "api.accounts", "worker.local_records")
                .hasSizeGreaterThan(15);
        assertThat(viewOwners).containsEntry("api.job_states", "jobs");
        assertThat(uses).anyMatch(u -> u.name().equals("api.jobs") && u.write());
        assertThat(uses).anyMatch(u -> u.name().equals("worker.job_outcomes") && u.write());
    }

    @Test
    void everyTableAndViewTheCodeNamesIsDocumented() {
        Set<String> unknown = new TreeSet<>();
        uses.stream()
                .filter(u -> !tables.containsKey(u.name()) && !viewOwners.containsKey(u.name()))
                .forEach(u -> unknown.add(u.toString()));
        assertThat(unknown)
                .as("tables or views missing from docs/services.md, 'Inside api-service'")
                .isEmpty();
    }

    @Test
    void onlyTheOwnersStoresHoldATablesSql() {
        List<String> outside = uses.stream()
                .filter(u -> tables.containsKey(u.name()))
                .filter(u -> {
                    Owned owner = tables.get(u.name());
                    return !owner.feature().equals(u.feature())
                            || !owner.classes().contains(u.className());
                })
                .map(Use::toString)
                .distinct()
                .toList();
        assertThat(outside)
                .as("SQL naming a table outside the classes docs/services.md lists as its owner's")
                .isEmpty();
    }

    @Test
    void viewsAreOnlyRead() {
        assertThat(uses.stream()
                        .filter(u -> viewOwners.containsKey(u.name()) && u.write())
                        .map(Use::toString)
                        .toList())
                .isEmpty();
    }

    @Test
    void everyListedClassHoldsSqlForItsTable() {
        List<String> stale = new ArrayList<>();
        for (Owned owned : tables.values()) {
            for (String className : owned.classes()) {
                boolean named = uses.stream()
                        .anyMatch(u -> u.className().equals(className)
                                && u.feature().equals(owned.feature())
                                && u.name().equals(owned.table()));
                if (!named) {
                    stale.add(owned.feature() + "." + className + " for " + owned.table());
                }
            }
        }
        assertThat(stale)
                .as("classes docs/services.md lists as holding a table's SQL that do not")
                .isEmpty();
    }

    @Test
    void otherServicesTouchOnlyWhatTheDocumentSays() throws IOException {
        // docs/services.md, "Tables each service writes and reads": the worker reads one API table (the sealed
        // private key an ssl.install refers to); the audit service reads one too, in its stream store only (the
        // audit stream definitions it delivers), and touches no worker table.
        List<Use> worker = usesUnder(Path.of("..", "worker-service", "src", "main", "java"), "api");
        assertThat(worker).isNotEmpty().allMatch(u -> u.name().equals("api.ssl_private_keys") && !u.write());
        List<Use> audit = usesUnder(Path.of("..", "audit-service", "src", "main", "java"), "api|worker");
        assertThat(audit)
                .isNotEmpty()
                .allMatch(
                        u -> u.name().equals("api.audit_streams")
                                && !u.write()
                                && u.className().equals("StreamStore"),
                        "reads of api.audit_streams in StreamStore");
        assertThat(usesUnder(API_SOURCES, "worker")).isEmpty();
    }

    @Test
    void sqlIsFoundInStringsAndNotInComments() {
        String source = "class A {\n"
                + "  // update api.jobs in a comment\n"
                + "  /* delete from api.outbox */\n"
                + "  String q = \"insert into \" + \"api.jobs (id) values (1)\";\n"
                + "  String r = \"select 1 from api.job_states where x = 'io.hostplane.api.tokens'\";\n"
                + "}\n";
        assertThat(usesIn("jobs", "A", source, "api"))
                .containsExactly(new Use("jobs", "A", "api.jobs", true), new Use("jobs", "A", "api.job_states", false));
    }

    private static List<Use> usesUnder(Path root, String schemas) throws IOException {
        List<Use> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                found.addAll(usesIn(
                        "", file.getFileName().toString().replace(".java", ""), Files.readString(file), schemas));
            }
        }
        return found;
    }

    /**
     * Where the string literals of {@code source}, joined in order, name a table or view of the {@code schemas} (a
     * regular expression: {@code api}, {@code api|worker}).
     */
    static List<Use> usesIn(String feature, String className, String source, String schemas) {
        String sql = stringLiterals(source);
        List<Use> found = new ArrayList<>();
        Matcher named =
                Pattern.compile("(?<![\\w.])((?:" + schemas + ")\\.[a-z_]+)").matcher(sql);
        while (named.find()) {
            String before = sql.substring(Math.max(0, named.start() - 20), named.start());
            found.add(new Use(
                    feature, className, named.group(1), WRITE.matcher(before).find()));
        }
        return found;
    }

    /**
     * The contents of the string literals and text blocks of Java source, each followed by a space (so that a
     * literal's last word does not run into the next literal's first).
     */
    static String stringLiterals(String source) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                i = source.indexOf("*/", i + 2) + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                out.append(source, i + 3, end).append(' ');
                i = end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                int j = i + 1;
                while (source.charAt(j) != quote) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                if (quote == '"') {
                    out.append(source, i + 1, j).append(' ');
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** The rows of the table under {@code heading}: table, owner and its classes, published views. */
    static Map<String, Owned> documentedTables(String doc, String heading, String schema) {
        int start = doc.indexOf(heading);
        assertThat(start).as("the section %s in docs/services.md", heading).isNotNegative();
        Map<String, Owned> rows = new LinkedHashMap<>();
        for (String line : doc.substring(start).split("\n")) {
            if (!line.startsWith("| `" + schema + ".")) {
                if (!rows.isEmpty() && !line.startsWith("|")) {
                    break;
                }
                continue;
            }
            String[] cells = line.split("\\|", -1);
            String table = ticked(cells[1]).get(0);
            String ownerCell = cells[2].trim();
            String feature = ownerCell.split("[ (]", 2)[0];
            String storeClauses = ownerCell.split("[;:]", 2)[0];
            Set<String> classes = new TreeSet<>();
            for (String name : ticked(storeClauses)) {
                if (name.matches("[A-Z]\\w+")) {
                    classes.add(name);
                }
            }
            Set<String> views = new TreeSet<>();
            Matcher view = Pattern.compile("view `(" + schema + "\\.[a-z_]+)`").matcher(cells[3]);
            while (view.find()) {
                views.add(view.group(1));
            }
            rows.put(table, new Owned(table, feature, classes, views));
        }
        return rows;
    }

    private static List<String> ticked(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = TICKED.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
