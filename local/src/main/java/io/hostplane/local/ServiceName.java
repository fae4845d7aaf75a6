package io.hostplane.local;

/**
 * Which part of the local stack wrote a log line, for the text format: {@code api}, {@code worker}, {@code audit},
 * or {@code dev} for the launcher and its embedded Kafka and PostgreSQL.
 *
 * <p>In one JVM the three services share threads (Reactor's and Netty's pools), so the thread alone cannot say.
 * The logger's package says it for the services' own code; for shared code ({@code io.hostplane.platform}) and
 * libraries, the service whose start-up thread created the writing thread ({@link #runAs}, inherited by the threads a
 * context starts: its Kafka consumers, schedulers); a service in a process of its own has
 * {@code -Dhostplane.service}. A library line on a shared thread is named by the library ({@code kafka},
 * {@code spring}, {@code netty}, …).
 */
final class ServiceName {

    private static final InheritableThreadLocal<String> STARTED_BY = new InheritableThreadLocal<>();
    private static final String PROCESS = System.getProperty("hostplane.service");

    private ServiceName() {}

    /** Runs {@code task} with {@code service} as the name of this thread and of the threads it creates. */
    static <T> T runAs(String service, java.util.function.Supplier<T> task) {
        String before = STARTED_BY.get();
        STARTED_BY.set(service);
        try {
            return task.get();
        } finally {
            STARTED_BY.set(before);
        }
    }

    static String of(String loggerName) {
        if (PROCESS != null) {
            return PROCESS;
        }
        for (String service : new String[] {"api", "worker", "audit"}) {
            if (loggerName.startsWith("io.hostplane." + service + ".")) {
                return service;
            }
        }
        if (loggerName.startsWith("io.hostplane.local.") || loggerName.startsWith("io.hostplane.embedded.")) {
            return "dev";
        }
        String started = STARTED_BY.get();
        if (started != null) {
            return started;
        }
        String[] parts = loggerName.split("\\.");
        // org.apache.kafka… → kafka, org.springframework… → springframework is long: spring; io.netty… → netty.
        String library =
                parts.length > 2 ? parts[parts[0].equals("org") && parts[1].equals("apache") ? 2 : 1] : loggerName;
        return library.startsWith("spring") ? "spring" : library;
    }
}
