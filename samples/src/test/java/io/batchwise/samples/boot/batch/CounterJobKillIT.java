package io.batchwise.samples.boot.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.testing.MySqlServer;

/**
 * The sample job's exactly-once proof: {@link CounterJobSample} runs in a forked JVM, is killed with
 * SIGKILL ({@code kill -9}, {@code Process.destroyForcibly()}) once about 20 % and again once about
 * 60 % of the rows are counted, with its four partitions in the middle of their chunks, and is started
 * again until the job completes; then every row's counter is exactly 1, the job instance has three
 * executions, and the partitions' committed read counts add up to the table's rows (a restart read no
 * row twice: it sought to each partition's last committed token). With MySQL Connector/J and MariaDB
 * Connector/J, the job repository in the same database.
 *
 * <p>The sample runs over 1,000,000 rows; the test over {@value #DEFAULT_ROWS} to keep its run time
 * reasonable ({@code -Dbatchwise.batch.kill.rows=1000000} for the full size).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CounterJobKillIT {
    static final int DEFAULT_ROWS = 200_000;
    static final int ROWS = Integer.getInteger("batchwise.batch.kill.rows", DEFAULT_ROWS);

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aPartitionedJobKilledTwiceAndRestartedCountsEveryRowExactlyOnce(JdbcDriver driver) throws Exception {
        MySqlServer server = MySqlServer.get();
        String schema = "batch_kill_" + (driver == JdbcDriver.MYSQL_CONNECTOR_J ? "mysql" : "mariadb");
        try (Connection c = server.connect(null); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + schema);
        }
        int kills = 0;
        for (double killAt : new double[] {0.2, 0.6}) {
            Fork fork = new Fork(server, driver, schema);
            long counted = awaitCounted(server, schema, (long) (ROWS * killAt), fork);
            assertTrue(fork.process.isAlive(), "the job finished before it could be killed at " + counted
                    + " rows; output:\n" + fork.output);
            fork.process.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback from the client
            assertTrue(fork.process.waitFor(60, TimeUnit.SECONDS));
            kills++;
            System.out.println("[batchwise] counter job (" + driver + ") killed at " + counted + " of " + ROWS + " rows");
        }
        Fork last = new Fork(server, driver, schema);
        assertTrue(last.process.waitFor(600, TimeUnit.SECONDS), "the restarted job did not finish; output:\n"
                + last.output);
        last.reader.join(10_000);
        String output = last.output.toString();
        assertTrue(output.contains("was left STARTED by a crash; recovering it") && output.contains("RESTART execution"),
                output);
        assertTrue(output.contains("RESULT status=COMPLETED execution="), output);
        assertTrue(output.contains(" counters=0/" + ROWS + "/0"), "rows with counter 0 / 1 / more after " + kills
                + " kills:\n" + output);

        try (Connection c = server.connect(schema)) {
            assertEquals(List.of("FAILED", "FAILED", "COMPLETED"), strings(c, "SELECT e.STATUS FROM BATCH_JOB_EXECUTION e"
                    + " ORDER BY e.JOB_EXECUTION_ID"), "one instance: two killed executions (recovered as FAILED), one"
                    + " that completed");
            List<String> reads = strings(c, "SELECT SUM(READ_COUNT) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE"
                    + " 'countWorker:partition%'");
            assertEquals(List.of(String.valueOf(ROWS)), reads, "items read over every partition execution: each row"
                    + " once, none read again on a restart");
            assertEquals(List.of("4"), strings(c, "SELECT COUNT(DISTINCT STEP_NAME) FROM BATCH_STEP_EXECUTION WHERE"
                    + " STEP_NAME LIKE 'countWorker:partition%'"));
        }
    }

    /** Waits until at least {@code rows} rows are counted (committed); returns how many were. */
    static long awaitCounted(MySqlServer server, String schema, long rows, Fork fork) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && fork.process.isAlive()) {
            try (Connection c = server.connect(schema); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + CounterJobConfiguration.TABLE
                            + " WHERE counter > 0")) {
                r.next();
                if (r.getLong(1) >= rows) {
                    return r.getLong(1);
                }
            } catch (SQLException notYet) {
                // the schema or the table is not there yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the job did not count " + rows + " rows in time; output:\n" + fork.output);
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }

    /** The sample in a JVM of its own, on the test's server, its output collected as it comes. */
    static final class Fork {
        final Process process;
        final StringBuffer output = new StringBuffer();
        final Thread reader;

        Fork(MySqlServer server, JdbcDriver driver, String schema) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m",
                    "-Dbatchwise.jdbcUrl=" + server.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, null, Map.of()),
                    "-Dbatchwise.test.user=" + server.user(), "-Dbatchwise.test.password=" + server.password(),
                    "-Drows=" + ROWS, "-Dbatchwise.batch.schema=" + schema,
                    "-Dbatchwise.driver=" + (driver == JdbcDriver.MYSQL_CONNECTOR_J ? "mysql" : "mariadb"),
                    "-cp", System.getProperty("java.class.path"), CounterJobSample.class.getName()));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        output.append(line).append('\n');
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
    }
}
