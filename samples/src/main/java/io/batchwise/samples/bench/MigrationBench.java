package io.batchwise.samples.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.SortKey;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.hibernate.EntityMigration;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.ServerDialect;
import io.batchwise.samples.ItemTable;
import io.batchwise.samples.SampleServer;

/**
 * The migration benchmark (issue #11): update every row ({@code amount = amount * 1.01} and a text
 * column) of a table of ~300-byte rows, each method in a fresh JVM with the same heap cap, side by
 * side; then a copy job and a delete job, and the JDBC migration's chunk-size curve. After every
 * run the table's {@code touched} counters must all equal the number of update runs so far: a
 * method that skipped or repeated a row is reported, whatever its speed.
 *
 * <pre>
 * mvn -B -pl samples -am package -DskipTests exec:exec \
 *     -Dsample.mainClass=io.batchwise.samples.bench.MigrationBench -Drows=1000000 -Dreps=1 -Dheap=64m
 * </pre>
 * {@code -DchildJvmArgs="..."} adds JVM options to every child (space-separated, as for the read
 * benchmark); {@code -Dmethods=set-based,jdbc-batch,...} picks methods ({@link #METHODS}); results are printed as
 * a markdown table and written to {@code samples/target/bench/migrations.md}.
 */
public final class MigrationBench {
    /** Every method, in run order: updates, then the chunk-size curve, then copy and delete. */
    static final List<String> METHODS = List.of(
            "set-based",                 // one UPDATE statement: the limit
            "jdbc-batch",                // raw JDBC: keyset read of ids, batched UPDATE, commit per 1,000 (the anchor)
            "hibernate-loop",            // hand-written: transaction per keyset chunk of entities, flush, clear
            "entity-migration-session",  // EntityMigration.forEachEntity, Session per chunk
            "entity-migration-stateless",// EntityMigration.forEachChunkStateless
            "entity-migration-session-nolock", // the same without FOR UPDATE: what the locking read costs
            "entity-migration-session-b1000",  // the same with jdbcBatchSize(1000): one JDBC batch per chunk
            "jdbc-migration",            // JdbcMigration, batched UPDATE, 1 partition
            "jdbc-migration-p2", "jdbc-migration-p4",
            "jdbc-migration-c100", "jdbc-migration-c300", "jdbc-migration-c3000", "jdbc-migration-c10000",
            "copy-job",                  // JdbcMigration inserting every row into bench_copy
            "delete-job");               // JdbcMigration deleting every row of bench_copy
    static final int CHUNK = 1_000;
    static final String TABLE = "bench_migrate";

    private MigrationBench() {
    }

    static BigDecimal newAmount(BigDecimal amount) {
        return amount.multiply(new BigDecimal("1.01")).setScale(2, RoundingMode.HALF_UP).min(new BigDecimal("9999999999.99"));
    }

