package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * {@link JdbcKeysetPager.Builder#readAhead(int)}: the same rows, tokens and errors as the walk
 * without it, the next page read on a second connection while the caller works, and after any
 * ending (the last row, close, an early exit, the caller's or the reader's failure) no reader
 * thread left and no connection borrowed (the extension checks both after every test, too).
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60)
class KeysetReadAheadIT {
    static final int ROWS = 1_000;
    static final int PAGE = 50;

    @BeforeAll
    static void createTable(TestSchema schema) {
        schema.execute("CREATE TABLE ra (id BIGINT NOT NULL PRIMARY KEY, grp INT NOT NULL, KEY ra_grp (grp, id))"
                + " ENGINE=InnoDB",
                "INSERT INTO ra (id, grp) WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < "
                        + ROWS + ") SELECT n, n % 37 FROM s");
    }

    static JdbcKeysetPager<Long> pager(DataSource ds, int readAhead) {
        return JdbcKeysetPager.select(ds, "id", r -> r.getLong(1)).from("ra").orderBy(SortKey.asc("grp"))
                .pageSize(PAGE).readAhead(readAhead).open();
    }

    /** A data source counting the connections borrowed from {@code pool}. */
    static DataSource counting(DataSource pool, AtomicInteger borrowed) {
        return (DataSource) Proxy.newProxyInstance(KeysetReadAheadIT.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        borrowed.incrementAndGet();
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 2_000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void givesTheSameRowsAndTheSameResumeTokenAtEveryRowAsTheWalkWithout(JdbcDriver driver, TestSchema schema) {
        DataSource ds = schema.dataSource(driver);
        List<Long> plainRows = new ArrayList<>();
        List<String> plainTokens = new ArrayList<>();
        try (KeysetWalk<Long> walk = pager(ds, 0).walk()) {
            while (walk.hasNext()) {
                plainRows.add(walk.next());
                plainTokens.add(walk.resumeToken());
            }
        }
        for (int readAhead : new int[] {1, 3}) {
            List<Long> rows = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            try (KeysetWalk<Long> walk = pager(ds, readAhead).walk()) {
                while (walk.hasNext()) {
                    rows.add(walk.next());
                    tokens.add(walk.resumeToken());
                }
            }
            assertEquals(ROWS, rows.size());
            assertEquals(plainRows, rows, "readAhead " + readAhead);
            assertEquals(plainTokens, tokens, "readAhead " + readAhead);
            // and a walk resumed from one of them goes on as the walk without read-ahead does
            String token = tokens.get(3 * PAGE + 7);
            try (KeysetWalk<Long> rest = pager(ds, readAhead).walk(token)) {
                assertEquals(plainRows.subList(3 * PAGE + 8, ROWS), Stream.generate(() -> 0)
                        .takeWhile(x -> rest.hasNext()).map(x -> rest.next()).collect(Collectors.toList()));
            }
        }
    }

    @Test
    void readsTheNextPageOnASecondConnectionWhileTheCallerHoldsThePageBefore(TestSchema schema) throws Exception {
        AtomicInteger borrowed = new AtomicInteger();
        DataSource ds = counting(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J), borrowed);
        JdbcKeysetPager<Long> pager = pager(ds, 1);
        int opening = borrowed.get();
        try (KeysetWalk<Long> walk = pager.walk()) {
            walk.next(); // the first page is in the caller's hands
            // without another call, the reader borrows a connection for page 2 and then waits: at most one page ahead
            awaitUntil("page 2 read ahead", () -> borrowed.get() - opening == 2 && schema.borrowedConnections() == 0);
            assertEquals(1, MySqlServerExtension.readerThreads(), "one reader thread per walk");
            for (int i = 1; i < PAGE; i++) {
                walk.next();
            }
            assertEquals(2, borrowed.get() - opening, "not a page more while the caller had not taken page 2");
        }
        assertEquals(0, MySqlServerExtension.readerThreads(), "no reader thread after close");
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "stream limit", "exception in forEachBatch", "exception in the loop"})
    void anEarlyEndStopsTheReaderAndReturnsItsConnectionBeforeCloseReturns(String ending, TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        JdbcKeysetPager<Long> pager = pager(ds, 2);
        IllegalStateException work = new IllegalStateException("the caller's work failed");
        switch (ending) {
            case "close" -> {
                try (KeysetWalk<Long> walk = pager.walk()) {
                    for (int i = 0; i < PAGE + 3; i++) {
                        walk.next();
                    }
                }
            }
            case "stream limit" -> {
                try (Stream<Long> rows = pager.walk().stream()) {
                    assertEquals(10, rows.limit(10).count());
                }
            }
            case "exception in forEachBatch" -> assertSame(work, assertThrows(IllegalStateException.class,
                    () -> pager.walk().forEachBatch(page -> {
                        throw work;
                    })));
            default -> assertSame(work, assertThrows(IllegalStateException.class, () -> {
                try (KeysetWalk<Long> walk = pager.walk()) {
                    while (walk.hasNext()) {
                        if (walk.next() > 0 && walk.rowsRead() == 2 * PAGE + 1) {
                            throw work;
                        }
                    }
                }
            }));
        }
        assertEquals(0, MySqlServerExtension.readerThreads(), ending + ": no reader thread left");
        assertEquals(0, schema.borrowedConnections(), ending + ": no connection left borrowed");
    }

