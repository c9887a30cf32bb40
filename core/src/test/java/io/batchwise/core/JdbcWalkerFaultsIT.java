package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServer;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * Faults caused for real against the server while a {@link JdbcWalker} streams: a killed connection
 * or query, a consumer slower than {@code net_write_timeout}, a server restart, an exhausted pool, a
 * leaked walk, and a walk closed long before its end. The table is larger than the socket buffers
 * between client and server, so the server is still writing when the fault hits.
 */
@ExtendWith(MySqlServerExtension.class)
class JdbcWalkerFaultsIT {
    static final int ROWS = 200_000;
    static final String SLOW = "a pause of the loop longer than net_write_timeout";
    static TestSchema schema;

    @BeforeAll
    static void createItems(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
        }
    }

    static Walk<Long> ids(DataSource dataSource, String tag) {
        return JdbcWalker.query(dataSource, "select /* " + tag + " */ id, payload from item order by id",
                row -> row.getLong(1)).open();
    }

    static Walk<Long> ids(Connection connection, String tag) {
        return JdbcWalker.query(connection, "select /* " + tag + " */ id, payload from item order by id",
                row -> row.getLong(1)).open();
    }

    static void take(Walk<?> walk, int rows) {
        for (int i = 0; i < rows; i++) {
            walk.next();
        }
    }

    static void readToTheEnd(Walk<?> walk) {
        while (walk.hasNext()) {
            walk.next();
        }
    }

    /** Reads the whole walk and checks that every id of 1..rows came exactly once. */
    static void assertEveryIdOnce(Walk<Long> walk, int rows) {
        BitSet seen = new BitSet(rows + 1);
        long count = 0;
        try (walk) {
            while (walk.hasNext()) {
                long id = walk.next();
                assertTrue(id >= 1 && id <= rows, "id in range: " + id);
                assertFalse(seen.get((int) id), "id " + id + " came twice");
                seen.set((int) id);
                count++;
            }
        }
        assertEquals(rows, count);
        assertEquals(rows, seen.cardinality());
    }

    static void assertMentions(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message names '" + part + "': " + e.getMessage());
        }
    }

    static long scalar(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKilledConnectionEndsTheWalkWithTheCauseTheRowsReadAndTheFixAndThePoolDropsIt(JdbcDriver driver)
            throws Exception {
        DataSource dataSource = schema.dataSource(driver);
        String tag = "kill-connection-" + driver;
        long killed;
        BatchwiseException e;
        Walk<Long> walk = ids(dataSource, tag);
        try (walk) {
            take(walk, 10);
            killed = ServerThreads.running(schema, tag);
            ServerThreads.killConnection(schema, killed);
            e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
        }
        assertTrue(walk.rowsRead() >= 10);
        assertEquals(walk.rowsRead(), e.rowsRead(), "the exception says how far the walk came");
        assertEquals(BatchwiseException.Reason.CONNECTION_LOST, e.reason());
        assertTrue(e.reason().isTransient(), "a new connection can run the walk again");
        assertTrue(e.resumeToken().isEmpty(), "a streaming walk cannot resume");
        assertMentions(e, "lost its connection", "after " + walk.rowsRead() + " rows", "KILL CONNECTION",
                "cannot resume", "re-run the walk", "keyset pager", "resumes from its last token");
        assertEquals(0, schema.borrowedConnections(), "the walk gave its connection back");
        try (Connection next = dataSource.getConnection()) {
            assertNotEquals(killed, ServerThreads.connectionId(next), "the pool dropped the dead connection");
        }
        assertEveryIdOnce(ids(dataSource, "after-kill-" + driver), ROWS);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKilledConnectionOfTheCallerIsClosedSoThatItsPoolDropsIt(JdbcDriver driver) throws Exception {
        DataSource dataSource = schema.dataSource(driver);
        String tag = "kill-callers-connection-" + driver;
        long killed;
        try (Connection connection = dataSource.getConnection()) {
            killed = ServerThreads.connectionId(connection);
            try (Walk<Long> walk = ids(connection, tag)) {
                take(walk, 10);
                ServerThreads.killConnection(schema, ServerThreads.running(schema, tag));
                BatchwiseException e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
                assertMentions(e, "lost its connection", "closed the dead connection");
            }
            assertTrue(connection.isClosed(), "the dead connection is closed, not left to fail later");
        }
        try (Connection next = dataSource.getConnection()) {
            assertNotEquals(killed, ServerThreads.connectionId(next));
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKilledQueryEndsTheWalkWithTheServerErrorAndTheConnectionStaysUsable(JdbcDriver driver) throws Exception {
        String tag = "kill-query-" + driver;
        try (Connection connection = schema.dataSource(driver).getConnection()) {
            long id = ServerThreads.connectionId(connection);
            Walk<Long> walk = ids(connection, tag);
            BatchwiseException e;
            try (walk) {
                take(walk, 10);
                ServerThreads.killQuery(schema, ServerThreads.running(schema, tag));
                e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
            }
            assertEquals(walk.rowsRead(), e.rowsRead());
            assertEquals(BatchwiseException.Reason.QUERY_KILLED, e.reason());
            assertTrue(e.reason().isTransient());
            assertMentions(e, "interrupted the walk's query", "after " + walk.rowsRead() + " rows", "error 1317",
                    "KILL QUERY", "still usable", "re-run the walk", "keyset pager");
            assertEquals(id, ServerThreads.connectionId(connection), "same connection, still usable");
            assertEveryIdOnce(ids(connection, "after-kill-query-" + driver), ROWS);
        }
    }

    /**
     * MariaDB Connector/J streams under the session's net_write_timeout; MySQL Connector/J sets it to
     * its netTimeoutForStreamingResults for every stream (here 1 s, so Batchwise knows the value).
     */
    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aLoopSlowerThanNetWriteTimeoutIsNamedWithTheAlternatives(JdbcDriver driver) throws Exception {
        boolean connectorJ = driver == JdbcDriver.MYSQL_CONNECTOR_J;
        try (HikariDataSource pool = schema.newPool(driver,
                connectorJ ? Map.of("netTimeoutForStreamingResults", "1") : Map.of(),
                config -> config.setConnectionInitSql(connectorJ ? null : "SET SESSION net_write_timeout = 1"))) {
            Walk<Long> walk = JdbcWalker.query(pool, "select id, payload from item order by id", row -> row.getLong(1))
                    .batchSize(100).open();
            BatchwiseException e;
            try (walk) {
                take(walk, 10);
                Thread.sleep(3_000); // the fault: the loop stops reading for longer than net_write_timeout
                e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
            }
            assertMentions(e, "lost its connection", "net_write_timeout", "the slowest batch of this walk (100 rows)",
                    "keyset pager", "netWriteTimeout(Duration)", "useCursorFetch=true");
            if (connectorJ) {
                assertMentions(e, "most likely gave up writing to the walk while the loop was busy (net_write_timeout)",
                        "its net_write_timeout was 1 s");
                assertEquals(BatchwiseException.Reason.NET_WRITE_TIMEOUT, e.reason(), "the walk knew its timeout");
                assertFalse(e.reason().isTransient(), "the same pauses would fail the same way");
            } else {
                assertEquals(BatchwiseException.Reason.CONNECTION_LOST, e.reason(), "the walk did not know its timeout");
            }
            assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
            assertEveryIdOnce(JdbcWalker.query(pool, "select id from item", row -> row.getLong(1)).open(), ROWS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void netWriteTimeoutLetsASlowLoopFinishAndIsSetBackAfterTheWalk(JdbcDriver driver) throws Exception {
        boolean connectorJ = driver == JdbcDriver.MYSQL_CONNECTOR_J;
        try (HikariDataSource pool = schema.newPool(driver,
                connectorJ ? Map.of("netTimeoutForStreamingResults", "1") : Map.of(),
                config -> config.setConnectionInitSql(connectorJ ? null : "SET SESSION net_write_timeout = 1"))) {
            Walk<Long> walk = JdbcWalker.query(pool, "select id, payload from item order by id", row -> row.getLong(1))
                    .netWriteTimeout(Duration.ofSeconds(30)).open();
            long count = 0;
            try (walk) {
                take(walk, 10);
                Thread.sleep(3_000);
                readToTheEnd(walk);
                count = walk.rowsRead();
            }
            assertEquals(ROWS, count);
            try (Connection same = pool.getConnection()) {
                if (connectorJ) {
                    assertEquals(1, same.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getPropertySet()
                            .getIntegerProperty(com.mysql.cj.conf.PropertyKey.netTimeoutForStreamingResults).getValue());
                } else {
                    assertEquals(1, scalar(same, "SELECT @@SESSION.net_write_timeout"));
                }
            }
        }
    }

    @Test
    void mysqlConnectorJRaisesNetWriteTimeoutForEveryStreamAndThenResetsItToTheServersDefault() throws Exception {
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MYSQL_CONNECTOR_J, Map.of(),
                config -> config.setConnectionInitSql("SET SESSION net_write_timeout = 1"))) {
            long global;
            try (Connection c = pool.getConnection()) {
                assertEquals(1, scalar(c, "SELECT @@SESSION.net_write_timeout"));
                global = scalar(c, "SELECT @@GLOBAL.net_write_timeout");
            }
            try (Walk<Long> walk = ids(pool, "connector-j-default")) {
                take(walk, 10);
                Thread.sleep(3_000); // longer than the session's 1 s, far shorter than the driver's 600 s
                readToTheEnd(walk);
                assertEquals(ROWS, walk.rowsRead());
            }
            try (Connection same = pool.getConnection()) {
                assertEquals(global, scalar(same, "SELECT @@SESSION.net_write_timeout"),
                        "after the stream Connector/J sets the value the server had at connect time, not the session's");
            }
        }
    }

    @Test
    void aServerCursorIsNotLimitedByNetWriteTimeout() throws Exception {
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MYSQL_CONNECTOR_J, Map.of("useCursorFetch", "true"),
                config -> config.setConnectionInitSql("SET SESSION net_write_timeout = 1"))) {
            try (Walk<Long> walk = ids(pool, "cursor-net-write-timeout")) {
                take(walk, 10);
                Thread.sleep(3_000);
                readToTheEnd(walk);
                assertEquals(ROWS, walk.rowsRead());
            }
        }
    }

    @Test
    void aServerCursorIdleLongerThanWaitTimeoutLosesItsConnectionAndSaysSo() throws Exception {
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MYSQL_CONNECTOR_J, Map.of("useCursorFetch", "true"),
                config -> config.setConnectionInitSql("SET SESSION wait_timeout = 1"))) {
            Walk<Long> walk = ids(pool, "cursor-wait-timeout");
            BatchwiseException e;
            try (walk) {
                take(walk, 10);
                Thread.sleep(3_000); // between two fetches the connection is idle: wait_timeout applies
                e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
            }
            assertMentions(e, "lost its connection", "wait_timeout", "keyset pager");
            assertEquals(BatchwiseException.Reason.CONNECTION_LOST, e.reason());
            assertEquals(FetchPlan.DEFAULT_FETCH_ROWS, e.rowsRead(), "the first fetch's rows were read");
            assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void closingEarlyStopsTheQueryOnTheServerAndTheConnectionReadsEveryRowAfterwards(JdbcDriver driver)
            throws Exception {
        try (Connection connection = schema.dataSource(driver).getConnection()) {
            long id = ServerThreads.connectionId(connection);
            long kills = ServerThreads.globalStatus(schema, "Com_kill");
            try (Walk<Long> walk = ids(connection, "early-" + driver)) {
                take(walk, 10);
            }
            assertEquals(kills + 1, ServerThreads.globalStatus(schema, "Com_kill"),
                    "closing sent one KILL QUERY instead of reading the rest");
            assertEquals(id, ServerThreads.connectionId(connection), "the same connection, usable");
            assertEveryIdOnce(ids(connection, "after-early-" + driver), ROWS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void closingEarlyInsideATransactionKeepsTheTransaction(JdbcDriver driver) throws Exception {
        try (Connection connection = schema.dataSource(driver).getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement insert = connection.createStatement()) {
                    insert.executeUpdate("INSERT INTO item (id, created_at, category, amount, payload)"
                            + " VALUES (" + (ROWS + 1) + ", NOW(6), NULL, 1.00, 'written in the transaction')");
                }
                try (Walk<Long> walk = ids(connection, "early-in-tx-" + driver)) {
                    take(walk, 10);
                }
                assertEquals(1, scalar(connection, "SELECT COUNT(*) FROM item WHERE id = " + (ROWS + 1)),
                        "the transaction's own write is still there");
                assertEveryIdOnce(ids(connection, "after-early-in-tx-" + driver), ROWS + 1);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
        try (Connection c = schema.server().connect(schema.name())) {
            assertEquals(0, scalar(c, "SELECT COUNT(*) FROM item WHERE id > " + ROWS), "rolled back");
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void closingEarlyAfterTheServerHasSentEverythingLeavesTheNextStatementsAlone(JdbcDriver driver) throws Exception {
        try (Connection connection = schema.dataSource(driver).getConnection()) {
            try (Walk<Long> walk = JdbcWalker.query(connection, "select id from item where id <= 5 order by id",
                    row -> row.getLong(1)).open()) {
                assertEquals(1L, walk.next());
            }
            assertEquals(42, scalar(connection, "SELECT 42"));
            assertEquals(5, scalar(connection, "SELECT COUNT(*) FROM item WHERE id <= 5"));
        }
    }

    @Test
    void aServerRestartMidWalkFailsClearlyAndThePoolsRecover() throws Exception {
        MySqlServer server = schema.server();
        DataSource connectorJ = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        DataSource mariaDb = schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J);
        Walk<Long> first = ids(connectorJ, "restart-cj");
        Walk<Long> second = ids(mariaDb, "restart-mariadb");
        try (first; second) {
            take(first, 10);
            take(second, 10);
            server.restart(); // skips the test where nobody said how to restart the server
            for (Walk<Long> walk : java.util.List.of(first, second)) {
                BatchwiseException e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
                assertMentions(e, "lost its connection", "after " + walk.rowsRead() + " rows", "re-run the walk");
                assertTrue(e.reason() == BatchwiseException.Reason.CONNECTION_LOST
                        || e.reason() == BatchwiseException.Reason.SERVER_SHUTDOWN, e.reason() + ": " + e.getMessage());
                assertTrue(e.reason().isTransient());
            }
        }
        assertEquals(0, schema.borrowedConnections());
        assertEveryIdOnce(ids(connectorJ, "after-restart-cj"), ROWS);
        assertEveryIdOnce(ids(mariaDb, "after-restart-mariadb"), ROWS);
    }

    @Test
    void anExhaustedPoolIsReportedWithTheWayOut() throws Exception {
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MYSQL_CONNECTOR_J, Map.of(),
                config -> config.setConnectionTimeout(250))) {
            try (Walk<Long> holding = ids(pool, "holding")) {
                take(holding, 1);
                BatchwiseException e = assertThrows(BatchwiseException.class, () -> ids(pool, "waiting"));
                assertEquals(-1, e.rowsRead());
                assertEquals(BatchwiseException.Reason.NO_CONNECTION, e.reason());
                assertMentions(e, "Could not get a connection for the walk of", "no free connection",
                        "Every open walk holds one connection until it is closed", "try-with-resources",
                        "more connections", "leakDetectionThreshold");
            }
            assertEveryIdOnce(ids(pool, "after-exhaustion"), ROWS);
        }
    }

    @Test
    void anUnclosedWalkShowsUpInThePoolsLeakLogWithWhereItWasOpened() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MARIADB_CONNECTOR_J, Map.of(),
                config -> config.setLeakDetectionThreshold(2_000))) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try (Walk<Long> forgotten = ids(pool, "leaked")) {
                take(forgotten, 1);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!log.toString(StandardCharsets.UTF_8).contains("leak detection triggered")
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
        } finally {
            System.setErr(original);
        }
        String leak = log.toString(StandardCharsets.UTF_8);
        original.print(leak);
        assertTrue(leak.contains("Connection leak detection triggered"), leak);
        assertTrue(leak.contains("io.batchwise.core.spi.JdbcStreamingWalk.open"), "the leak names the walk: " + leak);
        assertTrue(leak.contains(JdbcWalkerFaultsIT.class.getName()), "and the code that opened it: " + leak);
    }
}