    static String newPayload(String payload, int run) {
        String head = "run-" + run + "-";
        return head + payload.substring(Math.min(payload.length(), head.length()));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        long rows = Long.getLong("rows", 1_000_000L);
        int reps = Integer.getInteger("reps", 1);
        String heap = System.getProperty("heap", "64m");
        List<String> childJvmArgs = Arrays.stream(System.getProperty("childJvmArgs", "").split("\\s+"))
                .filter(a -> !a.isBlank()).toList();
        String methodList = System.getProperty("methods", "");
        List<String> methods = methodList.isBlank() || methodList.equals("all") || methodList.equals("${methods}")
                ? METHODS : List.of(methodList.split(","));
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw new IllegalArgumentException("methods: unknown method '" + m + "'; known: " + METHODS);
            }
        }
        try {
            SampleServer server = SampleServer.get();
            String schema = "batchwise_migrate_bench";
            try (Connection c = server.connect(null); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + schema);
                s.execute("CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
            try (Connection c = server.connect(schema); Statement s = c.createStatement()) {
                long start = System.nanoTime();
                ItemTable.create(c, TABLE, rows);
                s.execute("ALTER TABLE " + TABLE + " ADD COLUMN touched INT NOT NULL DEFAULT 0");
                s.execute("CREATE TABLE bench_copy LIKE " + TABLE);
                System.out.printf(Locale.ROOT, "created %,d rows in %.1f s on %s%n", rows,
                        (System.nanoTime() - start) / 1e9, server.describe());
            }
            String url = server.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, schema) + "&rewriteBatchedStatements=true";
            List<Map<String, String>> results = new ArrayList<>();
            int updates = 0;
            for (int rep = 1; rep <= reps; rep++) {
                for (String method : methods) {
                    Map<String, String> result = runChild(method, url, server, heap, childJvmArgs, rows);
                    boolean update = !method.equals("copy-job") && !method.equals("delete-job");
                    if (update && result.containsKey("seconds")) {
                        updates++;
                    }
                    result.put("rep", String.valueOf(rep));
                    result.put("check", check(server, schema, method, rows, updates));
                    results.add(result);
                    System.out.println(result);
                }
            }
            String table = report(results, rows, heap);
            System.out.println(table);
            Path out = Path.of(System.getProperty("bench.root", "."), "samples", "target", "bench", "migrations.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table, StandardCharsets.UTF_8);
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    /** "ok" when every row shows what the method should have left, else what is wrong. */
    static String check(SampleServer server, String schema, String method, long rows, int updates) throws Exception {
        try (Connection c = server.connect(schema); Statement s = c.createStatement()) {
            String sql = switch (method) {
                case "copy-job" -> "SELECT COUNT(*), COUNT(*), COUNT(*) FROM bench_copy";
                case "delete-job" -> "SELECT COUNT(*), 0, 0 FROM bench_copy";
                default -> "SELECT COUNT(*), COALESCE(SUM(touched = " + updates + "), 0), COALESCE(SUM(payload LIKE 'run-"
                        + updates + "-%'), 0) FROM " + TABLE;
            };
            try (ResultSet r = s.executeQuery(sql)) {
                r.next();
                long count = r.getLong(1);
                boolean ok = method.equals("delete-job") ? count == 0
                        : count == rows && r.getLong(2) == rows && r.getLong(3) == rows;
                return ok ? "ok" : "MISMATCH (" + count + " rows, " + r.getLong(2) + " with touched=" + updates + ")";
            }
        }
    }

    static Map<String, String> runChild(String method, String url, SampleServer server, String heap,
            List<String> childJvmArgs, long rows) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap));
        command.addAll(childJvmArgs);
        command.addAll(List.of("-Dorg.jboss.logging.provider=slf4j", "-cp", System.getProperty("java.class.path"),
                MigrationBench.class.getName(), "child", method, url, server.user(), server.password(),
                String.valueOf(rows)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String> result = new LinkedHashMap<>();
        result.put("method", method);
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    for (String pair : line.substring(7).split(" ")) {
                        int eq = pair.indexOf('=');
                        result.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.MINUTES) || !result.containsKey("seconds")) {
            process.destroyForcibly();
            result.put("outcome", "failed");
            System.out.println(output);
        } else {
            result.put("outcome", "ok");
        }
        return result;
    }

    static String report(List<Map<String, String>> results, long rows, String heap) {
        double anchor = results.stream().filter(r -> r.get("method").equals("jdbc-batch") && r.containsKey("seconds"))
                .mapToDouble(r -> rows / Double.parseDouble(r.get("seconds"))).max().orElse(Double.NaN);
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### Update every row, %,d rows, -Xmx%s%n%n",
                rows, heap));
        md.append("| method | rep | outcome | time s | rows/s | ÷ jdbc-batch | peak heap MB | rows checked |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---|\n");
        for (Map<String, String> r : results) {
            double seconds = r.containsKey("seconds") ? Double.parseDouble(r.get("seconds")) : Double.NaN;
            double rate = rows / seconds;
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %,.0f | %.2f | %s | %s |%n", r.get("method"),
                    r.get("rep"), r.get("outcome"), seconds, rate, rate / anchor, r.getOrDefault("peakMb", "-"),
                    r.get("check")));
        }
        return md.toString();
    }

    // ---------------------------------------------------------------- child JVM

    /** The child JVM: runs one method and prints {@code RESULT seconds=.. peakMb=..} (peak used, {@link HeapMonitor}). */
    static void child(String[] args) throws Exception {
        String method = args[1];
        try (HeapMonitor heap = new HeapMonitor(); HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(args[2]);
            ds.setUsername(args[3]);
            ds.setPassword(args[4]);
            ds.setMaximumPoolSize(6);
            long start = System.nanoTime();
            run(method, ds);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT seconds=%.3f peakMb=%.1f%n", seconds, heap.peakUsed() / 1048576.0);
        }
    }

    static void run(String method, HikariDataSource ds) throws Exception {
        switch (method) {
            case "set-based" -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE " + TABLE + " SET amount = LEAST(ROUND(amount * 1.01, 2), 9999999999.99),"
                            + " payload = CONCAT('run-', touched + 1, '-', SUBSTRING(payload, CHAR_LENGTH(CONCAT('run-',"
                            + " touched + 1, '-')) + 1)), touched = touched + 1");
                }
            }
            case "jdbc-batch" -> jdbcBatch(ds);
            case "hibernate-loop" -> {
                try (SessionFactory factory = factory(ds)) {
                    long last = 0;
                    while (true) {
                        try (Session session = factory.openSession()) {
                            Transaction tx = session.beginTransaction();
                            List<MigrationRow> chunk = session.createSelectionQuery(
                                    "from MigrationRow where id > :last order by id", MigrationRow.class)
                                    .setParameter("last", last).setMaxResults(CHUNK).getResultList();
                            chunk.forEach(MigrationRow::migrate);
                            session.flush();
                            tx.commit();
                            if (chunk.isEmpty()) {
                                break;
                            }
                            last = chunk.get(chunk.size() - 1).getId();
                        }
                    }
                }
            }
            case "entity-migration-session", "entity-migration-session-nolock", "entity-migration-session-b1000" -> {
                try (SessionFactory factory = factory(ds)) {
                    expect(EntityMigration.of(method, entities(factory)).chunkSize(CHUNK)
                            .lockingRead(!method.endsWith("-nolock"))
                            .jdbcBatchSize(method.endsWith("-b1000") ? 1_000 : EntityMigration.Builder.DEFAULT_JDBC_BATCH_SIZE)
                            .forEachEntity((session, row) -> row.migrate()).build().run());
                }
            }
            case "entity-migration-stateless" -> {
                try (SessionFactory factory = factory(ds)) {
                    expect(EntityMigration.of(method, entities(factory)).chunkSize(CHUNK)
                            .forEachChunkStateless((session, chunk) -> {
                                for (MigrationRow row : chunk) {
                                    row.migrate();
                                    session.update(row);
                                }
                            }).build().run());
                }
            }
            case "copy-job" -> expect(JdbcMigration.of(method, rows(ds)).chunkSize(CHUNK).lockingRead(false)
                    .forEachChunk((connection, chunk) -> {
                        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_copy"
                                + " (id, created_at, category, amount, payload, touched) VALUES (?, NOW(6), NULL, ?, ?, ?)")) {
                            for (Row row : chunk) {
                                insert.setLong(1, row.id());
                                insert.setBigDecimal(2, row.amount());
                                insert.setString(3, row.payload());
                                insert.setInt(4, row.touched());
                                insert.addBatch();
                            }
                            return insert.executeBatch().length;
                        }
                    }).build().run());
            case "delete-job" -> {
                JdbcKeysetPager<Long> copies = JdbcKeysetPager.select(ds, "id", r -> r.getLong(1)).from("bench_copy")
                        .orderBy(SortKey.asc("id")).open();
                expect(JdbcMigration.of(method, copies).chunkSize(CHUNK).lockingRead(false)
                        .forEachChunk((connection, ids) -> {
                            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM bench_copy WHERE id = ?")) {
                                for (long id : ids) {
                                    delete.setLong(1, id);
                                    delete.addBatch();
                                }
                                return delete.executeBatch().length;
                            }
                        }).build().run());
            }
            default -> {
                if (!method.startsWith("jdbc-migration")) {
                    throw new IllegalArgumentException("unknown method " + method);
                }
                int partitions = method.startsWith("jdbc-migration-p") ? Integer.parseInt(method.substring(16)) : 1;
                int chunk = method.startsWith("jdbc-migration-c") ? Integer.parseInt(method.substring(16)) : CHUNK;
                expect(JdbcMigration.of(method, rows(ds)).chunkSize(chunk).partitions(partitions)
                        .forEachChunk((connection, rows) -> update(connection, rows)).build().run());
            }
        }
    }

    /** A row as the JDBC methods read it. */
    record Row(long id, BigDecimal amount, String payload, int touched) {
    }

    static JdbcKeysetPager<Row> rows(HikariDataSource ds) {
        return JdbcKeysetPager.select(ds, "id, amount, payload, touched", r -> new Row(r.getLong(1), r.getBigDecimal(2),
                r.getString(3), r.getInt(4))).from(TABLE).orderBy(SortKey.asc("id")).open();
    }

    static EntityPager<MigrationRow> entities(SessionFactory factory) {
        return EntityPager.of(factory, MigrationRow.class).orderBy(SortKey.asc("id")).open();
    }

    static long update(Connection connection, List<Row> rows) throws java.sql.SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                + " SET amount = ?, payload = ?, touched = ? WHERE id = ?")) {
            for (Row row : rows) {
                update.setBigDecimal(1, newAmount(row.amount()));
                update.setString(2, newPayload(row.payload(), row.touched() + 1));
                update.setInt(3, row.touched() + 1);
                update.setLong(4, row.id());
                update.addBatch();
            }
            return update.executeBatch().length;
        }
    }

    /** The anchor: what a careful team writes by hand with plain JDBC. */
    static void jdbcBatch(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long last = 0;
            try (PreparedStatement read = c.prepareStatement("SELECT id, amount, payload, touched FROM " + TABLE
                    + " WHERE id > ? ORDER BY id LIMIT " + CHUNK + " FOR UPDATE")) {
                while (true) {
                    read.setLong(1, last);
                    List<Row> chunk = new ArrayList<>(CHUNK);
                    try (ResultSet r = read.executeQuery()) {
                        while (r.next()) {
                            chunk.add(new Row(r.getLong(1), r.getBigDecimal(2), r.getString(3), r.getInt(4)));
                        }
                    }
                    if (chunk.isEmpty()) {
                        c.commit();
                        return;
                    }
                    update(c, chunk);
                    c.commit();
                    last = chunk.get(chunk.size() - 1).id();
                }
            }
        }
    }

    static SessionFactory factory(HikariDataSource ds) {
        Configuration configuration = new Configuration().addAnnotatedClass(MigrationRow.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, ds);
        configuration.getProperties().put(AvailableSettings.DIALECT, ServerDialect.of(ds));
        configuration.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "100");
        configuration.setProperty(AvailableSettings.ORDER_UPDATES, "true");
        configuration.setProperty(AvailableSettings.ORDER_INSERTS, "true");
        return configuration.buildSessionFactory();
    }

    static void expect(MigrationResult result) {
        if (result.outcome() != MigrationResult.Outcome.FINISHED) {
            throw new IllegalStateException("the migration ended " + result.outcome());
        }
    }
}
