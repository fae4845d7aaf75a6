package io.hostplane.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * One service (api, worker or audit) in a JVM of its own, as production runs them: its own heap, so that
 * its memory can be measured on its own, and its own shutdown on SIGTERM.
 *
 * <p>The settings go to the child in {@code SPRING_APPLICATION_JSON}, not on its command line, because they
 * include the token pepper and the SSL encryption key: a command line is visible to every user of the
 * machine ({@code ps}), a process's environment only to its owner. The child's output joins the launcher's.
 */
final class ServiceProcess implements AutoCloseable {

    /** On each service's command line, so that a service left running by a launcher that died can be found. */
    static final String DATA_DIR_OPTION = "-Dhostplane.data-dir=";

    private final String name;
    private final Process process;

    private ServiceProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with this JVM's class path. From the launcher's executable jar the class path is
     * that one jar, whose classes and libraries only Spring Boot's loader can read, so the child goes through
     * the loader with {@code loader.main}; from a plain class path (tests) it runs the main class directly.
     */
    static ServiceProcess start(
            String name,
            String mainClass,
            Map<String, String> settings,
            List<String> jvmOptions,
            Path dataDir,
            Path tmpDir)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.add("-Dhostplane.service=" + name);
        command.add(DATA_DIR_OPTION + dataDir);
        command.add("-cp");
        command.add(classPath);
        if (isExecutableJar(classPath)) {
            command.add("-Dloader.main=" + mainClass);
            command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        } else {
            command.add(mainClass);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SPRING_APPLICATION_JSON", json(settings));
        return new ServiceProcess(name, builder.start());
    }

    /** {@code --key=value} arguments as the map {@link #start} takes. */
    static Map<String, String> settings(List<String> args) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("not a --key=value argument: " + arg);
            }
            settings.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return settings;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process ends at once, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, so that the service finishes what it is doing; SIGKILL if it has not stopped after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            System.err.println("hostplane: " + name + " did not stop within 30 s; killing it");
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean isExecutableJar(String classPath) {
        return !classPath.contains(File.pathSeparator) && classPath.endsWith(".jar");
    }

    /** The settings as the JSON object {@code SPRING_APPLICATION_JSON} holds. */
    static String json(Map<String, String> settings) {
        return JsonMapper.builder().build().writeValueAsString(settings);
    }
}
