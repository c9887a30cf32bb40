package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.SortKey;
import io.batchwise.core.spi.CheckpointStore;
import io.batchwise.core.spi.Throttle;
import io.batchwise.testing.Counters;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.StatementLog;
import io.batchwise.testing.TestSchema;

/**
 * Every public entry point of the migration API with each kind of bad argument, one row per case:
 * the exception type, fragments of its message (the parameter, the bad value, the fix), and that no
 * SQL was sent (a statement log under the pool). The refusals that need the job's stored state
 * (a job name reused with another query or other partitions, a start token for a job that has a
 * checkpoint, a checkpoint table that cannot be created) and the work's misuse of the chunk's
 * transaction are separate tests, which prove that nothing was written.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MigrationBadInputIT {
    static TestSchema schema;
    static HikariDataSource pool;
    static StatementLog log;
    static JdbcKeysetPager<Long> ids;
    static JdbcKeysetPager<Long> otherIds;
    static String otherToken;
    static String ownPreviousToken;
    static String ownNextToken;
    static final JdbcMigration.ChunkWork<Long> WORK = Counters.increment("bad");

    @BeforeAll
    static void setUp(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, "bad", 3_000);
        }
        pool = schema.newPool(JdbcDriver.MYSQL_CONNECTOR_J, Map.of(), c -> c.setMaximumPoolSize(4));
        log = new StatementLog(pool);
        ids = Counters.ids(log, "bad");
        otherIds = JdbcKeysetPager.select(log, "id", row -> row.getLong(1)).from("bad").where("id > ?", 5)
                .orderBy(SortKey.asc("id")).pageSize(10).open();
        otherToken = otherIds.first().nextToken();
        ownNextToken = ids.first().nextToken();
        ownPreviousToken = ids.page(ownNextToken).previousToken();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    record Case(String description, Executable call, Class<? extends Throwable> type, List<String> fragments) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Case bad(String description, Executable call, String... fragments) {
        return new Case(description, call, IllegalArgumentException.class, List.of(fragments));
    }

    static JdbcMigration.Builder<Long> builder() {
        return JdbcMigration.of("bad-input", ids);
    }

    static Stream<Case> cases() {
        return Stream.of(
                bad("job null", () -> JdbcMigration.of(null, ids), "job must not be null", "name the job"),
                bad("job empty", () -> JdbcMigration.of("", ids), "job must be 1 to 190 characters", "was \"\"",
                        "name the job"),
                bad("job blank", () -> JdbcMigration.of("  ", ids), "job must be 1 to 190 characters", "was \"  \""),
                bad("job too long", () -> JdbcMigration.of("j".repeat(191), ids), "job must be 1 to 190 characters"),
                bad("job with a control character", () -> JdbcMigration.of("a\nb", ids),
                        "without control characters"),
                bad("pager null", () -> JdbcMigration.of("job", null), "pager must not be null",
                        "pass the JdbcKeysetPager"),
                bad("chunkSize 0", () -> builder().chunkSize(0), "chunkSize must be in [1, 100000], was 0",
                        "500 to 5,000 suits most jobs"),
                bad("chunkSize negative", () -> builder().chunkSize(-5), "chunkSize must be in [1, 100000], was -5"),
                bad("chunkSize too large", () -> builder().chunkSize(100_001),
                        "chunkSize must be in [1, 100000], was 100001", "held in memory whole"),
                bad("partitions 0", () -> builder().partitions(0), "partitions must be in [1, 64], was 0",
                        "start with the server's cores"),
                bad("partitions 65", () -> builder().partitions(65), "partitions must be in [1, 64], was 65"),
                bad("retry null", () -> builder().retry(null), "retry must not be null", "RetryPolicy.DEFAULT"),
                bad("retry attempts 0", () -> RetryPolicy.of(0, Duration.ofMillis(1), Duration.ofMillis(1)),
                        "maxAttempts must be in [1, 1000], was 0"),
                bad("retry backoff zero", () -> RetryPolicy.of(3, Duration.ZERO, Duration.ofSeconds(1)),
                        "initialBackoff must be between 1 ms and 1 hour, was PT0S"),
                bad("retry backoff null", () -> RetryPolicy.of(3, Duration.ofMillis(5), null),
                        "maxBackoff must be between 1 ms and 1 hour, was null"),
                bad("retry max below initial", () -> RetryPolicy.of(3, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                        "maxBackoff must be >= initialBackoff (PT2S), was PT1S"),
                bad("throttle null", () -> builder().throttle(null), "throttle must not be null", "Throttle.NONE"),
                bad("threadsRunning limit 0", () -> Throttle.threadsRunning(0, Duration.ofSeconds(1)),
                        "limit must be >= 1, was 0"),
                bad("threadsRunning pause null", () -> Throttle.threadsRunning(8, null),
                        "pause must be between 1 ms and 1 minute, was null"),
                bad("listener null", () -> builder().listener(null), "listener must not be null"),
                bad("stopSignal null", () -> builder().stopSignal(null), "stopSignal must not be null",
                        "call request() on it"),
                bad("checkpointStore null", () -> builder().checkpointStore(null), "checkpointStore must not be null",
                        "CheckpointStore.table()"),
                bad("checkpoint table with SQL in its name", () -> CheckpointStore.table("cp; DROP TABLE x"),
                        "cp; DROP TABLE x"),
                bad("progressInterval too short", () -> builder().progressInterval(Duration.ofMillis(10)),
                        "progressInterval must be between 100 ms and 1 hour, was PT0.01S"),
                bad("lockWait negative", () -> builder().lockWait(Duration.ofSeconds(-1)),
                        "lockWait must be between 0 and 60 s, was PT-1S"),
                bad("lockWait too long", () -> builder().lockWait(Duration.ofMinutes(2)),
                        "lockWait must be between 0 and 60 s, was PT2M"),
                bad("startAfter null", () -> builder().startAfter(null), "startAfter must not be null"),
                bad("startAfter blank", () -> builder().startAfter(" "), "startAfter must not be blank"),
                bad("startAfter malformed", () -> builder().startAfter("not-a-token!"), "token"),
                bad("startAfter: a token of another job's query", () -> builder().startAfter(otherToken),
                        "token was issued for a different query"),
                bad("startAfter: a previous-page token", () -> builder().startAfter(ownPreviousToken),
                        "startAfter must lead forward", "Page.previousToken()"),
                bad("startAfter with partitions", () -> builder().startAfter(ownNextToken).partitions(4)
                        .forEachChunk(WORK).build(), "startAfter works with one partition, but partitions was 4"),
                bad("adaptiveChunkSize min above max", () -> builder().adaptiveChunkSize(500, 100, Duration.ofSeconds(1)),
                        "adaptiveChunkSize needs 1 <= min <= max <= 100000, was min 500, max 100"),
                bad("adaptiveChunkSize target too short", () -> builder().adaptiveChunkSize(10, 100, Duration.ofMillis(1)),
                        "target must be between 10 ms and 10 minutes, was PT0.001S"),
                bad("skipLimit negative", () -> builder().skipLimit(-1), "skipLimit must be in [0, 100000], was -1",
                        "or 0 to stop at the first failure"),
                bad("skipLimit too large", () -> builder().skipLimit(100_001),
                        "skipLimit must be in [0, 100000], was 100001", "each is kept in the result"),
                bad("forEachChunk null", () -> builder().forEachChunk(null), "work must not be null"),
                bad("forEachRow null", () -> builder().forEachRow(null), "work must not be null"),
                bad("build without work", () -> builder().build(), "work must not be null",
                        "call forEachChunk(..) or forEachRow(..)"));
    }

    @Test
    void theLogSeesWhatARunSendsSoItsSilenceMeansSomething() {
        log.clear();
        JdbcMigration.of("witness", ids).dryRun(true).forEachChunk(WORK).build().run();
        assertTrue(log.statements().stream().anyMatch(s -> s.contains("FROM `bad`") && s.endsWith("FOR UPDATE")),
                log.statements().toString());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void isRefusedBeforeAnySqlWithAMessageNamingTheParameterTheValueAndTheFix(Case bad) {
        log.clear();
        Throwable thrown = assertThrows(Throwable.class, bad.call());
        assertInstanceOf(bad.type(), thrown, () -> "expected " + bad.type().getSimpleName() + ", got " + thrown);
        for (String fragment : bad.fragments()) {
            assertTrue(thrown.getMessage().contains(fragment),
                    () -> "message lacks \"" + fragment + "\": " + thrown.getMessage());
        }
        assertEquals(List.of(), log.statements(), "no SQL before the refusal");
    }

    /** No statement that changes anything was sent (reads, the lock and the failed CREATE aside). */
    static void assertNoWrites(List<String> sent) {
        for (String sql : sent) {
            String verb = sql.strip().split("\\s+")[0].toUpperCase(Locale.ROOT);
            assertTrue(!List.of("INSERT", "UPDATE", "DELETE", "REPLACE", "ALTER", "DROP", "TRUNCATE").contains(verb),
                    "a write was sent: " + sql + " in " + sent);
        }
    }

    static void startJob(String job, int partitions) {
        StopSignal stop = new StopSignal();
        JdbcMigration.of(job, ids).chunkSize(500).partitions(partitions).stopSignal(stop)
                .forEachChunk((connection, rows) -> {
                    stop.request();
                    return Counters.increment(connection, "bad", rows);
                }).build().run();
    }

    static long[] histogram() throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            return Counters.histogram(c, "bad");
        }
    }

    @Test
    void aJobNameReusedWithAnotherQueryOrOtherPartitionsOrAStartTokenIsRefusedWithoutAWrite() throws Exception {
        startJob("stored", 2);
        long[] before = histogram();
        log.clear();
        IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                () -> JdbcMigration.of("stored", otherIds).partitions(2).forEachChunk(WORK).build().run());
        assertTrue(query.getMessage().startsWith("job \"stored\" was run with another query (fingerprint "),
                query.getMessage());
        assertTrue(query.getMessage().contains("Use a new job name for this query, or reset() the job"),
                query.getMessage());
        IllegalArgumentException partitions = assertThrows(IllegalArgumentException.class,
                () -> JdbcMigration.of("stored", ids).partitions(3).forEachChunk(WORK).build().run());
        assertTrue(partitions.getMessage().startsWith("partitions must stay 2 for job \"stored\", was 3"),
                partitions.getMessage());
        assertTrue(partitions.getMessage().contains("Run it with partitions(2)"), partitions.getMessage());
        IllegalArgumentException start = assertThrows(IllegalArgumentException.class,
                () -> JdbcMigration.of("stored", ids).partitions(1).startAfter(ids.first().nextToken())
                        .forEachChunk(WORK).build().run());
        assertTrue(start.getMessage().startsWith("partitions must stay 2") || start.getMessage()
                .startsWith("startAfter applies to a new job only"), start.getMessage());
        assertNoWrites(log.statements());
        assertArrayEquals(before, histogram());
    }

    /**
     * A CREATE the server refuses for lack of privilege: every user lacks it on information_schema
     * (the embedded server runs without grant tables, so a user without CREATE cannot be made there).
     */
    @Test
    void aCheckpointTableThatCannotBeCreatedIsRefusedWithItsDdlBeforeAnyWrite() throws Exception {
        long[] before = histogram();
        log.clear();
        BatchwiseException refused = assertThrows(BatchwiseException.class, () -> JdbcMigration
                .of("no-create", ids).checkpointStore(CheckpointStore.table("information_schema.ops_checkpoint"))
                .forEachChunk(WORK).build().run());
        String message = refused.getMessage();
        assertTrue(message.startsWith("Migration job \"no-create\" cannot use its checkpoint store"
                + " CheckpointStore.table(\"information_schema.ops_checkpoint\")"), message);
        assertTrue(message.contains("denied"), message);
        assertTrue(message.contains("Nothing was changed"), message);
        assertTrue(message.contains("CREATE TABLE IF NOT EXISTS `information_schema`.`ops_checkpoint` ("), message);
        assertTrue(message.contains("GRANT CREATE"), message);
        assertNoWrites(log.statements());
        assertArrayEquals(before, histogram());
    }

    @Test
    void workThatCommitsClosesOrSwitchesToAutocommitIsRefusedAndItsChunkRolledBack() throws Exception {
        long[] before = histogram();
        Map<String, JdbcMigration.ChunkWork<Long>> misuses = Map.of(
                "commit", (connection, rows) -> {
                    Counters.increment(connection, "bad", rows);
                    connection.commit();
                    return rows.size();
                },
                "close", (connection, rows) -> {
                    Counters.increment(connection, "bad", rows);
                    connection.close();
                    return rows.size();
                },
                "setAutoCommit", (connection, rows) -> {
                    Counters.increment(connection, "bad", rows);
                    connection.setAutoCommit(true);
                    return rows.size();
                },
                "rollback", (connection, rows) -> {
                    Counters.increment(connection, "bad", rows);
                    connection.rollback();
                    return rows.size();
                });
        for (Map.Entry<String, JdbcMigration.ChunkWork<Long>> misuse : misuses.entrySet()) {
            BatchwiseException refused = assertThrows(BatchwiseException.class, () -> JdbcMigration
                    .of("misuse-" + misuse.getKey(), ids).forEachChunk(misuse.getValue()).build().run());
            String message = refused.getMessage();
            assertTrue(message.contains("called Connection." + misuse.getKey() + "() on the chunk's connection"),
                    message);
            assertTrue(message.contains("Remove the call and return from the work"), message);
            assertInstanceOf(IllegalStateException.class, refused.getCause());
            assertArrayEquals(before, histogram(), misuse.getKey() + ": the chunk's writes were rolled back");
        }
    }
}
