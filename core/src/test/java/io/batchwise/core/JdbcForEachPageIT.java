package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * {@link JdbcKeysetPager#forEachPage}: each page read and worked on a connection of its own in a
 * transaction that commits before the page's token is handed out; a failed page rolls back alone and
 * the walk resumes from the token in the exception, every row done exactly once.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60)
class JdbcForEachPageIT {
    static final int ROWS = 1_000;
    static final int PAGE = 100;

    @BeforeEach
    void createTable(TestSchema schema) {
        schema.execute("DROP TABLE IF EXISTS fp",
                "CREATE TABLE fp (id BIGINT NOT NULL PRIMARY KEY, touched INT NOT NULL DEFAULT 0) ENGINE=InnoDB",
                "INSERT INTO fp (id) WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < "
                        + ROWS + ") SELECT n FROM s");
    }

    static JdbcKeysetPager<Long> pager(DataSource ds) {
        return JdbcKeysetPager.select(ds, "id", r -> r.getLong(1)).from("fp").orderBy(SortKey.asc("id"))
                .pageSize(PAGE).open();
    }

    /** Touches the page's rows on the page's connection; fails after touching them on the page holding {@code failAt}. */
    static JdbcPageWork<Long> touching(long failAt, AtomicInteger pages) {
        return (connection, page) -> {
            assertTrue(!connection.getAutoCommit(), "the page's work runs in a transaction");
            try (PreparedStatement touch = connection.prepareStatement("UPDATE fp SET touched = touched + 1 WHERE id = ?")) {
                for (long id : page.content()) {
                    touch.setLong(1, id);
                    touch.addBatch();
                }
                touch.executeBatch();
            }
            pages.incrementAndGet();
            if (page.content().contains(failAt)) {
                throw new IllegalStateException("the work fails on row " + failAt);
            }
        };
    }

    static long count(TestSchema schema, String where) throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM fp WHERE " + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aFailedPageRollsBackAloneAndTheWalkResumesFromItsTokenEveryRowDoneOnce(JdbcDriver driver, TestSchema schema)
            throws Exception {
        JdbcKeysetPager<Long> pager = pager(schema.dataSource(driver));
        AtomicInteger pages = new AtomicInteger();
        BatchwiseException failed = assertThrows(BatchwiseException.class,
                () -> pager.forEachPage(null, touching(450, pages)));
        assertTrue(failed.getMessage().startsWith("A page failed after 400 rows were committed: the work fails on row"
                + " 450. Its transaction was rolled back;"), failed.getMessage());
        assertTrue(failed.getMessage().contains("forEachPage(token, work)"), failed.getMessage());
        assertEquals(5, pages.get());
        assertEquals(400, count(schema, "touched = 1 AND id <= 400"), "the four committed pages stay");
        assertEquals(0, count(schema, "touched <> 0 AND id > 400"), "the failed page rolled back");

        String end = pager.forEachPage(failed.resumeToken().orElseThrow(), touching(-1, pages));
        assertEquals(ROWS, count(schema, "touched = 1"), "every row exactly once");
        assertEquals(5 + 6, pages.get(), "resumed at the failed page");

        schema.execute("INSERT INTO fp (id) VALUES (" + (ROWS + 1) + ")");
        AtomicInteger later = new AtomicInteger();
        pager.forEachPage(end, touching(-1, later));
        assertEquals(1, later.get(), "the end token picks up only the row added since");
        assertEquals(ROWS + 1, count(schema, "touched = 1"));
    }

    @Test
    void refusesNoWorkAndABackwardTokenBeforeAnySql(TestSchema schema) {
        JdbcKeysetPager<Long> pager = pager(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J));
        IllegalArgumentException noWork = assertThrows(IllegalArgumentException.class, () -> pager.forEachPage(null, null));
        assertTrue(noWork.getMessage().startsWith("work must not be null"), noWork.getMessage());
        String backward = pager.page(pager.first().nextToken()).previousToken();
        IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
                () -> pager.forEachPage(backward, (c, p) -> { }));
        assertTrue(back.getMessage().startsWith("token must continue forward"), back.getMessage());
    }
}
