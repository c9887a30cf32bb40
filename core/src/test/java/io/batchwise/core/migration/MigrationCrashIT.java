package io.batchwise.core.migration;

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
import io.batchwise.testing.Counters;
import io.batchwise.testing.KillNineRestarts;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The exactly-once proof: a migration in a forked JVM is killed with SIGKILL (kill -9,
 * {@code Process.destroyForcibly()}) at random instants (two in three after the run's first committed
 * chunk, the others at any instant from the JVM's start, planning included), and
 * started again each time until it finishes; then every row's counter is exactly 1 and the
 * checkpoints account for every row. For 1 and 4 partitions, with both drivers.
 *
 * <p>Default size, for CI: {@value #DEFAULT_ROWS} rows, {@value KillNineRestarts#DEFAULT_KILLS} kills per case
 * (the system properties of {@link KillNineRestarts} change both).
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class MigrationCrashIT {
    static final int DEFAULT_ROWS = 150_000;
    static final int ROWS = KillNineRestarts.rows(DEFAULT_ROWS);
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
                String.valueOf(KillNineRestarts.CHUNK));
        // four partitions go through the table about three times faster: kill sooner to kill as often
        KillNineRestarts.Outcome outcome = KillNineRestarts.run(MigrationProbe.class.getName(), args,
                KillNineRestarts.kills(), new Random(ROWS * 31L + partitions * 7L + driver.ordinal()),
                new KillNineRestarts.Delays(1_500, partitions == 1 ? 400 : 150));
        System.out.println("[batchwise] crash proof: " + ROWS + " rows, " + partitions + " partition(s), " + driver
                + ": " + outcome.kills() + " kills, " + outcome.runs() + " runs");
        try (Connection c = schema.server().connect(schema.name())) {
            KillNineRestarts.assertEveryRowChangedOnce(c, table, job, partitions, ROWS, outcome);
        }
    }
}
