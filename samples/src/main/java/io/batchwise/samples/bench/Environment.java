package io.batchwise.samples.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What every result is recorded with: server, driver, JDK, machine, heap cap, load. */
final class Environment {
    private Environment() {
    }

    static Map<String, String> capture(String jdbcUrl, String user, String password, String serverDescription,
            Options options) throws SQLException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        env.put("server", serverDescription);
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            DatabaseMetaData meta = c.getMetaData();
            env.put("serverVersion", meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion());
            env.put("driver", meta.getDriverName() + " " + meta.getDriverVersion());
        }
        env.put("jdbcUrl", jdbcUrl);
        env.put("hibernate", org.hibernate.Version.getVersionString());
        env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        env.put("rows", Long.toString(options.rows()));
        env.put("heapCap", "-Xmx" + options.heap());
        env.put("childJvmArgs", String.join(" ", options.childJvmArgs()));
        env.put("reps", Integer.toString(options.reps()));
        env.put("warmups", Integer.toString(options.warmups()));
        env.put("loadAverageAtStart", loadAverage());
        return env;
    }

    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }
}
