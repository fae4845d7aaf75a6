package io.hostplane.common.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Holds the services to the catalogue ({@link ErrorCode}): every upper-case string literal in the main sources of
 * {@code api-service}, {@code worker-service} and {@code audit-service} is a catalogued code or one of the
 * literals below that are known not to be codes; every catalogued code is used by one of them; and
 * {@link ErrorCodes} is the catalogue, constant for constant.
 */
@Tag("fast")
class ErrorCodeCatalogueTest {

    private static final List<String> SERVICES = List.of("api-service", "worker-service", "audit-service");

    /** An upper-case string literal: a code, or something that looks like one. */
    private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z0-9_]+)\"");

    /** A code named through the catalogue or its string constants. */
    private static final Pattern REFERENCE = Pattern.compile("\\bErrorCodes?\\.([A-Z][A-Z0-9_]+)\\b");

    /** Upper-case literals of those sources that are not codes; a new one is added here only if it is none. */
    private static final Set<String> NOT_CODES = Set.of(
            // JSSE names: an SSLContext's protocol and the endpoint identification algorithm
            "TLS",
            // The area of a website's warnings, as "SSL" and "DNS" are of theirs
            "WEBSITE",
            "HTTPS",
            // DNS record types and the zone file's SOA
            "A",
            "AAAA",
            "CAA",
            "CNAME",
            "MX",
            "NS",
            "PTR",
            "SOA",
            "SRV",
            "TXT",
            // HTTP methods and a zone-file/batch operation name
            "GET",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
            "CONNECT",
            "REPLACE",
            // warning types (the area a warning belongs to)
            "AUDIT",
            "BACKUP",
            "DNS",
            "SSL",
            "SYSTEM",
            // cryptography and certificates: algorithms, PEM labels, X.500 attributes, validators
            "AES",
            "RSA",
            "EC",
            "CERTIFICATE",
            "CN",
            "PKIX",
            // durations (ISO 8601)
            "PT1M",
            "PT2S",
            "PT10M",
            // the OAuth page's decision, Spring Security's authority prefix, RFC 2136 configuration and rcodes
            "DENY",
            "SCOPE_",
            "SERVER",
            "TSIG_KEY_NAME",
            "TSIG_SECRET");

    @Test
    void errorCodesIsTheCatalogue() throws IllegalAccessException {
        Map<String, String> constants = new TreeMap<>();
        for (Field field : ErrorCodes.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                constants.put(field.getName(), (String) field.get(null));
            }
        }
        Map<String, String> catalogue = new TreeMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            catalogue.put(code.name(), code.code());
        }
        assertThat(constants).isEqualTo(catalogue);
    }

    @Test
    void everyEntrySaysWhatItMeansAndWhereItAppears() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.meaning()).as(code.code()).isNotBlank().doesNotContain("\n");
            assertThat(code.kinds()).as(code.code()).isNotEmpty();
            boolean fieldError = code.kinds().contains(ErrorCode.Kind.FIELD_ERROR);
            assertThat(code.statuses().isEmpty())
                    .as(code.code() + ": statuses iff a field error")
                    .isNotEqualTo(fieldError);
            assertThat(code.statuses()).as(code.code()).isSorted().allMatch(s -> s >= 400 && s < 500);
        }
    }

    @Test
    void everyCodeLiteralOfTheServicesIsCatalogued() {
        Set<String> catalogued = catalogued();
        List<String> strays = new ArrayList<>();
        forEachSource((file, text) -> {
            Matcher m = LITERAL.matcher(text);
            while (m.find()) {
                String literal = m.group(1);
                if (!catalogued.contains(literal)
                        && !NOT_CODES.contains(literal)
                        && !literal.startsWith("HOSTPLANE_")) {
                    strays.add(file + ": \"" + literal + "\"");
                }
            }
        });
        assertThat(strays)
                .as("upper-case literals that are neither catalogued codes (ErrorCode) nor known non-codes")
                .isEmpty();
    }

    @Test
    void everyCataloguedCodeIsUsed() {
        Set<String> unused = catalogued();
        forEachSource((file, text) -> {
            Matcher literal = LITERAL.matcher(text);
            while (literal.find()) {
                unused.remove(literal.group(1));
            }
            Matcher reference = REFERENCE.matcher(text);
            while (reference.find()) {
                unused.remove(reference.group(1));
            }
        });
        assertThat(unused).as("catalogued codes no service uses").isEmpty();
    }

    private static Set<String> catalogued() {
        Set<String> codes = new TreeSet<>();
        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).forEach(codes::add);
        return codes;
    }

    private interface SourceVisitor {
        void visit(Path file, String text);
    }

    private static void forEachSource(SourceVisitor visitor) {
        Path root = projectRoot();
        int files = 0;
        for (String service : SERVICES) {
            Path sources = root.resolve(service).resolve("src/main/java");
            assertThat(sources).isDirectory();
            try (Stream<Path> walk = Files.walk(sources)) {
                for (Path file :
                        walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    visitor.visit(root.relativize(file), Files.readString(file));
                    files++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(files).as("source files read").isGreaterThan(100);
    }

    /** The reactor's root: the first directory up from here that holds {@code api-service}. */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("api-service/src/main/java"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no api-service sources above " + Path.of("").toAbsolutePath());
    }
}
