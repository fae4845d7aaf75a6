package io.hostplane.local;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The values of {@code HOSTPLANE_LOG_FORMAT}. The {@code ./hostplane} script chooses {@code text} when its output is
 * a terminal and {@code json} otherwise, unless the variable says which.
 */
enum LogFormat {
    /** Short lines for a person: time, level, service, message, request or job id. */
    TEXT("text"),
    /** One JSON object a line, Logstash's field names (the services' production format). */
    JSON("logstash"),
    LOGSTASH("logstash"),
    ECS("ecs"),
    GELF("gelf");

    private final String structuredFormat;

    LogFormat(String structuredFormat) {
        this.structuredFormat = structuredFormat;
    }

    /** Spring Boot's name of the structured format ({@code logging.structured.format.console}). */
    String structuredFormat() {
        return structuredFormat;
    }

    /** Blank is empty (the caller's default); an unknown name too, and {@link #check} says why. */
    static Optional<LogFormat> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Arrays.stream(values())
                .filter(f -> f.name().equalsIgnoreCase(value.trim()))
                .findFirst();
    }

    /** The one-line refusal of an unknown value, naming the accepted ones. */
    static void check(String value) {
        if (value != null && !value.isBlank() && parse(value).isEmpty()) {
            throw new IllegalArgumentException("HOSTPLANE_LOG_FORMAT=" + value + " is not one of " + accepted());
        }
    }

    static String accepted() {
        return Arrays.stream(values())
                .map(f -> f.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
