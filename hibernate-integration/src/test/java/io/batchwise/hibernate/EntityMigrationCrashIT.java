package io.batchwise.hibernate;

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
 * The exactly-once proof of {@code EntityMigration}, with core's {@link KillNineRestarts} loop (the
 * one {@code MigrationCrashIT} runs for {@code JdbcMigration}): an entity migration in a forked JVM
 * ({@link EntityMigrationProbe}, Hibernate booted in it) is killed with SIGKILL at random instants,
 * {@value KillNineRestarts#DEFAULT_KILLS} times, and started again until it finishes; then every row's counter is 1
 * and the checkpoints account for every row. 1 and 4 partitions, both drivers; {@code Session}
 * ({@code forEachEntity}, changes flushed at the chunk's end) and {@code StatelessSession}
 * ({@code forEachChunkStateless}, {@code update} per row) each in two of the four cases.
 *
 * <p>Default size, for CI: {@value #DEFAULT_ROWS} rows, {@value KillNineRestarts#DEFAULT_KILLS} kills per case. Smaller
 * than the JDBC proof's 150,000 because the time here goes mostly into the 44 JVM starts, each
 * booting Hibernate, not into the rows; at 150,000 rows the four cases took 518 s on the shared
 * 2-core machine (load average 14 to 17), at 60,000 rows 343 s (load 10 to 14). The system properties of
 * {@link KillNineRestarts} change the size.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class EntityMigrationCrashIT {
    static final int DEFAULT_ROWS = 60_000;
    static final int ROWS = KillNineRestarts.rows(DEFAULT_ROWS);
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) {
        schema = testSchema;
    }

    static List<Arguments> cases() {
        return List.of(Arguments.of(1, JdbcDriver.MYSQL_CONNECTOR_J, "session"),
                Arguments.of(4, JdbcDriver.MYSQL_CONNECTOR_J, "stateless"),
                Arguments.of(1, JdbcDriver.MARIADB_CONNECTOR_J, "stateless"),
                Arguments.of(4, JdbcDriver.MARIADB_CONNECTOR_J, "session"));
    }

    @ParameterizedTest(name = "{0} partition(s), {1}, {2}")
    @MethodSource("cases")
    void everyEntityIsChangedExactlyOnceAcrossKillNineRestarts(int partitions, JdbcDriver driver, String mode)
            throws Exception {
        String job = "entity-crash-" + partitions + "-" + driver;
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, "counted", ROWS); // the entity's table, made again for each case
        }
        List<String> args = List.of(mode, schema.jdbcUrl(driver, Map.of("rewriteBatchedStatements", "true")),
                schema.server().user(), schema.server().password(), job, String.valueOf(partitions),
                String.valueOf(KillNineRestarts.CHUNK));
        // any instant: from the JVM's start to just after the previous run's first commit (Hibernate's boot, the
        // planning, the first chunk), at most 4 s; after the first commit as in the JDBC proof (four partitions go
        // about three times faster)
        KillNineRestarts.Outcome outcome = KillNineRestarts.run(EntityMigrationProbe.class.getName(), args,
                KillNineRestarts.kills(), new Random(ROWS * 37L + partitions * 11L + driver.ordinal()),
                new KillNineRestarts.Delays(4_000, partitions == 1 ? 400 : 150));
        System.out.println("[batchwise] entity crash proof: " + ROWS + " rows, " + partitions + " partition(s), "
                + driver + ", " + mode + ": " + outcome.kills() + " kills, " + outcome.runs() + " runs; last run "
                + outcome.result());
        try (Connection c = schema.server().connect(schema.name())) {
            KillNineRestarts.assertEveryRowChangedOnce(c, "counted", job, partitions, ROWS, outcome);
        }
    }
}
