package io.hostplane.local;

import io.hostplane.api.ApiApplication;
import io.hostplane.audit.AuditApplication;
import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.KafkaBroker;
import io.hostplane.embedded.Leftovers;
import io.hostplane.embedded.PostgresServer;
import io.hostplane.worker.WorkerApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform on one machine: PostgreSQL, Kafka, audit-service, worker-service and api-service,
 * started in that order (the services in parallel) and stopped in reverse. Each infrastructure piece is
 * replaced by an external one when Spring's own environment variable names it
 * ({@code SPRING_R2DBC_URL}, {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}).
 */
public final class DevStack implements AutoCloseable {

    /** Ports and folders; {@link #defaults} is what {@code ./hostplane dev} uses. */
    public record Settings(
            Path dataDir,
            int apiPort,
            int workerPort,
            int auditPort,
            int kafkaPort,
            int kafkaControllerPort,
            int postgresPort) {

        public static Settings defaults(Path dataDir) {
            return new Settings(dataDir, 8080, 8090, 8095, 19092, 19093, 15432);
        }

        /** Every port moved by {@code offset} ({@code HOSTPLANE_DEV_PORT_OFFSET}). */
        public Settings offset(int offset) {
            return new Settings(
                    dataDir,
                    apiPort + offset,
                    workerPort + offset,
                    auditPort + offset,
                    kafkaPort + offset,
                    kafkaControllerPort + offset,
                    postgresPort + offset);
        }
    }

    private final Settings settings;
    private final Map<String, String> env;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, Launcher> launchers = new LinkedHashMap<>();

    private interface Launcher {
        ServiceProcess start() throws IOException;
    }

    private String bootstrapServers;
    private KafkaBroker kafka;
    private PostgresServer postgres;
    private static final String AUDIT_WRITER = "hostplane_audit_writer";
    private static final String AUDIT_READER = "hostplane_audit_reader";
    private List<String> auditLogins = List.of();
    private String r2dbcUrl;

    public DevStack(Settings settings, Map<String, String> env) {
        // One JVM, one logging set-up (logback.xml of this module); the services must not each reset it.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        this.settings = settings;
        this.env = env;
    }

    public Settings settings() {
        return settings;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + settings.apiPort();
    }

    public String kafkaBootstrapServers() {
        return bootstrapServers;
    }

    public String r2dbcUrl() {
        return r2dbcUrl;
    }

    /**
     * A start that failed, naming the part that failed ({@code PostgreSQL}, {@code Kafka}, {@code api-service}, …)
     * and why, in one line.
     */
    public static final class StartFailure extends Exception {

        private final String part;

        StartFailure(String part, Throwable cause) {
            super(part + ": " + reason(cause), cause);
            this.part = part;
        }

        StartFailure(String part, String reason) {
            super(part + ": " + reason);
            this.part = part;
        }

        public String part() {
            return part;
        }

