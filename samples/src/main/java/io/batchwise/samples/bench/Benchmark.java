package io.batchwise.samples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.batchwise.core.JdbcDriver;
import io.batchwise.samples.ItemTable;
import io.batchwise.samples.SampleServer;

/**
 * The benchmark harness: every way of reading a big table side by side, each run in a fresh JVM
 * with the same heap cap, several repetitions in interleaved order, checksums compared, results
 * written as CSV, JSON, a markdown table with ratios and PNG charts. See {@code docs/benchmark.md}.
 *
 * <pre>
 * mvn -B -pl samples -am package -DskipTests exec:exec \
 *     -Dsample.mainClass=io.batchwise.samples.bench.Benchmark -Drows=1000000 -Dreps=3
 * </pre>
 *
 * <p>The data set lives in schema {@code batchwise_bench_<rows>} and is reused when it already has
 * the rows; without a named server ({@code BATCHWISE_JDBC_URL}) an embedded MariaDB keeps it in
 * {@code samples/target/bench-db}. Exits with status 1 when a method that completed (or a capped
 * OFFSET walk, over the rows it read) disagrees with the server's checksum.
 */
public final class Benchmark {
    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Options options = Options.fromSystemProperties();
        int status;
        try {
            status = new Harness(options).run();
        } finally {
            SampleServer.stopEmbeddedNow();
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the plan; returns the exit status (1 when checksums disagree). */
    static final class Harness {
        private static final java.util.regex.Pattern HOST_PORT = java.util.regex.Pattern.compile("//([^/:]+):([0-9]+)/");
        private final Options options;
        private final Map<Long, Long> expectedChecksums = new LinkedHashMap<>();
        private final Map<Double, LatencyRelay> relays = new LinkedHashMap<>();
        private SampleServer server;
        private long serverPid = -1;

        Harness(Options options) {
            this.options = options;
        }

        int run() throws Exception {
            Files.createDirectories(options.out());
            Files.createDirectories(options.logs());
            if (System.getProperty("batchwise.test.embedded.dataDir") == null) {
                System.setProperty("batchwise.test.embedded.dataDir", options.dataDir().toString());
            }
            if (System.getProperty("batchwise.test.embedded.bufferPool") == null) {
                System.setProperty("batchwise.test.embedded.bufferPool", "1G");
            }
            server = SampleServer.get();
            List<Long> sizes = options.scale() > 0 ? List.of(options.rows(), options.rows() * options.scale())
                    : List.of(options.rows());
            for (long n : sizes) {
                prepare(n);
            }
            String url = url(options.rows());
            Map<String, String> env = Environment.capture(url, server.user(), server.password(), server.describe(), options);
            env.put("command", command());
            try (Connection c = server.connect(null)) {
                serverPid = CpuTimes.serverPid(c);
            }
            env.put("serverCpu", serverPid < 0 ? "not measured (the server is not a process of this machine)"
                    : "measured from /proc/" + serverPid);
            System.out.println("environment:");
            env.forEach((k, v) -> System.out.printf("  %-20s %s%n", k, v));

            List<Method> methods = options.scale() > 0 ? options.scaleMethods() : options.methods();
            List<Run> runs = new ArrayList<>();
            try {
                for (double latency : options.latencies()) {
                    if (latency > 0) {
                        relays.put(latency, new LatencyRelay(serverHost(), serverPort(), latency));
                        env.put("roundTripMs@" + Report.latency(latency), roundTrip(latency, options.rows()));
                    }
                }
                if (!relays.isEmpty()) {
                    env.put("roundTripMs@0", roundTrip(0, options.rows()));
                }
                for (long n : sizes) {
                    for (int rep = 1; rep <= options.reps(); rep++) {
                        for (double latency : options.latencies()) {
                            for (Work work : options.works()) {
                                // Interleaved: every method once per repetition, the order rotated each time.
                                for (int i = 0; i < methods.size(); i++) {
                                    Method method = methods.get((i + rep - 1) % methods.size());
                                    runs.add(walk(method, n, rep, latency, work));
                                }
                                if (options.scale() == 0 && work == options.works().get(0)) {
                                    for (Method method : methods) {
                                        if (method.pageProbed()) {
                                            runs.add(child(method, n, rep, "pages", latency, work));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            } finally {
                for (LatencyRelay relay : relays.values()) {
                    relay.close();
                }
            }
            env.put("loadAverageAtEnd", Environment.loadAverage());
            java.util.DoubleSummaryStatistics loads = runs.stream().mapToDouble(r -> r.number("loadAverage"))
                    .filter(d -> !Double.isNaN(d)).summaryStatistics();
            if (loads.getCount() > 0) {
                env.put("loadAverageDuringRun", String.format(java.util.Locale.ROOT, "%.2f-%.2f", loads.getMin(), loads.getMax()));
            }
            runs.stream().filter(r -> r.mode.equals("walk") && !r.text("gc").isEmpty()).findFirst()
                    .ifPresent(r -> env.put("childGc", r.text("gc")));

            List<String> disagreements = verify(runs);
            String prefix = options.scale() > 0 ? "scaling" : "results";
            Report report = new Report(options, env, runs, disagreements);
            report.write(options.out(), prefix);
            // the charts show the first latency and work (the only ones unless -Dlatency / -Dwork list more)
            String base = Report.variant(options.latencies().get(0), options.works().get(0));
            Charts.write(options.out(), prefix, options, runs.stream().filter(r -> Report.variant(r).equals(base))
                    .toList());
            if (options.latencies().size() * options.works().size() > 1) {
                Charts.readAhead(options.out().resolve(prefix + "-read-ahead.png"), runs);
            }
            System.out.println();
            System.out.println(Files.readString(options.out().resolve(prefix + ".md"), StandardCharsets.UTF_8));
            System.out.println("written to " + options.out());
            if (!disagreements.isEmpty()) {
                System.err.println("CHECKSUMS DISAGREE:");
                disagreements.forEach(d -> System.err.println("  " + d));
                return 1;
            }
            return 0;
        }

        private String url(long n) {
            return server.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, schema(n));
        }

        /** The URL of schema {@code n} through the relay of {@code latency} (direct for 0). */
        private String url(long n, double latency) {
            String direct = url(n);
            if (latency == 0) {
                return direct;
            }
            return HOST_PORT.matcher(direct).replaceFirst("//127.0.0.1:" + relays.get(latency).port() + "/");
        }

        private String serverHost() {
            java.util.regex.Matcher m = HOST_PORT.matcher(url(options.rows()));
            if (!m.find()) {
                throw new IllegalStateException("no host:port in " + url(options.rows()));
            }
            return m.group(1);
        }

        private int serverPort() {
            java.util.regex.Matcher m = HOST_PORT.matcher(url(options.rows()));
            if (!m.find()) {
                throw new IllegalStateException("no host:port in " + url(options.rows()));
            }
            return Integer.parseInt(m.group(2));
        }

        /** The median of 200 {@code SELECT 1} round trips at {@code latency}, in ms: what the relay really adds. */
        private String roundTrip(double latency, long n) throws SQLException {
            try (Connection c = java.sql.DriverManager.getConnection(url(n, latency), server.user(), server.password());
                    Statement s = c.createStatement()) {
                double[] ms = new double[200];
                for (int i = 0; i < ms.length; i++) {
                    long start = System.nanoTime();
                    try (java.sql.ResultSet r = s.executeQuery("SELECT 1")) {
                        r.next();
                    }
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                return String.format(java.util.Locale.ROOT, "%.3f", Report.median(ms));
            }
        }

        private static String schema(long n) {
            return "batchwise_bench_" + n;
        }

        /** Creates the table of {@code n} rows unless it is already there, and reads its checksum. */
        private void prepare(long n) throws SQLException {
            try (Connection c = server.connect(null); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + schema(n) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
            try (Connection c = server.connect(schema(n))) {
                if (ItemTable.hasRows(c, "item", n)) {
                    System.out.printf("data set: reusing %,d rows in %s%n", n, schema(n));
                } else {
                    long start = System.nanoTime();
                    System.out.printf("data set: creating %,d rows in %s ...%n", n, schema(n));
                    ItemTable.create(c, "item", n);
                    System.out.printf("data set: created in %.1f s%n", (System.nanoTime() - start) / 1e9);
                }
                expectedChecksums.put(n, ItemTable.expectedChecksum(c, "item"));
            }
        }

        private Run walk(Method method, long n, int rep, double latency, Work work)
                throws IOException, InterruptedException {
            Run run = child(method, n, rep, "walk", latency, work);
            System.out.printf("%-32s %-18s n=%,d rep %d: %-7s %,9d rows %8.2f s %,10.0f rows/s peak %5s MB live %5s MB retained %5s MB%s%n",
                    method.id, Report.variant(run), n, rep, run.outcome(), run.rows(), run.wallMs() / 1000.0, run.rowsPerSecond(),
                    run.text("peakUsedMb"), run.text("peakLiveMb"), run.text("retainedEndMb"),
                    run.ok() || run.outcome().equals("capped") ? "" : "  (" + abbreviate(run.text("error")) + ")");
            return run;
        }

        private Run child(Method method, long n, int rep, String mode, double latency, Work work)
                throws IOException, InterruptedException {
            String name = method.id.replace('+', '-') + "-" + n + "-" + mode + "-" + rep + "-latency"
                    + Report.latency(latency) + "-work-" + work.id().replace(':', '_').replace('+', '_');
            Path log = options.logs().resolve(name + ".log");
            Path trace = options.logs().resolve(name + ".heap.csv");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + options.heap());
            command.addAll(options.childJvmArgs());
            if (options.jfr().contains(method) && mode.equals("walk")) {
                Path jfr = options.logs().resolve("jfr");
                Files.createDirectories(jfr);
                command.add("-XX:StartFlightRecording=filename=" + jfr.resolve(name + ".jfr") + ",settings=profile");
            }
            command.add("-Dorg.jboss.logging.provider=slf4j");
            command.add("-Dbench.method=" + method.id);
            command.add("-Dbench.mode=" + mode);
            command.add("-Dbench.url=" + url(n, latency));
            command.add("-Dbench.work=" + work.id());
            command.add("-Dbench.warmups=" + options.warmups());
            command.add("-Dbench.serverPid=" + serverPid);
            command.add("-Dbench.user=" + server.user());
            command.add("-Dbench.rows=" + n);
            command.add("-Dbench.offsetCapSeconds=" + options.offsetCapSeconds());
            command.add("-Dbench.trace=" + trace);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Probe.class.getName());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("BENCH_PASSWORD", server.password());
            String load = Environment.loadAverage();
            long harnessCpu = CpuTimes.process();
            Process process = builder.start();
            Map<String, String> fields;
            if (!process.waitFor(options.timeoutSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fields = new LinkedHashMap<>(Map.of("method", method.id, "outcome", "timeout",
                        "error", "killed after " + options.timeoutSeconds() + " s"));
            } else {
                fields = null;
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (line.startsWith(Probe.RESULT_PREFIX)) {
                        fields = Run.parse(line);
                    }
                }
                if (fields == null) {
                    fields = new LinkedHashMap<>(Map.of("method", method.id, "outcome", "error",
                            "error", "no result line; exit status " + process.exitValue() + ", see " + log));
                }
            }
            fields.put("harnessCpuMs", CpuTimes.ms(harnessCpu, CpuTimes.process()));
            fields.put("loadAverage", load);
            fields.put("latencyMs", Report.latency(latency));
            fields.put("work", work.id());
            return new Run(method, n, rep, mode, fields, log, mode.equals("walk") && Files.exists(trace) ? trace : null);
        }

        /** Compares every walk's checksum with the server's; returns what disagrees. */
        private List<String> verify(List<Run> runs) throws SQLException {
            List<String> disagreements = new ArrayList<>();
            for (Run run : runs) {
                if (!run.mode.equals("walk")) {
                    if (run.outcome().equals("error")) {
                        disagreements.add(run.method.id + " pages rep " + run.rep + ": " + run.text("error"));
                    }
                    continue;
                }
                long expected;
                if (run.ok()) {
                    expected = expectedChecksums.get(run.tableRows);
                } else if (run.outcome().equals("capped")) {
                    try (Connection c = server.connect(schema(run.tableRows))) {
                        expected = ItemTable.expectedChecksum(c, "item", run.rows());
                    }
                } else {
                    if (run.outcome().equals("error")) {
                        System.err.println("note: " + run.method.id + " rep " + run.rep + " failed: " + run.text("error"));
                    }
                    continue;
                }
                boolean agrees = run.checksum() == expected && (run.ok() ? run.rows() == run.tableRows : run.rows() > 0);
                run.checksumOk = agrees ? "yes" : "no";
                if (!agrees) {
                    disagreements.add(run.method.id + " n=" + run.tableRows + " rep " + run.rep + ": " + run.rows()
                            + " rows, checksum " + run.checksum() + ", expected " + expected);
                }
            }
            return disagreements;
        }

        private String command() {
            StringBuilder c = new StringBuilder("mvn -B -pl samples -am package -DskipTests exec:exec"
                    + " -Dsample.mainClass=" + Benchmark.class.getName() + " -Drows=" + options.rows()
                    + " -Dreps=" + options.reps() + " -Dheap=" + options.heap());
            if (options.scale() > 0) {
                c.append(" -Dscale=").append(options.scale());
                if (!options.scaleMethods().equals(Options.DEFAULT_SCALE_METHODS)) {
                    c.append(" -DscaleMethods=").append(ids(options.scaleMethods()));
                }
            } else if (!options.methods().equals(java.util.Arrays.asList(Method.values()))) {
                c.append(" -Dmethods=").append(ids(options.methods()));
            }
            if (options.offsetCapSeconds() != 60) {
                c.append(" -DoffsetCap=").append(options.offsetCapSeconds());
            }
            if (!options.latencies().equals(List.of(0.0))) {
                c.append(" -Dlatency=").append(String.join(",", options.latencies().stream().map(Report::latency).toList()));
            }
            if (!options.works().equals(List.of(Work.NONE))) {
                c.append(" -Dwork=").append(String.join(",", options.works().stream().map(Work::id).toList()));
            }
            if (options.warmups() > 0) {
                c.append(" -Dwarmups=").append(options.warmups());
            }
            if (!options.childJvmArgs().isEmpty()) {
                c.append(" -DchildJvmArgs=\"").append(String.join(" ", options.childJvmArgs())).append('"');
            }
            return c.toString();
        }

        private static String ids(List<Method> methods) {
            return String.join(",", methods.stream().map(m -> m.id).toList());
        }

        private static String abbreviate(String s) {
            return s.length() <= 160 ? s : s.substring(0, 157) + "...";
        }
    }
}
