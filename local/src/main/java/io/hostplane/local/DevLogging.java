package io.hostplane.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The logging switches of {@code ./hostplane dev}, checked before anything starts: {@code HOSTPLANE_LOG_FORMAT}
 * ({@link LogFormat}) and {@code HOSTPLANE_ACCESS_LOG} ({@code on} or {@code off}, the default: the API's line per
 * request, {@code GET /api/v1/health 200 12 ms}, which the services write in production).
 */
final class DevLogging {

    /** The API's access log (one line per request). */
    static final String ACCESS_LOGGER = "io.hostplane.api.system.RequestRecorder";

    private DevLogging() {}

    /** Refuses an unknown value with one line naming the accepted ones; sets the access log's level. */
    static void configure(Map<String, String> env) {
        LogFormat.check(env.get("HOSTPLANE_LOG_FORMAT"));
        boolean access = accessLog(env.get("HOSTPLANE_ACCESS_LOG"));
        if (LoggerFactory.getLogger(ACCESS_LOGGER) instanceof Logger logger) {
            logger.setLevel(access ? Level.INFO : Level.WARN);
        }
    }

    static boolean accessLog(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("HOSTPLANE_ACCESS_LOG=" + value + " is not one of on, off");
        };
    }
}
