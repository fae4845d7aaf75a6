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
import org.junit.jupiter.api.Test;

/**
 * Each {@code api.*} table is written and read only by the classes its owning feature names in {@code
 * docs/services.md} ("Inside api-service: which feature owns each table"); other features read it through the
 * owner's Java API or a view the owner publishes there. The test reads that table and the SQL in the services'
 * string literals (comments left out), so the document and the code cannot drift apart. The import rules of
 * {@link ApiArchitectureTest} cannot see SQL; this test does.
 */
class TableOwnershipTest {

    private static final Path DOC = Path.of("..", "docs", "services.md");
    private static final Path API_SOURCES = Path.of("src", "main", "java", "io", "hostplane", "api");
    private static final Pattern NAMED = Pattern.compile("(?<![\\w.])api\\.([a-z_]+)");
    private static final Pattern WRITE = Pattern.compile("(?i)(insert\\s+into|update|delete\\s+from)\\s+$");
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    /** One row of the document's table. */
    record Owned(String table, String feature, Set<String> classes, Set<String> views) {}

    /** One place where SQL names a table or view. */
    record Use(String feature, String className, String name, boolean write) {
        @Override
        public String toString() {
            return feature + "." + className + (write ? " writes " : " reads ") + "api." + name;
        }
    }

    private static Map<String, Owned> tables;
    private static Map<String, String> viewOwners;
    private static List<Use> uses;

    @BeforeAll
    static void read() throws IOException {
        tables = documentedTables(Files.readString(DOC));
        viewOwners = new HashMap<>();
        tables.values().forEach(t -> t.views().forEach(v -> viewOwners.put(v, t.feature())));
        uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(API_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = API_SOURCES.relativize(file);
                String feature =
                        relative.getNameCount() > 1 ? relative.getName(0).toString() : "";
                String className = file.getFileName().toString().replace(".java", "");
                uses.addAll(usesIn(feature, className, Files.readString(file)));
            }
        }
    }

    @Test
    void theDocumentIsReadAndTheCodeUsesTheDatabase() {
        // Guards the guards: a parser that found nothing would let every other test here pass.
        assertThat(tables).containsKeys("jobs", "outbox", "accounts", "tokens").hasSizeGreaterThan(10);
        assertThat(viewOwners).containsEntry("job_states", "jobs");
        assertThat(uses).anyMatch(u -> u.name().equals("jobs") && u.write());
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
                    stale.add(owned.feature() + "." + className + " for api." + owned.table());
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
        // private key an ssl.install refers to); the audit service none.
        List<Use> worker = usesUnder(Path.of("..", "worker-service", "src", "main", "java"));
        assertThat(worker).isNotEmpty().allMatch(u -> u.name().equals("ssl_private_keys") && !u.write());
        assertThat(usesUnder(Path.of("..", "audit-service", "src", "main", "java")))
                .isEmpty();
    }

    @Test
    void sqlIsFoundInStringsAndNotInComments() {
        String source = "class A {\n"
                + "  // update api.jobs in a comment\n"
                + "  /* delete from api.outbox */\n"
                + "  String q = \"insert into \" + \"api.jobs (id) values (1)\";\n"
                + "  String r = \"select 1 from api.job_states where x = 'io.hostplane.api.tokens'\";\n"
                + "}\n";
        assertThat(usesIn("jobs", "A", source))
                .containsExactly(new Use("jobs", "A", "jobs", true), new Use("jobs", "A", "job_states", false));
    }

    private static List<Use> usesUnder(Path root) throws IOException {
        List<Use> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                found.addAll(usesIn("", file.getFileName().toString().replace(".java", ""), Files.readString(file)));
            }
        }
        return found;
    }

    /** Where the string literals of {@code source}, joined in order, name an {@code api.*} table or view. */
    static List<Use> usesIn(String feature, String className, String source) {
        String sql = stringLiterals(source);
        List<Use> found = new ArrayList<>();
        Matcher named = NAMED.matcher(sql);
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

    /** The rows of the table under "Inside api-service": table, owner and its classes, published views. */
    static Map<String, Owned> documentedTables(String doc) {
        int start = doc.indexOf("### Inside api-service");
        assertThat(start).as("the section in docs/services.md").isNotNegative();
        Map<String, Owned> rows = new LinkedHashMap<>();
        for (String line : doc.substring(start).split("\n")) {
            if (!line.startsWith("| `api.")) {
                if (!rows.isEmpty() && !line.startsWith("|")) {
                    break;
                }
                continue;
            }
            String[] cells = line.split("\\|", -1);
            String table = ticked(cells[1]).get(0).substring("api.".length());
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
            Matcher view = Pattern.compile("view `api\\.([a-z_]+)`").matcher(cells[3]);
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
