package io.batchwise.samples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * CPU time spent by this JVM and by the database server when the server runs on this machine (read
 * from Linux's {@code /proc}): with the wall time it tells how many cores a walk kept busy, which is
 * what decides whether overlapping reading with work can pay on the machine at all.
 */
final class CpuTimes {
    /** {@code /proc/<pid>/stat} counts in clock ticks; 100 per second on every Linux the JDK runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuTimes() {
    }

    /** CPU time of this JVM, all its threads, in ns; -1 where the JDK does not tell. */
    static long process() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Milliseconds the collectors have spent in collections so far (their pauses, summed over collectors). */
    static long gcMillis() {
        long sum = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Milliseconds the JIT compilers have spent so far; -1 where the JVM does not tell. */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** CPU time of the calling thread, in ns. */
    static long thread() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** The server's process id when it runs on this machine (its pid file is readable here), else -1. */
    static long serverPid(Connection connection) {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT @@pid_file")) {
            if (!r.next() || r.getString(1) == null) {
                return -1;
            }
            Path file = Path.of(r.getString(1));
            long pid = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            return of(pid) < 0 ? -1 : pid;
        } catch (SQLException | IOException | RuntimeException notHere) {
            return -1;
        }
    }

    /** CPU time (user + system) of process {@code pid}, in ns; -1 when it cannot be read. */
    static long of(long pid) {
        if (pid < 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // after "pid (comm) ": state is field 3, utime 14, stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException notReadable) {
            return -1;
        }
    }

    /** {@code end - start} in ms as text, or "" when either is unknown. */
    static String ms(long start, long end) {
        return start < 0 || end < 0 ? "" : Long.toString((end - start) / 1_000_000);
    }
}