        /** The innermost message that says something, on one line. */
        static String reason(Throwable e) {
            String reason = null;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    reason = t.getMessage();
                }
                if (t instanceof StartFailure) {
                    break;
                }
            }
            reason = reason == null ? e.getClass().getSimpleName() : reason;
            return reason.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        }
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T part(String name, Step<T> step) throws StartFailure {
        try {
            return step.run();
        } catch (StartFailure e) {
            throw e;
        } catch (Exception e) {
            throw new StartFailure(name, e);
        }
    }

    /**
     * Starts everything and returns once {@code /api/v1/health} answers 200; a {@link StartFailure} names the part
     * that did not start.
     */
    public DevStack start(Duration readyTimeout) throws Exception {
        Path data = settings.dataDir().toAbsolutePath();
        part("data folder", () -> {
            Files.createDirectories(data);
            lockDataFolder(data);
            // Under the lock, whatever still runs on this folder was left by a launcher that died.
            for (ProcessHandle orphan : Leftovers.running(ServiceProcess.DATA_DIR_OPTION + data)) {
                System.out.println(
                        "hostplane: stopping service process " + orphan.pid() + " left running by an earlier launcher");
                Leftovers.stop(orphan, Duration.ofSeconds(30));
            }
            PostgresServer.removeHalfUnpackedBinaries(data.resolve("pg-bin"));
            return null;
        });
        String user = env.getOrDefault("SPRING_R2DBC_USERNAME", "hostplane");
        String password = env.getOrDefault("SPRING_R2DBC_PASSWORD", "hostplane");
        r2dbcUrl = env.get("SPRING_R2DBC_URL");
        if (blank(r2dbcUrl)) {
            postgres = new PostgresServer(data.resolve("postgres"), data.resolve("pg-bin"), settings.postgresPort())
                    .takeOverOrphans(true);
            started.add(postgres);
            part("PostgreSQL", () -> {
                postgres.start();
                postgres.ensureDatabase("hostplane", "hostplane", "hostplane");
                return null;
            });
            // The audit store's roles take a superuser to create (docs/audit.md, Roles): the writer may only
            // insert and read, the API's reader only read; the audit service grants them.
            String auditPassword = DataFolderSecrets.auditDbPassword(data);
            part("PostgreSQL", () -> {
                postgres.ensureRole(AUDIT_WRITER, auditPassword);
                postgres.ensureRole(AUDIT_READER, auditPassword);
                return null;
            });
            auditLogins = List.of(
                    "--hostplane.audit.writer.username=" + AUDIT_WRITER,
                    "--hostplane.audit.writer.password=" + auditPassword,
                    "--hostplane.audit.reader.username=" + AUDIT_READER,
                    "--hostplane.audit.reader.password=" + auditPassword);
            r2dbcUrl = "r2dbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/hostplane";
            user = "hostplane";
            password = "hostplane";
        }
        bootstrapServers = env.get("SPRING_KAFKA_BOOTSTRAP_SERVERS");
        if (blank(bootstrapServers)) {
            kafka = new KafkaBroker(data.resolve("kafka"), settings.kafkaPort(), settings.kafkaControllerPort())
                    .takeOverOrphans(true);
            started.add(kafka);
            bootstrapServers = part("Kafka", () -> kafka.start().bootstrapServers());
        }
        boolean processes = Boolean.parseBoolean(env.getOrDefault("HOSTPLANE_DEV_PROCESSES", "false"));
        List<String> common = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--spring.r2dbc.url=" + r2dbcUrl,
                "--spring.r2dbc.username=" + user,
                "--spring.r2dbc.password=" + password));
        if (!processes) {
            // In one JVM the launcher's own hook closes the services, in order.
            common.add("--spring.main.register-shutdown-hook=false");
        }
        List<String> api = new ArrayList<>(common);
        api.add("--server.port=" + settings.apiPort());
        api.add("--hostplane.bootstrap.enabled=true");
        api.add("--hostplane.bootstrap.dir=" + data);
        api.add("--hostplane.domains.allow-reserved-tlds=true");
        if (blank(env.get("HOSTPLANE_TOKENS_PEPPER"))) {
            api.add("--hostplane.tokens.pepper=" + DataFolderSecrets.pepper(data));
        }
        List<String> worker = new ArrayList<>(common);
        worker.add("--server.port=" + settings.workerPort());
        List<String> audit = new ArrayList<>(common);
        if (blank(env.get("HOSTPLANE_SSL_ENCRYPTION_KEY"))) {
            // One sealing key: the workers open private keys with it, the audit service its streams' credentials.
            String sslKey = DataFolderSecrets.sslEncryptionKey(data);
            api.add("--hostplane.ssl.encryption-key=" + sslKey);
            worker.add("--hostplane.ssl.encryption-key=" + sslKey);
            audit.add("--hostplane.ssl.encryption-key=" + sslKey);
        }
        backupDirs(data, api, worker);
        audit.add("--server.port=" + settings.auditPort());
        if (blank(env.get("HOSTPLANE_AUDIT_REPLAY_DIR"))) {
            // Replays into a file land beside the rest of the local stack's data.
            audit.add("--hostplane.audit.replay.dir=" + Files.createDirectories(data.resolve("replays")));
        }
        audit.addAll(auditLogins);
        auditLogins.stream().filter(a -> a.contains(".reader.")).forEach(api::add);
        if (blank(env.get("HOSTPLANE_AUDIT_SIGNING_KEY"))) {
            DataFolderSecrets.SigningKeys keys = DataFolderSecrets.auditSigningKeys(data);
            audit.add("--hostplane.audit.signing-key=" + keys.privateKey());
            if (blank(env.get("HOSTPLANE_AUDIT_VERIFY_KEYS"))) {
                api.add("--hostplane.audit.verify-keys=" + keys.publicKey());
            }
        }

        // HOSTPLANE_DEV_WORKERS=0 leaves the workers to the caller (tests that run them as processes).
        int workers = Integer.parseInt(env.getOrDefault("HOSTPLANE_DEV_WORKERS", "1"));
        requireFree("api-service", settings.apiPort());
        if (workers > 0) {
            requireFree("worker-service", settings.workerPort());
        }
        requireFree("audit-service", settings.auditPort());
        if (processes) {
            part("services", () -> {
                startProcesses(data, audit, workers > 0 ? worker : null, api);
                return null;
            });
        } else {
            startInThisJvm(audit, workers > 0 ? worker : null, api);
        }
        part("api-service", () -> {
            awaitHealthy(readyTimeout, workers > 0);
            awaitTokenFiles(data, readyTimeout);
            return null;
        });
        return this;
    }

    private static void requireFree(String part, int port) throws StartFailure {
        if (!FreePorts.isFree(port)) {
            throw new StartFailure(part, "port " + port + " on 127.0.0.1 is in use by another program");
        }
    }

    private FileChannel lockChannel;

    /**
     * One launcher per data folder: an OS lock on {@code launcher.lock}, released when the launcher ends however it
     * ends (a SIGKILL too), so it is never stale. The file holds the holder's process id, for the refusal.
     */
    private void lockDataFolder(Path data) throws IOException, StartFailure {
        Path file = data.resolve("launcher.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            String holder = Files.readString(file).trim();
            throw new StartFailure(
                    "data folder",
                    data + " is in use by another ./hostplane dev" + (holder.isEmpty() ? "" : " (PID " + holder + ")"));
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(
                Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)));
        lockChannel = channel;
    }

    /**
     * The API writes the demo and admin token files at its first start after it answers (an application runner),
     * so "ready" waits for them too: whoever reads them after {@link #start} must find them.
     */
    private static void awaitTokenFiles(Path data, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String name : List.of("demo-token", "admin-token")) {
            Path file = data.resolve(name);
            while (!Files.exists(file) || Files.size(file) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the API wrote no " + file + " within " + timeout);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * {@code HOSTPLANE_DEV_PROCESSES=true}: each service in a JVM of its own, with the options in
     * {@code HOSTPLANE_SERVICE_JAVA_OPTS} (as production runs them, and so that each one's memory can be measured).
     */
    private void startProcesses(Path data, List<String> audit, List<String> worker, List<String> api)
            throws IOException {
        List<String> jvm = List.of(env.getOrDefault(
                        "HOSTPLANE_SERVICE_JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                .trim()
                .split("\\s+"));
        Path tmp = Files.createDirectories(data.resolve("tmp"));
        Map<String, String> mains = new LinkedHashMap<>();
        mains.put("audit", AuditApplication.class.getName());
        mains.put("worker", WorkerApplication.class.getName());
        mains.put("api", ApiApplication.class.getName());
        Map<String, List<String>> args = new LinkedHashMap<>();
        args.put("audit", audit);
        args.put("worker", worker);
        args.put("api", api);
        for (var service : mains.entrySet()) {
            List<String> serviceArgs = args.get(service.getKey());
            if (serviceArgs != null) {
                Map<String, String> settings = ServiceProcess.settings(serviceArgs);
                String name = service.getKey();
                String main = service.getValue();
                launchers.put(name, () -> ServiceProcess.start(name, main, settings, jvm, data, tmp));
                ServiceProcess process = launchers.get(name).start();
                started.add(process);
                processes.add(process);
            }
        }
    }

    /** The default: the three services as three Spring contexts in this JVM (quickest to start, least memory). */
    private void startInThisJvm(List<String> audit, List<String> worker, List<String> api) throws StartFailure {
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            // Closed in reverse order of this list: the API first, the infrastructure last.
            Map<String, CompletableFuture<ConfigurableApplicationContext>> contexts = new LinkedHashMap<>();
            contexts.put(
                    "audit-service",
                    CompletableFuture.supplyAsync(run("audit", AuditApplication::builder, audit), starter));
            if (worker != null) {
                contexts.put(
                        "worker-service",
                        CompletableFuture.supplyAsync(run("worker", WorkerApplication::builder, worker), starter));
            }
            contexts.put(
                    "api-service", CompletableFuture.supplyAsync(run("api", ApiApplication::builder, api), starter));
            StartFailure failure = null;
            for (var context : contexts.entrySet()) {
                try {
                    started.add(context.getValue().join());
                } catch (RuntimeException e) {
                    failure = failure == null ? new StartFailure(context.getKey(), e) : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            starter.shutdown();
        }
    }

    /** A service's context, started on a thread that names the service on log lines ({@link ServiceName}). */
    private static Supplier<ConfigurableApplicationContext> run(
            String service, Supplier<SpringApplicationBuilder> builder, List<String> args) {
        return () -> ServiceName.runAs(service, () -> builder.get().run(args.toArray(String[]::new)));
    }

    /** Waits for {@code /api/v1/health}: a 200, or without workers any answer (health needs a worker). */
    private void awaitHealthy(Duration timeout, boolean withWorkers) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl() + "/api/v1/health"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (ServiceProcess process : processes) {
                if (!process.isAlive()) {
                    throw new StartFailure(process.name() + "-service", "stopped while starting (its log is above)");
                }
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 || !withWorkers) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Hostplane did not become healthy within " + timeout + ": " + last);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Stops the embedded Kafka broker (for fault tests); its data stays. */
    public void stopKafka() {
        requireEmbedded(kafka, "Kafka").close();
    }

    /** Starts the embedded Kafka broker again on the same port and data. */
    public void startKafka() throws IOException, InterruptedException {
        requireEmbedded(kafka, "Kafka").start();
    }

    /** Stops the embedded PostgreSQL (for fault tests); its data stays. */
    public void stopPostgres() {
        requireEmbedded(postgres, "PostgreSQL").close();
    }

    /** Starts the embedded PostgreSQL again on the same port and data. */
    public void startPostgres() throws IOException {
        requireEmbedded(postgres, "PostgreSQL").start();
    }

    private static <T> T requireEmbedded(T server, String what) {
        if (server == null) {
            throw new IllegalStateException(what + " is external here; fault tests need the embedded one");
        }
        return server;
    }

    /** Stops what was started, newest first. Safe to call twice. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println(
                        "hostplane: stopping " + started.get(i).getClass().getSimpleName() + " failed: " + e);
            }
        }
        started.clear();
        processes.clear();
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException e) {
                // Released by the OS when this process ends anyway.
            }
            lockChannel = null;
        }
    }

    /**
     * Kills a service's process with SIGKILL, like a crashed machine: no shutdown hook, nothing committed on the
     * way out (fault tests; needs {@code HOSTPLANE_DEV_PROCESSES=true}).
     */
    public synchronized void killService(String name) throws InterruptedException {
        service(name).kill();
    }

    /** Starts a killed service again, with the settings it had. */
    public synchronized void startService(String name) throws IOException {
        ServiceProcess old = service(name);
        ServiceProcess fresh = launchers.get(name).start();
        processes.set(processes.indexOf(old), fresh);
        started.set(started.indexOf(old), fresh);
    }

    private ServiceProcess service(String name) {
        return processes.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        name + " is not running as a process of its own (HOSTPLANE_DEV_PROCESSES=true)"));
    }

    /** The services' process ids by name ({@code api}, {@code worker}, {@code audit}) when they run as processes. */
    public Map<String, Long> servicePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach(p -> pids.put(p.name(), p.pid()));
        return pids;
    }

    /**
     * Backups on the local stack: sites under {@code .hostplane/sites} (with a starter site for the demo domain
     * {@code example.test}, so that a backup can be tried at once) and archives under {@code .hostplane/backups},
     * shared by the worker (writes) and the API (downloads, and the check that a site exists). {@code HOSTPLANE_BACKUP_SITES_DIR} and
     * {@code HOSTPLANE_BACKUP_STORE_DIR} still choose other directories.
     */
    private void backupDirs(Path data, List<String> api, List<String> worker) throws IOException {
        if (blank(env.get("HOSTPLANE_BACKUP_SITES_DIR"))) {
            Path sites = data.resolve("sites");
            Path demo = Files.createDirectories(sites.resolve("example.test"));
            Path index = demo.resolve("index.html");
            if (!Files.exists(index)) {
                Files.writeString(
                        index, "<!doctype html>\n<title>example.test</title>\n<h1>Hello from example.test</h1>\n");
            }
            worker.add("--hostplane.backup.sites-dir=" + sites);
            // The API sees the sites too, so a backup of a domain without one is refused at once.
            api.add("--hostplane.backup.sites-dir=" + sites);
        }
        if (blank(env.get("HOSTPLANE_BACKUP_STORE_DIR"))) {
            Path store = Files.createDirectories(data.resolve("backups"));
            worker.add("--hostplane.backup.store-dir=" + store);
            api.add("--hostplane.backup.store-dir=" + store);
        }
        // Websites' server blocks (the local backend writes them there and runs no nginx; docs/websites.md).
        if (blank(env.get("HOSTPLANE_WEBSITES_NGINX_CONF_DIR"))) {
            Path conf = Files.createDirectories(data.resolve("websites"));
            worker.add("--hostplane.websites.nginx.conf-dir=" + conf);
        }
    }

    /** For tests: free ports and the given folder. */
    public static Settings randomPorts(Path dataDir, Supplier<Integer> freePort) {
        Map<String, Integer> p = new LinkedHashMap<>();
        for (String name : List.of("api", "worker", "audit", "kafka", "controller", "postgres")) {
            p.put(name, freePort.get());
        }
        return new Settings(
                dataDir,
                p.get("api"),
                p.get("worker"),
                p.get("audit"),
                p.get("kafka"),
                p.get("controller"),
                p.get("postgres"));
    }
}
