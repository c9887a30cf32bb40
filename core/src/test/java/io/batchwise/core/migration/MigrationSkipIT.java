package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.spi.Checkpoint;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.testing.Counters;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The skip policy on the server: some rows hold the largest {@code DECIMAL(12,2)}, so the work's
 * {@code amount = amount + 1} fails on them with the server's own out-of-range error (SQLState
 * 22003, strict mode). Those rows are found by bisecting their chunks, skipped and reported, and left
 * unchanged; every other row is changed exactly once (the counter column); past the limit the job
 * stops naming the row and resumes there. Both drivers, 1 and 4 partitions.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MigrationSkipIT {
    static final int ROWS = 10_000;
    /** The first row, the last, two neighbours, both sides of a chunk boundary, and some in between. */
    static final List<Long> BAD = List.of(1L, 700L, 701L, 2_100L, 2_101L, 5_555L, 7_777L, 10_000L);
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) {
        schema = testSchema;
    }

    static HikariDataSource pool(JdbcDriver driver, int size) {
        return schema.newPool(driver, Map.of("rewriteBatchedStatements", "true"), c -> c.setMaximumPoolSize(size));
    }

    /** The counters table with {@code bad} rows at the top of their amount's range. */
    static void table(String name, List<Long> bad) throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, name, ROWS);
            try (PreparedStatement ps = c.prepareStatement("UPDATE `" + name + "` SET amount = 9999999999.99 WHERE id = ?")) {
                for (long id : bad) {
                    ps.setLong(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** The bad rows' counters and amounts, then the histogram of every other row. */
    static void assertBadRowsUnchangedAndTheOthersChangedOnce(String table, List<Long> bad, long othersDone)
            throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(touched), 0) FROM `" + table
                        + "` WHERE amount = 9999999999.99")) {
            r.next();
            assertEquals(bad.size(), r.getLong(1), "bad rows keep their amount");
            assertEquals(0, r.getLong(2), "bad rows are not touched");
            assertArrayEquals(new long[] {ROWS - othersDone, othersDone, 0}, Counters.histogram(c, table),
                    "touched = 0, = 1, > 1");
        }
    }

    static List<Arguments> cases() {
        return List.of(Arguments.of(1, JdbcDriver.MYSQL_CONNECTOR_J), Arguments.of(4, JdbcDriver.MYSQL_CONNECTOR_J),
                Arguments.of(1, JdbcDriver.MARIADB_CONNECTOR_J), Arguments.of(4, JdbcDriver.MARIADB_CONNECTOR_J));
    }

    @ParameterizedTest(name = "{0} partition(s), {1}")
    @MethodSource("cases")
    void rowsTheWorkFailsOnAreBisectedOutSkippedAndReportedAndEveryOtherRowIsChangedOnce(int partitions,
            JdbcDriver driver) throws Exception {
        String table = "skip_" + partitions + "_" + driver.ordinal();
        table(table, BAD);
        List<SkippedRow> heard = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<ChunkReport> chunks = Collections.synchronizedList(new ArrayList<>());
        try (HikariDataSource ds = pool(driver, partitions + 2)) {
            Migration migration = JdbcMigration.of(table, Counters.ids(ds, table)).chunkSize(700).partitions(partitions)
                    .skipLimit(BAD.size()).listener(new MigrationListener() {
                        @Override
                        public void skipped(SkippedRow row, Throwable failure) {
                            heard.add(row);
                            failures.add(failure);
                        }

                        @Override
                        public void chunkCommitted(ChunkReport chunk) {
                            chunks.add(chunk);
                        }
                    }).forEachChunk(Counters.increment(table)).build();
            MigrationResult result = migration.run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(new TreeSet<>(BAD), new TreeSet<>(result.skipped().stream().map(s -> (Long) s.keys().get(0))
                    .toList()), result.skipped().toString());
            assertEquals(new java.util.HashSet<>(result.skipped()), new java.util.HashSet<>(heard), "the listener heard the same rows");
            for (SkippedRow row : result.skipped()) {
                assertEquals(table, row.job());
                assertTrue(row.error().contains("Out of range value for column 'amount'"), row.error());
            }
            for (Throwable failure : failures) {
                assertInstanceOf(java.sql.SQLException.class, failure, failure.toString());
            }
            assertEquals(ROWS, result.rowsRead(), "skipped rows are read");
            assertEquals(ROWS - BAD.size(), result.rowsWritten(), "and not written");
            assertEquals(ROWS, chunks.stream().mapToLong(ChunkReport::rows).sum(), "the committed chunks cover every row");
            assertEquals(result.chunks(), chunks.size());
            List<Checkpoint> checkpoints = migration.checkpoints();
            assertTrue(checkpoints.stream().allMatch(Checkpoint::finished), checkpoints.toString());
            assertEquals(ROWS, checkpoints.stream().mapToLong(Checkpoint::rowsRead).sum());
            assertEquals(ROWS - BAD.size(), checkpoints.stream().mapToLong(Checkpoint::rowsWritten).sum());
        }
        assertBadRowsUnchangedAndTheOthersChangedOnce(table, BAD, ROWS - BAD.size());
    }

    @Test
    void pastTheSkipLimitTheJobStopsNamingTheRowAndTheNextRunSkipsItWithinItsOwnLimit() throws Exception {
        List<Long> bad = List.of(3_000L, 3_001L, 6_500L);
        table("limit", bad);
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            JdbcMigration.Builder<Long> job = JdbcMigration.of("limit", Counters.ids(ds, "limit")).chunkSize(1_000)
                    .skipLimit(2).forEachChunk(Counters.increment("limit"));
            BatchwiseException stopped = assertThrows(BatchwiseException.class, () -> job.build().run());
            String message = stopped.getMessage();
            assertTrue(message.startsWith("Migration job \"limit\" stopped in partition 0 at the row after key [6499]: the"
                    + " work failed on this row alone ("), message);
            assertTrue(message.contains("Out of range value for column 'amount'"), message);
            assertTrue(message.contains("and this run has skipped 2 rows already, its skipLimit"), message);
            assertTrue(message.contains("run the job again: it resumes after the last committed chunk"), message);
            assertEquals(6_499, stopped.rowsRead());
            assertTrue(stopped.resumeToken().isPresent());
            // rows before 6500 done once (3000 and 3001 skipped), the rest untouched
            assertBadRowsUnchangedAndTheOthersChangedOnce("limit", bad, 6_499 - 2);

            MigrationResult resumed = job.build().run();
            assertEquals(MigrationResult.Outcome.FINISHED, resumed.outcome());
            assertEquals(List.of(List.<Object>of(6_500L)), resumed.skipped().stream().map(SkippedRow::keys).toList());
            assertEquals(ROWS - 6_499, resumed.rowsRead());
        }
        assertBadRowsUnchangedAndTheOthersChangedOnce("limit", bad, ROWS - bad.size());
    }

    @Test
    void withoutASkipLimitTheFirstFailureStopsTheJobAndTheMessageNamesTheOption() throws Exception {
        table("no_skip", List.of(1_234L));
        try (HikariDataSource ds = pool(JdbcDriver.MARIADB_CONNECTOR_J, 3)) {
            BatchwiseException stopped = assertThrows(BatchwiseException.class, () -> JdbcMigration
                    .of("no-skip", Counters.ids(ds, "no_skip")).chunkSize(1_000)
                    .forEachChunk(Counters.increment("no_skip")).build().run());
            assertTrue(stopped.getMessage().contains("at the chunk after key [1000] (up to 1000 rows)"),
                    stopped.getMessage());
            assertTrue(stopped.getMessage().contains("(or let skipLimit(n) step over the rows that fail alone)"),
                    stopped.getMessage());
        }
        assertBadRowsUnchangedAndTheOthersChangedOnce("no_skip", List.of(1_234L), 1_000);
    }

    @Test
    void aDryRunBisectsAndReportsTheSameRowsAndChangesNothing() throws Exception {
        List<Long> bad = List.of(10L, 4_000L);
        table("dry_skip", bad);
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            Migration dry = JdbcMigration.of("dry-skip", Counters.ids(ds, "dry_skip")).dryRun(true).skipLimit(5)
                    .forEachChunk(Counters.increment("dry_skip")).build();
            MigrationResult result = dry.run();
            assertEquals(MigrationResult.Outcome.DRY_RUN, result.outcome());
            assertEquals(List.of(List.<Object>of(10L), List.<Object>of(4_000L)),
                    result.skipped().stream().map(SkippedRow::keys).toList());
            assertTrue(dry.checkpoints().isEmpty());
        }
        assertBadRowsUnchangedAndTheOthersChangedOnce("dry_skip", bad, 0);
    }

    @Test
    void workThatCommitsIsNotSkippedButStopsTheJob() throws Exception {
        table("misuse_skip", List.of());
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            BatchwiseException stopped = assertThrows(BatchwiseException.class, () -> JdbcMigration
                    .of("misuse-skip", Counters.ids(ds, "misuse_skip")).skipLimit(100)
                    .forEachChunk((connection, ids) -> {
                        Counters.increment(connection, "misuse_skip", ids);
                        connection.commit();
                        return ids.size();
                    }).build().run());
            assertInstanceOf(IllegalStateException.class, stopped.getCause());
            assertTrue(stopped.getMessage().contains("called Connection.commit() on the chunk's connection"),
                    stopped.getMessage());
        }
        assertBadRowsUnchangedAndTheOthersChangedOnce("misuse_skip", List.of(), 0);
    }
}
