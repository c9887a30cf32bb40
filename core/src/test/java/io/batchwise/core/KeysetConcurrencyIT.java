package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The concurrency semantics of docs/keyset.md, proven: while a walk runs, rows inserted or updated
 * ahead of the cursor are seen, behind it are not; a row that exists throughout with unchanged keys
 * is read exactly once; deletes, even of the row the cursor stands on, never cause a skip.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60) // a keyset walk that loops fails here, with its name
class KeysetConcurrencyIT {
    static final int PAGE = 10;

    record Row(long id, int grp, int v) {
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void changesBetweenPagesAreSeenAheadOfTheCursorOnly(JdbcDriver driver, TestSchema schema) throws Exception {
        String table = "acct_" + driver.ordinal();
        // 100 rows, three per group: the cursor stands inside a group of equal keys
        schema.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, grp INT NOT NULL, v INT NOT NULL,"
                + " KEY (grp)) ENGINE=InnoDB",
                "INSERT INTO " + table + " (id, grp, v) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                        + " WHERE i < 100) SELECT i, i DIV 3, 0 FROM n");
        DataSource ds = schema.dataSource(driver);
        JdbcKeysetPager<Row> pager = JdbcKeysetPager
                .select(ds, "id, grp, v", r -> new Row(r.getLong(1), r.getInt(2), r.getInt(3)))
                .from(table).orderBy(SortKey.asc("grp")).pageSize(PAGE).open();

        List<Row> seen = new ArrayList<>();
        long deletedWhileBuffered = -1;
        try (KeysetWalk<Row> walk = pager.walk()) {
            while (walk.hasNext()) {
                seen.add(walk.next());
                if (walk.rowsRead() == 3 * PAGE) {
                    // the cursor: (grp 10, id 30); rows 1..30 have been read
                    schema.execute(
                            "INSERT INTO " + table + " VALUES (1001, 50, 0)",     // ahead: seen
                            "INSERT INTO " + table + " VALUES (1002, 0, 0)",      // behind: not seen
                            "INSERT INTO " + table + " VALUES (1003, 10, 0)",     // cursor's group, ahead by id: seen
                            "INSERT INTO " + table + " VALUES (0, 10, 0)",        // cursor's group, behind by id: not seen
                            "UPDATE " + table + " SET v = 1 WHERE id = 80",       // updated ahead: seen as updated
                            "UPDATE " + table + " SET v = 1 WHERE id = 10",       // updated behind: not seen again
                            "UPDATE " + table + " SET grp = 40 WHERE id = 5",     // moved from behind to ahead: seen again
                            "UPDATE " + table + " SET grp = 0 WHERE id = 60",     // moved from ahead to behind: not seen
                            "DELETE FROM " + table + " WHERE id = 30",            // the row the cursor stands on
                            "DELETE FROM " + table + " WHERE id IN (31, 70)");    // the next row, and one further ahead
                }
                if (walk.rowsRead() == 6 * PAGE + 3) {
                    // mid-page: rows 64..70 of the walk are already read with their page; deleting one of them
                    // now does not take it back, while changes beyond the page are seen as above
                    deletedWhileBuffered = rowsAfterCursor(ds, table).get(6 * PAGE + 5 - 3 * PAGE - 1);
                    schema.execute("DELETE FROM " + table + " WHERE id = " + deletedWhileBuffered,
                            "DELETE FROM " + table + " WHERE id = 99",
                            "INSERT INTO " + table + " VALUES (1004, 33, 0)");
                }
            }
        }

        Map<Long, Long> times = seen.stream().collect(Collectors.groupingBy(Row::id, TreeMap::new, Collectors.counting()));
        for (long id = 1; id <= 100; id++) {
            long expected = id == 5 ? 2 : id == 60 || id == 70 || id == 31 || id == 99 ? 0 : 1;
            assertEquals(expected, times.getOrDefault(id, 0L), "times row " + id + " was read");
        }
        assertEquals(1L, times.get(1001L));
        assertEquals(1L, times.get(1003L));
        assertEquals(1L, times.get(1004L));
        assertNull(times.get(1002L));
        assertNull(times.get(0L));
        assertEquals(deletedWhileBuffered, seen.get(6 * PAGE + 4).id());
        Function<Long, Row> byId = id -> seen.stream().filter(r -> r.id() == id).reduce((a, b) -> b).orElseThrow();
        assertEquals(1, byId.apply(80L).v(), "an update ahead of the cursor is seen");
        assertEquals(0, byId.apply(10L).v(), "an update behind the cursor is not");
        assertEquals(40, byId.apply(5L).grp(), "a row moved ahead is seen again, where it now sorts");

        // after the cursor, the walk read exactly what the table now holds there, in order (plus the row
        // deleted after its page had been read)
        List<Long> walkedAfter = new ArrayList<>(seen.subList(3 * PAGE, seen.size()).stream().map(Row::id).toList());
        walkedAfter.remove(Long.valueOf(deletedWhileBuffered));
        assertEquals(rowsAfterCursor(ds, table), walkedAfter);
    }

    /** Ids after (grp 10, id 30) in key order, as the table holds them now. */
    static List<Long> rowsAfterCursor(DataSource ds, String table) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT id FROM " + table + " WHERE grp > 10 OR (grp = 10 AND id > 30) ORDER BY grp, id")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }
}
