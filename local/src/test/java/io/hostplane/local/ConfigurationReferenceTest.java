package io.hostplane.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * {@code docs/configuration.md} lists every setting of the services: its generated part is made here from the
 * {@code @ConfigurationProperties} records themselves (key, default) and their Javadoc ({@code @param}: the
 * meaning), and this test fails when the document is not what they make. Run with
 * {@code -Dhostplane.docs.write=true} to write it. Keys read outside the records ({@code ${hostplane...}}
 * placeholders, e.g. in {@code @Scheduled}) must be named in the document too.
 */
@Tag("fast")
class ConfigurationReferenceTest {

    private static final Path ROOT = Path.of("..");
    private static final Path DOC = ROOT.resolve("docs").resolve("configuration.md");
    private static final List<String> MODULES = List.of("api-service", "worker-service", "audit-service", "platform");
    private static final String BEGIN = "<!-- generated from the properties records by ConfigurationReferenceTest -->";
    private static final String END = "<!-- end of the generated part -->";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(hostplane\\.[a-z0-9.-]+)[:}]");

    /** One key of the reference. */
    record Key(String name, String defaultValue, String meaning) {}

    @Test
    void theDocumentListsEverySettingAsTheRecordsDescribeIt() throws IOException {
        String generated = generated();
        assertThat(generated).contains("`hostplane.jobs.accept.max-batch`", "`hostplane.worker.concurrency`");
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("docs/configuration.md has its generated part").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String updated = doc.substring(0, begin + BEGIN.length()) + "\n\n" + generated + "\n" + doc.substring(end);
        if (Boolean.getBoolean("hostplane.docs.write")) {
            Files.writeString(DOC, updated);
            doc = updated;
        }
        assertThat(doc)
                .as("docs/configuration.md is behind the properties records; run this test with "
                        + "-Dhostplane.docs.write=true and commit the result")
                .isEqualTo(updated);
    }

    @Test
    void keysReadOutsideTheRecordsAreNamedInTheDocument() throws IOException {
        Set<String> placeholders = new TreeSet<>();
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = PLACEHOLDER.matcher(Files.readString(file));
                    while (m.find()) {
                        placeholders.add(m.group(1));
                    }
                }
            }
        }
        assertThat(placeholders).contains("hostplane.metrics.refresh");
        String doc = Files.readString(DOC);
        assertThat(placeholders.stream().filter(k -> !doc.contains("`" + k + "`")))
                .as("keys read through ${…} placeholders that docs/configuration.md does not name")
                .isEmpty();
    }

    @Test
    void javadocTagsBecomeMarkdown() {
        assertThat(markdown("files under {@code {store-dir}/{tenant}} read by {@link JobRunner#run}; a|b"))
                .isEqualTo("files under `{store-dir}/{tenant}` read by JobRunner.run; a\\|b");
    }

    @Test
    void keysAreNamedAsSpringBindsThem() {
        assertThat(kebab("maxInFlightPerPartition")).isEqualTo("max-in-flight-per-partition");
        assertThat(kebab("dbPoolSize")).isEqualTo("db-pool-size");
    }

    /** The generated part: one section per properties record, sorted by prefix. */
    static String generated() throws IOException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> records = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.hostplane")) {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                if (type.isRecord()) {
                    records.add(type);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        records.sort(Comparator.comparing((Class<?> c) -> prefix(c)).thenComparing(Class::getName));
        StringBuilder out = new StringBuilder();
        for (Class<?> type : records) {
            String module = moduleOf(type);
            out.append("### `")
                    .append(prefix(type))
                    .append("` (")
                    .append(module)
                    .append(", `")
                    .append(type.getName().substring(type.getPackageName().length() + 1))
                    .append("`)\n\n");
            out.append("| key | default | meaning |\n| --- | --- | --- |\n");
            List<Key> keys = new ArrayList<>();
            collect(type, prefix(type), module, "", keys);
            for (Key key : keys) {
                out.append("| `")
                        .append(key.name())
                        .append("` | ")
                        .append(key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue() + "`")
                        .append(" | ")
                        .append(key.meaning())
                        .append(" |\n");
            }
            out.append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }

    private static String prefix(Class<?> type) {
        return type.getAnnotation(ConfigurationProperties.class).value();
    }

    /** The keys of {@code type} under {@code prefix}; {@code context} is the meaning its parent gives it, if any. */
    private static void collect(Class<?> type, String prefix, String module, String context, List<Key> keys)
            throws IOException {
        Map<String, String> meanings = params(type, module);
        RecordComponent[] components = type.getRecordComponents();
        Parameter[] parameters;
        try {
            parameters = type.getDeclaredConstructor(
                            Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new))
                    .getParameters();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String name = prefix + "." + kebab(component.getName());
            Class<?> raw = component.getType();
            Class<?> element = elementOf(component.getGenericType());
            if (isOurRecord(raw)) {
                collect(raw, name, module, meanings.getOrDefault(component.getName(), ""), keys);
            } else if (List.class.isAssignableFrom(raw) && element != null && isOurRecord(element)) {
                collect(element, name + "[n]", module, meanings.getOrDefault(component.getName(), ""), keys);
            } else {
                keys.add(new Key(
                        name,
                        defaultOf(parameters[i]),
                        within(
                                context,
                                meanings.getOrDefault(component.getName(), "").strip())));
            }
        }
    }

    private static String within(String context, String meaning) {
        return context.isBlank() ? meaning : meaning.isEmpty() ? context.strip() : context.strip() + " — " + meaning;
    }

    private static boolean isOurRecord(Class<?> type) {
        return type.isRecord() && type.getName().startsWith("io.hostplane.");
    }

    private static Class<?> elementOf(Type generic) {
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    /** The binder reads {@code @DefaultValue} from the canonical constructor's parameters, and so does this. */
    private static String defaultOf(Parameter parameter) {
        DefaultValue value = parameter.getAnnotation(DefaultValue.class);
        if (value == null) {
            // A record's own constructor may fill it in; the record's Javadoc says so where it does.
            return "";
        }
        return String.join(",", value.value());
    }

    /** The {@code @param} lines of the Javadoc just above {@code record Name(} in the type's source file. */
    private static Map<String, String> params(Class<?> type, String module) throws IOException {
        Class<?> top = type;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        Path source = ROOT.resolve(module)
                .resolve("src/main/java")
                .resolve(top.getName().replace('.', '/') + ".java");
        String text = Files.readString(source);
        Matcher declaration =
                Pattern.compile("record\\s+" + type.getSimpleName() + "\\s*\\(").matcher(text);
        assertThat(declaration.find())
                .as("record %s in %s", type.getSimpleName(), source)
                .isTrue();
        int javadocEnd = text.lastIndexOf("*/", declaration.start());
        int javadocStart = text.lastIndexOf("/**", javadocEnd);
        Map<String, String> params = new LinkedHashMap<>();
        if (javadocStart < 0 || javadocEnd < 0) {
            return params;
        }
        String between = text.substring(javadocEnd + 2, declaration.start());
        if (between.contains(";") || between.contains("{") || between.contains("}")) {
            return params; // that Javadoc belongs to something else: the record has none
        }
        String javadoc = text.substring(javadocStart + 3, javadocEnd)
                .lines()
                .map(line -> line.replaceFirst("^\\s*\\*\\s?", ""))
                .collect(Collectors.joining(" "));
        Matcher param =
                Pattern.compile("@param\\s+(\\w+)\\s+(.*?)(?=\\s@\\w+\\s|$)").matcher(javadoc);
        while (param.find()) {
            params.put(param.group(1), markdown(param.group(2).replaceAll("\\s+", " ")));
        }
        return params;
    }

    /** Javadoc's inline tags as Markdown: {@code {@code x}} as code, {@code {@link A#b}} as {@code A.b}. */
    static String markdown(String javadoc) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < javadoc.length()) {
            int tag = javadoc.indexOf("{@", i);
            if (tag < 0) {
                out.append(javadoc.substring(i));
                break;
            }
            out.append(javadoc, i, tag);
            int depth = 0;
            int end = tag;
            for (; end < javadoc.length(); end++) {
                char c = javadoc.charAt(end);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            String[] body = javadoc.substring(tag + 2, end).split("\\s", 2);
            String text = body.length > 1 ? body[1].strip() : "";
            out.append(body[0].equals("code") ? "`" + text + "`" : text.replace('#', '.'));
            i = end + 1;
        }
        return out.toString().replace("|", "\\|");
    }

    private static String moduleOf(Class<?> type) {
        for (String module : MODULES) {
            Path source = ROOT.resolve(module)
                    .resolve("src/main/java")
                    .resolve(type.getName().replaceAll("\\$.*", "").replace('.', '/') + ".java");
            if (Files.exists(source)) {
                return module;
            }
        }
        throw new IllegalStateException("no module holds " + type.getName());
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
