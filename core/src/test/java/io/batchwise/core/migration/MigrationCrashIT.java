package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.spi.Checkpoint;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The exactly-once proof: a migration in a forked JVM is killed with SIGKILL (kill -9,
 * {@code Process.destroyForcibly()}) at random instants (two in three after the run's first committed
 * chunk, the others at any instant from the JVM's start, planning included), and
 * started again each time until it finishes; then every row's counter is exactly 1 and the
 * checkpoints account for every row. For 1 and 4 partitions, with both drivers.
 *
 * <p>Default size, for CI: {@value #DEFAULT_ROWS} rows, {@value #DEFAULT_KILLS} kills per case.
 * The full size: {@code -Dbatchwise.migration.crash.rows=1000000 -Dbatchwise.migration.crash.kills=10}.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class MigrationCrashIT {
    static final int DEFAULT_ROWS = 150_000;
    static final int DEFAULT_KILLS = 10;
    static final int ROWS = Integer.getInteger("batchwise.migration.crash.rows", DEFAULT_ROWS);
    static final int KILLS = Integer.getInteger("batchwise.migration.crash.kills", DEFAULT_KILLS);
    static final int CHUNK = 1_000;
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) {
        schema = testSchema;
    }

    static List<Arguments> cases() {
        return List.of(Arguments.of(1, JdbcDriver.MYSQL_CONNECTOR_J), Arguments.of(4, JdbcDriver.MYSQL_CONNECTOR_J),
                Arguments.of(1, JdbcDriver.MARIADB_CONNECTOR_J), Arguments.of(4, JdbcDriver.MARIADB_CONNECTOR_J));
    }

    @ParameterizedTest(name = "{0} partition(s), {1}")
    @MethodSource("cases")
    void everyRowIsChangedExactlyOnceAcrossKillNineRestarts(int partitions, JdbcDriver driver) throws Exception {
        String table = "crash_" + partitions + "_" + driver.ordinal();
        String job = "crash-" + partitions + "-" + driver;
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, table, ROWS);
        }
        List<String> args = List.of("crash", schema.jdbcUrl(driver, Map.of("rewriteBatchedStatements", "true")),
                schema.server().user(), schema.server().password(), table, job, String.valueOf(partitions),
                String.valueOf(CHUNK));
        Random random = new Random(ROWS * 31L + partitions * 7L + driver.ordinal());
        int kills = 0;
        int runs = 0;
        Map<String, String> result = null;
        while (result == null) {
            runs++;
            ForkedProbe probe = new ForkedProbe(List.of("-Xmx128m"), args);
            // every third kill at any instant from the start (JVM start, planning, the first chunk), the others
            // at a random instant after the first committed chunk of the run
            boolean anyInstant = kills % 3 == 2;
            if (kills < KILLS && (anyInstant || probe.committed.await(120, TimeUnit.SECONDS))) {
                // four partitions go through the table about three times faster: kill sooner to kill as often
                // short enough that ten runs do not finish the job (a run that reaches the end before its
                // kill ends the loop early); four partitions go through the table about three times faster
                Thread.sleep(random.nextInt(anyInstant ? 1_500 : partitions == 1 ? 400 : 150));
                if (probe.process.isAlive()) {
                    probe.process.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback from the client
                    probe.process.waitFor(30, TimeUnit.SECONDS);
                    kills++;
                    continue;
                }
            }
            Map<String, String> end = probe.finish(600);
            String outcome = end.get("outcome");
            assertTrue(outcome != null, "run " + runs + " printed no RESULT; output:\n" + probe.output);
            if (outcome.equals("FINISHED") || outcome.equals("ALREADY_FINISHED")) {
                result = end;
            }
        }
        System.out.println("[batchwise] crash proof: " + ROWS + " rows, " + partitions + " partition(s), " + driver
                + ": " + kills + " kills, " + runs + " runs");
        assertTrue(kills >= Math.min(KILLS, 1), "killed at least once");
        try (Connection c = schema.server().connect(schema.name())) {
            assertArrayEquals(new long[] {0, ROWS, 0}, Counters.histogram(c, table),
                    "rows with touched = 0, = 1, > 1 after " + kills + " kills");
        }
        try (com.zaxxer.hikari.HikariDataSource ds = schema.newPool(driver, Map.of(), c -> { })) {
            JdbcKeysetPager<Long> ids = Counters.ids(ds, table);
            List<Checkpoint> checkpoints = JdbcMigration.of(job, ids).partitions(partitions)
                    .forEachChunk(Counters.increment(table)).build().checkpoints();
            assertEquals(partitions, checkpoints.size());
            assertTrue(checkpoints.stream().allMatch(Checkpoint::finished), checkpoints.toString());
            assertEquals(ROWS, checkpoints.stream().mapToLong(Checkpoint::rowsRead).sum(), checkpoints.toString());
        }
    }
}
