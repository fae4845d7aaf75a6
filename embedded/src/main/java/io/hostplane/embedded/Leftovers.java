package io.hostplane.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a crash leaves behind and how to recognise it: a process id that names nobody, a zombie or another program; a
 * server of ours still running without the launcher that started it (an orphan); a folder that was never finished.
 * Linux's {@code /proc} answers; elsewhere a process counts as gone when Java cannot see it.
 */
public final class Leftovers {

    /** What the process id in a lock file ({@code postmaster.pid}) points at now. */
    public enum PidState {
        /** No such process. */
        GONE,
        /** Dead but not yet reaped by its parent: it holds its id, yet runs nothing. */
        ZOMBIE,
        /** A live process that is not the server of this data folder (the id was reused). */
        OTHER_PROGRAM,
        /** The server of this data folder, alive. */
        SERVER
    }

    private Leftovers() {}

    /**
     * The state of {@code pid}: {@link PidState#SERVER} when it runs in {@code serverDir} (PostgreSQL's postmaster
     * works in its data folder) or names it on its command line.
     */
    public static PidState pidState(long pid, Path serverDir) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return PidState.GONE;
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // pid (comm) state …: comm may hold spaces and parentheses, the state follows the last ')'.
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            if (state == 'Z' || state == 'X') {
                return PidState.ZOMBIE;
            }
        } catch (IOException | RuntimeException unreadable) {
            // Not Linux, or gone meanwhile: decided by what Java sees below.
        }
        String dir = serverDir.toAbsolutePath().normalize().toString();
        try {
            if (Files.readSymbolicLink(proc.resolve("cwd")).toString().equals(dir)) {
                return PidState.SERVER;
            }
        } catch (IOException | RuntimeException unreadable) {
            // Another user's process, or not Linux: its command line decides.
        }
        String command = handle.get().info().commandLine().orElse("");
        return command.contains(dir) ? PidState.SERVER : PidState.OTHER_PROGRAM;
    }

    /** The live processes whose command line holds every one of {@code fragments}, this JVM excepted. */
    public static List<ProcessHandle> running(String... fragments) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> {
                    String command = p.info().commandLine().orElse("");
                    for (String fragment : fragments) {
                        if (!command.contains(fragment)) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
    }

    /** SIGTERM, then SIGKILL to it and its children after {@code grace}; returns once it is gone. */
    public static void stop(ProcessHandle process, Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception notYet) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception stillThere) {
                // A zombie never exits for us; it holds nothing that a new server needs.
            }
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Moves an unfinished folder aside ({@code name.incomplete-<time>}) rather than deleting it: nothing in it was
     * ever used, but a person may want to see what the crash left. Returns where it went.
     */
    /**
     * The processes whose working directory is {@code dir}: a PostgreSQL server's processes all work in its data
     * folder, so these are the backends, checkpointer and writers a killed postmaster left behind (they outlive it
     * for a moment, holding its shared memory, and a new server on the folder refuses to start while they do).
     */
    public static List<ProcessHandle> workingIn(Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"))
                                .equals(real);
                    } catch (IOException | UnsupportedOperationException | SecurityException e) {
                        return false; // gone meanwhile, a zombie, or not ours to look at
                    }
                })
                .toList();
    }

    public static Path moveAside(Path dir) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = dir.resolveSibling(dir.getFileName() + ".incomplete-" + stamp);
        return Files.move(dir, target);
    }

    /** The size of {@code log} now (0 if absent): where {@link #lastLine} reads from for this run's lines. */
    public static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The last line that holds {@code marker} (e.g. PostgreSQL's {@code FATAL}) among those written to {@code log}
     * after byte {@code from}, if any.
     */
    public static Optional<String> lastLine(Path log, String marker, long from) {
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(from, Files.size(log)));
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return text.lines()
                    .filter(l -> l.contains(marker))
                    .reduce((a, b) -> b)
                    .map(String::trim);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