    /**
     * The fault of {@code JdbcKeysetPagerIT}'s unreadable page (the only connection held elsewhere
     * when the next page is read), once without read-ahead and once with: the same exception.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aPageTheReaderCannotReadFailsAsWithoutReadAheadWithTheTokenToResumeFrom(int readAhead, TestSchema schema)
            throws Exception {
        List<Long> expected = new ArrayList<>();
        List<Long> walked = new ArrayList<>();
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MARIADB_CONNECTOR_J, Map.of(), config -> {
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(250);
        })) {
            try (KeysetWalk<Long> all = pager(pool, 0).walk()) {
                all.forEachRemaining(expected::add);
            }
            AtomicInteger borrowed = new AtomicInteger();
            JdbcKeysetPager<Long> pager = pager(counting(pool, borrowed), readAhead);
            int opening = borrowed.get();
            BatchwiseException e;
            try (KeysetWalk<Long> walk = pager.walk()) {
                for (int i = 0; i < (readAhead == 0 ? 2 : 1) * PAGE; i++) {
                    walked.add(walk.next());
                }
                // with read-ahead, page 2 is read now and page 3 will be read when the caller takes page 2
                awaitUntil("page 2 read", () -> borrowed.get() - opening == 2
                        && pool.getHikariPoolMXBean().getActiveConnections() == 0);
                try (Connection held = pool.getConnection()) { // the fault: no connection for page 3
                    while (walked.size() < 2 * PAGE) {
                        walked.add(walk.next());
                    }
                    e = assertThrows(BatchwiseException.class, walk::hasNext);
                }
                assertEquals(walk.resumeToken(), e.resumeToken().orElseThrow(), "the token after the last row handed out");
            }
            assertEquals(2 * PAGE, e.rowsRead());
            assertEquals(BatchwiseException.Reason.NO_CONNECTION, e.reason());
            assertTrue(e.getMessage().startsWith("Reading the keyset page after row " + 2 * PAGE + " failed: "),
                    e.getMessage());
            assertEquals(0, MySqlServerExtension.readerThreads());
            try (KeysetWalk<Long> rest = pager.walk(e.resumeToken().orElseThrow())) {
                rest.forEachRemaining(walked::add);
            }
        }
        assertEquals(expected, walked);
    }

    @Test
    void aWalkWithReadAheadSurvivesItsConnectionsBeingKilledBetweenAndDuringPages(TestSchema schema)
            throws Exception {
        DataSource ds = schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J);
        List<Long> expected = new ArrayList<>();
        try (KeysetWalk<Long> all = pager(ds, 0).walk()) {
            all.forEachRemaining(expected::add);
        }
        List<Long> walked = new ArrayList<>();
        int kills = 0;
        try (KeysetWalk<Long> walk = pager(ds, 2).walk()) {
            while (walk.hasNext()) {
                walked.add(walk.next());
                if (walk.rowsRead() % (3 * PAGE) == 0) {
                    kills += JdbcKeysetPagerIT.killOtherConnections(schema);
                }
            }
        } finally {
            schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getHikariPoolMXBean().softEvictConnections();
            schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J).getHikariPoolMXBean().softEvictConnections();
        }
        assertTrue(kills >= 3, "connections killed: " + kills);
        assertEquals(expected, walked);
    }

    @Test
    void refusesAReadAheadOutsideItsRangeWhenSetBeforeAnySql(TestSchema schema) {
        JdbcKeysetPager.Builder<Long> builder = JdbcKeysetPager.select(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J),
                "id", r -> r.getLong(1));
        for (int bad : new int[] {-1, 17}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.readAhead(bad));
            assertTrue(e.getMessage().startsWith("readAhead must be between 0 (off) and 16, was " + bad),
                    e.getMessage());
        }
        assertEquals(0, pager(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J), 0).readAhead());
        assertEquals(16, pager(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J), 16).readAhead());
    }
}
