package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.SortKey;
import io.batchwise.core.migration.Migration;
import io.batchwise.core.spi.Checkpoint;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.testing.Counters;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The migration's guarantees without faults: every row changed exactly once, with 1 and 4
 * partitions that cover every row and never overlap, both drivers; re-runs of a finished job do
 * nothing; a stop commits its chunk and the next run resumes; a dry run changes nothing; a second
 * run of a running job is refused; a job name reused with another query is refused; concurrent
 * application writes are not lost.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcMigrationIT {
    static final int ROWS = 20_000;
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) {
        schema = testSchema;
    }

    static HikariDataSource pool(JdbcDriver driver, int size) {
        return schema.newPool(driver, Map.of("rewriteBatchedStatements", "true"), c -> {
            c.setMaximumPoolSize(size);
            c.setLeakDetectionThreshold(0);
        });
    }

    static void table(String name, long rows) throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, name, rows);
        }
    }

    static long[] histogram(String table) throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            return Counters.histogram(c, table);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void changesEveryRowExactlyOnceInOnePartition(JdbcDriver driver) throws Exception {
        String table = "one_" + driver.ordinal();
        table(table, ROWS);
        try (HikariDataSource ds = pool(driver, 3)) {
            MigrationResult result = JdbcMigration.of("one-" + driver, Counters.ids(ds, table)).chunkSize(700)
                    .forEachChunk(Counters.increment(table)).build().run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(ROWS, result.rowsRead());
            assertEquals(ROWS, result.rowsWritten());
            assertEquals((ROWS + 699) / 700, result.chunks());
        }
        assertArrayEquals(new long[] {0, ROWS, 0}, histogram(table));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void fourPartitionsSplitAtQuantilesCoverEveryRowOnceWithoutOverlap(JdbcDriver driver) throws Exception {
        String table = "four_" + driver.ordinal();
        table(table, ROWS);
        // sparse ids: min/max arithmetic would give one partition nearly all rows
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement()) {
            s.execute("UPDATE `" + table + "` SET id = id + 1000000000 WHERE id > " + (ROWS / 10));
        }
        List<ChunkReport> reports = Collections.synchronizedList(new ArrayList<>());
        try (HikariDataSource ds = pool(driver, 6)) {
            Migration migration = JdbcMigration.of("four-" + driver, Counters.ids(ds, table)).chunkSize(500)
                    .partitions(4).listener(new MigrationListener() {
                        @Override
                        public void chunkCommitted(ChunkReport chunk) {
                            reports.add(chunk);
                        }
                    }).forEachChunk(Counters.increment(table)).build();
            MigrationResult result = migration.run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(4, result.partitions());
            assertEquals(ROWS, result.rowsRead());
            List<Checkpoint> checkpoints = migration.checkpoints();
            assertEquals(4, checkpoints.size());
            for (Checkpoint cp : checkpoints) {
                assertTrue(cp.finished(), cp.toString());
                // quantiles: each partition within 1 % of a quarter
                assertTrue(Math.abs(cp.rowsRead() - ROWS / 4) <= ROWS / 100, "partition sizes " + checkpoints);
            }
            assertNull(checkpoints.get(0).lowerToken());
            assertNull(checkpoints.get(3).upperToken());
            for (int i = 1; i < 4; i++) {
                assertEquals(checkpoints.get(i - 1).upperToken(), checkpoints.get(i).lowerToken(), "adjacent ranges");
            }
            // key ranges of the chunks per partition never overlap
            for (int p = 0; p < 4; p++) {
                int partition = p;
                long max = reports.stream().filter(r -> r.partition() == partition)
                        .mapToLong(r -> (Long) r.lastKeys().get(0)).max().orElseThrow();
                if (p < 3) {
                    long nextMin = reports.stream().filter(r -> r.partition() == partition + 1)
                            .mapToLong(r -> (Long) r.firstKeys().get(0)).min().orElseThrow();
                    assertTrue(max < nextMin, "partition " + p + " ends at " + max + ", the next starts at " + nextMin);
                }
            }
        }
        assertArrayEquals(new long[] {0, ROWS, 0}, histogram(table));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void partitionsByANonUniqueTimestampDescendingCoverEveryRowOnce(JdbcDriver driver) throws Exception {
        String table = "by_time_" + driver.ordinal();
        table(table, ROWS); // ten rows share each created_at: boundaries fall inside runs of equal timestamps
        try (HikariDataSource ds = pool(driver, 5)) {
            JdbcKeysetPager<Long> newestFirst = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from(table)
                    .orderBy(SortKey.desc("created_at")).open();
            Migration migration = JdbcMigration.of("by-time-" + driver, newestFirst).chunkSize(333)
                    .partitions(3).forEachChunk(Counters.increment(table)).build();
            MigrationResult result = migration.run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(ROWS, result.rowsRead());
            assertEquals(ROWS, migration.checkpoints().stream().mapToLong(Checkpoint::rowsRead).sum());
        }
        assertArrayEquals(new long[] {0, ROWS, 0}, histogram(table));
    }

    @Test
    void anAdaptiveChunkSizeGrowsWhileChunksAreFastAndShrinksWhenTheyAreSlow() throws Exception {
        table("adaptive", 12_000);
        List<ChunkReport> reports = Collections.synchronizedList(new ArrayList<>());
        MigrationListener record = new MigrationListener() {
            @Override
            public void chunkCommitted(ChunkReport chunk) {
                reports.add(chunk);
            }
        };
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            // fast work, a 300 ms target: from 10 rows the chunks grow (at most 4x per chunk) toward the cap
            JdbcMigration.of("adaptive-grow", Counters.ids(ds, "adaptive")).chunkSize(10)
                    .adaptiveChunkSize(10, 2_000, Duration.ofMillis(300)).listener(record)
                    .forEachChunk(Counters.increment("adaptive")).build().run();
            List<Integer> grown = reports.stream().map(ChunkReport::rows).toList();
            assertEquals(10, grown.get(0));
            assertTrue(grown.stream().allMatch(n -> n <= 2_000), grown.toString());
            assertTrue(grown.stream().anyMatch(n -> n >= 640), "grew: " + grown);
            assertArrayEquals(new long[] {0, 12_000, 0}, histogram("adaptive"));

            // slow work (2 ms a row), a 100 ms target: from 500 rows the chunks shrink toward 50
            reports.clear();
            StopSignal stop = new StopSignal();
            JdbcMigration.of("adaptive-shrink", Counters.ids(ds, "adaptive")).chunkSize(500)
                    .adaptiveChunkSize(20, 2_000, Duration.ofMillis(100)).listener(record).stopSignal(stop)
                    .forEachChunk((connection, ids) -> {
                        if (reports.size() >= 7) {
                            stop.request(); // enough chunks to see the trend
                        }
                        try {
                            Thread.sleep(2L * ids.size());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Counters.increment(connection, "adaptive", ids);
                    }).build().run();
            List<Integer> shrunk = reports.stream().map(ChunkReport::rows).toList();
            assertEquals(500, shrunk.get(0));
            assertTrue(shrunk.get(shrunk.size() - 1) <= 120, "shrank: " + shrunk);
        }
    }

    @Test
    void aFinishedJobRunAgainDoesNothingUntilReset() throws Exception {
        table("again", 3_000);
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            Migration migration = JdbcMigration.of("again", Counters.ids(ds, "again")).chunkSize(1_000)
                    .forEachChunk(Counters.increment("again")).build();
            assertEquals(MigrationResult.Outcome.FINISHED, migration.run().outcome());
            MigrationResult second = migration.run();
            assertEquals(MigrationResult.Outcome.ALREADY_FINISHED, second.outcome());
            assertEquals(0, second.rowsRead());
            assertArrayEquals(new long[] {0, 3_000, 0}, histogram("again"));
            assertEquals(1, migration.reset());
            assertEquals(MigrationResult.Outcome.FINISHED, migration.run().outcome());
            assertArrayEquals(new long[] {0, 0, 3_000}, histogram("again"));
        }
    }

    @Test
    void aStopCommitsTheCurrentChunkAndTheNextRunResumesAfterIt() throws Exception {
        table("stop", 10_000);
        try (HikariDataSource ds = pool(JdbcDriver.MARIADB_CONNECTOR_J, 3)) {
            StopSignal stop = new StopSignal();
            AtomicInteger chunks = new AtomicInteger();
            Migration migration = JdbcMigration.of("stop", Counters.ids(ds, "stop")).chunkSize(1_000)
                    .stopSignal(stop).forEachChunk((connection, ids) -> {
                        if (chunks.incrementAndGet() == 3) {
                            stop.request(); // this chunk still commits
                        }
                        return Counters.increment(connection, "stop", ids);
                    }).build();
            MigrationResult first = migration.run();
            assertEquals(MigrationResult.Outcome.STOPPED, first.outcome());
            assertEquals(3_000, first.rowsRead());
            assertArrayEquals(new long[] {7_000, 3_000, 0}, histogram("stop"));
            assertEquals(3_000, migration.checkpoints().get(0).rowsRead());

            Migration resumed = JdbcMigration.of("stop", Counters.ids(ds, "stop")).chunkSize(1_000)
                    .forEachChunk(Counters.increment("stop")).build();
            MigrationResult second = resumed.run();
            assertEquals(MigrationResult.Outcome.FINISHED, second.outcome());
            assertEquals(7_000, second.rowsRead());
        }
        assertArrayEquals(new long[] {0, 10_000, 0}, histogram("stop"));
    }

    @Test
    void aDryRunRunsTheWorkOnEveryChunkAndRollsItAllBack() throws Exception {
        table("dry", 5_000);
        List<ChunkReport> reports = Collections.synchronizedList(new ArrayList<>());
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            Migration dry = JdbcMigration.of("dry", Counters.ids(ds, "dry")).chunkSize(1_000).dryRun(true)
                    .listener(new MigrationListener() {
                        @Override
                        public void chunkCommitted(ChunkReport chunk) {
                            reports.add(chunk);
                        }
                    }).forEachChunk(Counters.increment("dry")).build();
            MigrationResult result = dry.run();
            assertEquals(MigrationResult.Outcome.DRY_RUN, result.outcome());
            assertEquals(5_000, result.rowsRead());
            assertEquals(5_000, result.rowsWritten());
            assertEquals(5, reports.size());
            assertEquals(List.of(1L), reports.get(0).firstKeys());
            assertEquals(List.of(5_000L), reports.get(4).lastKeys());
            assertTrue(reports.stream().allMatch(ChunkReport::dryRun));
            assertArrayEquals(new long[] {5_000, 0, 0}, histogram("dry"));
            assertTrue(dry.checkpoints().isEmpty(), "no checkpoint written");
        }
    }

    @Test
    void aSecondRunOfARunningJobIsRefusedAndWritesNothing() throws Exception {
        table("twice", 4_000);
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 5)) {
            CountDownLatch inChunk = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Migration first = JdbcMigration.of("twice", Counters.ids(ds, "twice")).chunkSize(1_000)
                    .forEachChunk((connection, ids) -> {
                        inChunk.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Counters.increment(connection, "twice", ids);
                    }).build();
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<MigrationResult> running = thread.submit(first::run);
                assertTrue(inChunk.await(60, TimeUnit.SECONDS));
                Migration second = JdbcMigration.of("twice", Counters.ids(ds, "twice")).chunkSize(1_000)
                        .lockWait(Duration.ZERO).forEachChunk(Counters.increment("twice")).build();
                IllegalStateException refused = assertThrows(IllegalStateException.class, second::run);
                assertTrue(refused.getMessage().contains("\"twice\" is already running"), refused.getMessage());
                assertTrue(refused.getMessage().contains("before it read or wrote anything"), refused.getMessage());
                assertThrows(IllegalStateException.class, second::reset);
                release.countDown();
                assertEquals(MigrationResult.Outcome.FINISHED, running.get(60, TimeUnit.SECONDS).outcome());
            } finally {
                release.countDown();
                thread.shutdownNow();
            }
        }
        assertArrayEquals(new long[] {0, 4_000, 0}, histogram("twice"));
    }

    @Test
    void aJobNameReusedWithAnotherQueryIsRefusedBeforeAnyWrite() throws Exception {
        table("reuse", 2_000);
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 3)) {
            StopSignal stop = new StopSignal();
            assertEquals(MigrationResult.Outcome.STOPPED, JdbcMigration.of("reuse", Counters.ids(ds, "reuse"))
                    .chunkSize(1_000).stopSignal(stop).forEachChunk((connection, ids) -> {
                        stop.request();
                        return Counters.increment(connection, "reuse", ids);
                    }).build().run().outcome());
            JdbcKeysetPager<Long> other = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("reuse")
                    .where("id > ?", 10).orderBy(SortKey.asc("id")).open();
            Migration reused = JdbcMigration.of("reuse", other).forEachChunk(Counters.increment("reuse"))
                    .build();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, reused::run);
            assertTrue(refused.getMessage().startsWith("job \"reuse\" was run with another query"), refused.getMessage());
            assertTrue(refused.getMessage().contains("Use a new job name"), refused.getMessage());
            assertArrayEquals(new long[] {1_000, 1_000, 0}, histogram("reuse"));
        }
    }

    @Test
    void concurrentApplicationWritesToTheChunksRowsAreNeitherLostNorOverwritten() throws Exception {
        table("live", 6_000);
        try (HikariDataSource ds = pool(JdbcDriver.MYSQL_CONNECTOR_J, 4)) {
            try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement()) {
                s.execute("UPDATE live SET amount = 0");
            }
            ExecutorService app = Executors.newSingleThreadExecutor();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicInteger appWrites = new AtomicInteger();
            Future<?> writer = app.submit(() -> {
                java.util.Random random = new java.util.Random(7);
                try (Connection c = schema.server().connect(schema.name());
                        PreparedStatement ps = c.prepareStatement("UPDATE live SET amount = amount + 1000 WHERE id = ?")) {
                    while (!done.get()) {
                        ps.setLong(1, 1 + random.nextInt(6_000));
                        ps.executeUpdate();
                        appWrites.incrementAndGet();
                    }
                }
                return null;
            });
            // the work reads amount in the chunk and writes amount + 1 from what it read: a stale read would lose app writes
            JdbcMigration.of("live", JdbcKeysetPager.select(ds, "id, amount", row -> new long[] {row.getLong(1),
                    row.getBigDecimal(2).longValueExact()}).from("live").orderBy(SortKey.asc("id")).open())
                    .chunkSize(200).forEachChunk((connection, rows) -> {
                        try (PreparedStatement ps = connection.prepareStatement(
                                "UPDATE live SET amount = ?, touched = touched + 1 WHERE id = ?")) {
                            for (long[] row : rows) {
                                ps.setLong(1, row[1] + 1);
                                ps.setLong(2, row[0]);
                                ps.addBatch();
                            }
                            return ps.executeBatch().length;
                        }
                    }).build().run();
            done.set(true);
            writer.get(60, TimeUnit.SECONDS);
            app.shutdown();
            try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT SUM(amount) FROM live")) {
                r.next();
                // every row got +1 from the migration, and every application write's +1000 survived
                assertEquals(6_000L + 1_000L * appWrites.get(), r.getLong(1), appWrites.get() + " application writes");
            }
            assertTrue(appWrites.get() > 0);
        }
        assertArrayEquals(new long[] {0, 6_000, 0}, histogram("live"));
    }

    @Test
    void anErrorInTheWorkStopsTheJobNamingTheChunkAndTheNextRunResumesThere() throws Exception {
        table("broken", 3_000);
        try (HikariDataSource ds = pool(JdbcDriver.MARIADB_CONNECTOR_J, 3)) {
            BatchwiseException stopped = assertThrows(BatchwiseException.class, () -> JdbcMigration
                    .of("broken", Counters.ids(ds, "broken")).chunkSize(1_000).forEachChunk((connection, ids) -> {
                        Counters.increment(connection, "broken", ids);
                        if (ids.contains(1_500L)) {
                            throw new IllegalArgumentException("no price for item 1500");
                        }
                        return ids.size();
                    }).build().run());
            assertTrue(stopped.getMessage().contains("Migration job \"broken\" stopped in partition 0 at the chunk"
                    + " after key [1000]"), stopped.getMessage());
            assertTrue(stopped.getMessage().contains("no price for item 1500"), stopped.getMessage());
            assertTrue(stopped.getMessage().contains("run the job again: it resumes after the last committed chunk"),
                    stopped.getMessage());
            assertEquals(1_000, stopped.rowsRead());
            assertArrayEquals(new long[] {2_000, 1_000, 0}, histogram("broken"));
            assertEquals(MigrationResult.Outcome.FINISHED, JdbcMigration.of("broken", Counters.ids(ds, "broken"))
                    .chunkSize(1_000).forEachChunk(Counters.increment("broken")).build().run().outcome());
        }
        assertArrayEquals(new long[] {0, 3_000, 0}, histogram("broken"));
    }
}
