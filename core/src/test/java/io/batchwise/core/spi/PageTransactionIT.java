package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * The per-page commit loop ({@link KeysetPages#forEachPage}) with a JDBC unit of work (a pooled
 * connection out of autocommit), both drivers: every way a page can fail rolls back that page only,
 * and the token to resume from is a page's only once its commit has returned.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60)
class PageTransactionIT {
    static final int ROWS = 50;
    static final int PAGE = 10;
    static final KeysetQuery<Long> QUERY = new KeysetQuery<>("id", "pt", null, List.of(),
            KeyOrder.of(SortKey.asc("id").unique()), r -> r.getLong(1), List.of(KeyKind.PLAIN));
    static final KeysetPages PAGES = new KeysetPages(KeysetPages.Options.DEFAULTS.withPageSize(PAGE),
            ResumeTokens.fingerprint(List.of("page-transaction-it"), List.of()), 1, values -> { });

    TestSchema schema;

    @BeforeEach
    void freshTable(TestSchema testSchema) throws SQLException {
        schema = testSchema;
        schema.execute("DROP TABLE IF EXISTS pt",
                "CREATE TABLE pt (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB");
        try (Connection c = schema.server().connect(schema.name());
                PreparedStatement insert = c.prepareStatement("INSERT INTO pt VALUES (?, 0)")) {
            for (long id = 1; id <= ROWS; id++) {
                insert.setLong(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** A connection per page out of autocommit; records what the loop asked of it. */
    static class JdbcPages implements PageTransaction<Connection> {
        final DataSource dataSource;
        final List<String> calls = new ArrayList<>();

        JdbcPages(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Connection begin() throws SQLException {
            calls.add("begin");
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            return c;
        }

        @Override
        public void commit(Connection c) throws SQLException {
            calls.add("commit");
            c.commit();
        }

        @Override
        public void rollback(Connection c) throws SQLException {
            calls.add("rollback");
            c.rollback();
        }

        @Override
        public void close(Connection c) throws SQLException {
            calls.add("close");
            c.close();
        }
    }

    static KeysetPages.Reader<Long> reader(Connection c) {
        return (backward, boundary, limit, rowsBefore) -> {
            try {
                return QUERY.read(c, backward, boundary, limit, rowsBefore);
            } catch (SQLException e) {
                throw Failures.unchecked("Reading a page", e);
            }
        };
    }

    /** Adds one to {@code n} of the page's rows, in the page's transaction. */
    static void bump(Connection c, Page<Long> page) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE pt SET n = n + 1 WHERE id = ?")) {
            for (long id : page.content()) {
                update.setLong(1, id);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Rows by how often they were bumped: [rows at 0, rows at 1, rows at 2 or more]. */
    List<Long> bumped() throws SQLException {
        try (Connection c = schema.server().connect(schema.name());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT SUM(n = 0), SUM(n = 1), SUM(n > 1) FROM pt")) {
            r.next();
            return List.of(r.getLong(1), r.getLong(2), r.getLong(3));
        }
    }

    /** The next-page tokens of the pages, read without the loop: what a committed page hands out. */
    static List<String> nextTokens(DataSource dataSource) throws SQLException {
        List<String> tokens = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            List<Object> after = null;
            while (true) {
                Page<Long> page = PAGES.after(after, reader(c));
                tokens.add(page.nextToken());
                if (!page.hasNext()) {
                    return tokens;
                }
                after = PAGES.decode(page.nextToken()).values();
            }
        }
    }

    /** What happens on page 3 after its bump. */
    interface OnPage3 {
        void run(Connection c) throws Exception;
    }

    /** The loop's failure when every page is bumped and page 3 then does {@code onPage3}. */
    static BatchwiseException failingOnPage3(JdbcPages units, OnPage3 onPage3) {
        int[] pages = {0};
        return assertThrows(BatchwiseException.class,
                () -> PAGES.forEachPage(null, units, PageTransactionIT::reader, (c, page) -> {
                    bump(c, page);
                    if (++pages[0] == 3) {
                        onPage3.run(c);
                    }
                }, "copy(token)"));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aFailingWorkRollsBackItsPageOnlyAndTheTokenIsTheLastCommittedPages(JdbcDriver driver) throws SQLException {
        DataSource dataSource = schema.dataSource(driver);
        List<String> tokens = nextTokens(dataSource);
        JdbcPages units = new JdbcPages(dataSource);
        BatchwiseException failure = failingOnPage3(units, c -> {
            throw new IllegalStateException("page 3 fails");   // after its bump: rolled back with it
        });
        assertEquals("A page failed after 20 rows were committed: page 3 fails. Its transaction was rolled back;"
                + " resume with copy(token) from the last committed token " + tokens.get(1)
                + " (BatchwiseException.resumeToken())", failure.getMessage());
        assertEquals(tokens.get(1), failure.resumeToken().orElseThrow(), "page 2's token: page 3 never committed");
        assertEquals(20, failure.rowsRead());
        assertEquals(BatchwiseException.Reason.OTHER, failure.reason());
        assertEquals(List.of("begin", "commit", "close", "begin", "commit", "close", "begin", "rollback", "close"),
                units.calls);
        assertEquals(List.of(30L, 20L, 0L), bumped(), "pages 1 and 2 committed, page 3 rolled back");

        String end = PAGES.forEachPage(failure.resumeToken().orElseThrow(), units, PageTransactionIT::reader,
                PageTransactionIT::bump, "copy(token)");
        assertEquals(List.of(0L, 50L, 0L), bumped(), "every row exactly once");
        assertEquals(tokens.get(tokens.size() - 1), end, "the token after the last row");
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aFailedCommitRollsBackItsPageAndItsTokenIsNeverHandedOut(JdbcDriver driver) throws Exception {
        DataSource dataSource = schema.dataSource(driver);
        List<String> tokens = nextTokens(dataSource);
        JdbcPages units = new JdbcPages(dataSource);
        BatchwiseException failure = failingOnPage3(units, c -> {
            // the work succeeds; the server drops the connection before the commit reaches it
            long id = ServerThreads.connectionId(c);
            ServerThreads.killConnection(schema, id);
            awaitGone(id);
        });
        assertTrue(failure.getMessage().startsWith("A page's commit failed after 20 rows were committed: "),
                failure.getMessage());
        assertTrue(failure.getMessage().endsWith("; resume with copy(token) from the last committed token "
                + tokens.get(1) + " (BatchwiseException.resumeToken())"), failure.getMessage());
        assertEquals(tokens.get(1), failure.resumeToken().orElseThrow());
        assertNotEquals(tokens.get(2), failure.resumeToken().orElseThrow(), "page 3's token was never handed out");
        assertTrue(failure.reason().isTransient(), "a dropped connection is worth a retry: " + failure.reason());
        assertEquals(List.of("begin", "commit", "close", "begin", "commit", "close", "begin", "commit", "rollback",
                "close"), units.calls, "a failed commit is rolled back (here: by the server) and closed");
        assertEquals(List.of(30L, 20L, 0L), bumped(), "the killed page's changes are gone");

        PAGES.forEachPage(failure.resumeToken().orElseThrow(), units, PageTransactionIT::reader,
                PageTransactionIT::bump, "copy(token)");
        assertEquals(List.of(0L, 50L, 0L), bumped(), "every row exactly once");
        assertEquals(0, schema.borrowedConnections());
    }

    /** Waits until the server has ended the thread of a killed connection. */
    void awaitGone(long id) throws SQLException, InterruptedException {
        try (Connection c = schema.server().connect(schema.name());
                PreparedStatement alive = c.prepareStatement("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE ID = ?")) {
            alive.setLong(1, id);
            while (true) {
                try (ResultSet r = alive.executeQuery()) {
                    r.next();
                    if (r.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aUnitThatCannotBeginIsReportedWithTheLastCommittedToken(JdbcDriver driver) throws SQLException {
        List<String> tokens = nextTokens(schema.dataSource(driver));
        HikariDataSource pool = schema.newPool(driver, Map.of(), config -> { });
        try {
            JdbcPages units = new JdbcPages(pool) {
                @Override
                public void close(Connection c) throws SQLException {
                    super.close(c);
                    if (calls.stream().filter("close"::equals).count() == 2) {
                        pool.close();   // page 2 has committed and returned its connection; page 3 cannot begin
                    }
                }
            };
            BatchwiseException failure = assertThrows(BatchwiseException.class,
                    () -> PAGES.forEachPage(null, units, PageTransactionIT::reader, PageTransactionIT::bump,
                            "copy(token)"));
            assertTrue(failure.getMessage().startsWith("A page's unit of work could not begin after 20 rows were"
                    + " committed: "), failure.getMessage());
            assertEquals(tokens.get(1), failure.resumeToken().orElseThrow());
            assertTrue(failure.getCause() instanceof SQLException, String.valueOf(failure.getCause()));
            assertEquals(List.of("begin", "commit", "close", "begin", "commit", "close", "begin"), units.calls);
            assertEquals(List.of(30L, 20L, 0L), bumped());
        } finally {
            pool.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aUnitThatCannotCloseAfterItsCommitHandsOutThatPagesToken(JdbcDriver driver) throws SQLException {
        DataSource dataSource = schema.dataSource(driver);
        List<String> tokens = nextTokens(dataSource);
        JdbcPages units = new JdbcPages(dataSource) {
            @Override
            public void close(Connection c) throws SQLException {
                super.close(c);
                if (calls.stream().filter("close"::equals).count() == 2) {
                    throw new SQLException("closing failed", "08003");
                }
            }
        };
        BatchwiseException failure = assertThrows(BatchwiseException.class,
                () -> PAGES.forEachPage(null, units, PageTransactionIT::reader, PageTransactionIT::bump, "copy(token)"));
        assertTrue(failure.getMessage().startsWith("A page's unit of work could not be closed after its commit, when"
                + " 20 rows were committed: closing failed"), failure.getMessage());
        assertEquals(tokens.get(1), failure.resumeToken().orElseThrow(), "page 2 committed: its token resumes");
        assertEquals(List.of(30L, 20L, 0L), bumped());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void anErrorRollsBackItsPageAndIsRethrownAsItIs(JdbcDriver driver) throws SQLException {
        JdbcPages units = new JdbcPages(schema.dataSource(driver));
        AssertionError error = new AssertionError("the work's own assertion");
        AssertionError thrown = assertThrows(AssertionError.class,
                () -> PAGES.forEachPage(null, units, PageTransactionIT::reader, (c, page) -> {
                    bump(c, page);
                    throw error;
                }, "copy(token)"));
        assertSame(error, thrown);
        assertEquals(List.of("begin", "rollback", "close"), units.calls);
        assertEquals(List.of(50L, 0L, 0L), bumped());
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void aRefusedTokenBeginsNothing(JdbcDriver driver) throws SQLException {
        DataSource dataSource = schema.dataSource(driver);
        JdbcPages units = new JdbcPages(dataSource);
        String previous;
        try (Connection c = dataSource.getConnection()) {
            previous = PAGES.page(null, reader(c)).previousToken();
        }
        IllegalArgumentException backward = assertThrows(IllegalArgumentException.class, () -> PAGES.forEachPage(
                previous, units, PageTransactionIT::reader, PageTransactionIT::bump, "copy(token)"));
        assertTrue(backward.getMessage().startsWith("token must continue forward"), backward.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PAGES.forEachPage("%%", units, PageTransactionIT::reader,
                PageTransactionIT::bump, "copy(token)"));
        assertTrue(units.calls.isEmpty(), String.valueOf(units.calls));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void noRowsCommitOneEmptyPageAndHandOutNoToken(JdbcDriver driver) throws SQLException {
        schema.execute("DELETE FROM pt");
        JdbcPages units = new JdbcPages(schema.dataSource(driver));
        List<Integer> sizes = new ArrayList<>();
        assertNull(PAGES.forEachPage(null, units, PageTransactionIT::reader, (c, page) -> sizes.add(page.size()),
                "copy(token)"));
        assertEquals(List.of(0), sizes);
        assertEquals(List.of("begin", "commit", "close"), units.calls);
    }
}
