package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * Every row exactly once, in the declared order, forward and backward, through pages and walks,
 * on both drivers, with the keys users trip on: duplicates, NULLs first and last, mixed
 * directions, strings equal by collation, fractional-second DATETIME(6), DECIMAL scale.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60) // a keyset walk that loops fails here, with its name
class JdbcKeysetPagerIT {
    static final int ROWS = 400;
    static final int PAGE = 7;
    /** Equal in pairs and more under utf8mb4_unicode_ci: a = A = á = Á = à, b = B, ss = ß. */
    static final String[] NAMES = {"a", "A", "á", "Á", "à", "b", "B", "ß", "ss", "z"};

    @BeforeAll
    static void createTables(TestSchema schema) throws Exception {
        schema.execute("CREATE TABLE kt ("
                + " id BIGINT NOT NULL PRIMARY KEY,"
                + " grp INT NOT NULL,"
                + " nkey INT NULL,"
                + " name VARCHAR(20) NOT NULL,"
                + " ts DATETIME(6) NOT NULL,"
                + " amount DECIMAL(10,3) NOT NULL,"
                + " KEY k_grp (grp), KEY k_mixed (grp DESC, ts ASC), KEY k_nkey (nkey), KEY k_name (name),"
                + " KEY k_ts (ts), KEY k_amount (amount), KEY k_grp_nkey_ts (grp, nkey, ts DESC)"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
                "CREATE TABLE empty_t (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, KEY (v)) ENGINE=InnoDB",
                "CREATE TABLE one_t (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, KEY (v)) ENGINE=InnoDB",
                "INSERT INTO one_t VALUES (7, 70)");
        try (Connection c = schema.server().connect(schema.name());
                PreparedStatement insert = c.prepareStatement("INSERT INTO kt VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                insert.setLong(1, i * 37L % 1009); // ids unrelated to insertion order
                insert.setInt(2, i % 7);
                insert.setObject(3, i % 5 == 0 ? null : i % 4);
                insert.setString(4, NAMES[i % NAMES.length]);
                // three seconds, thirteen microsecond steps: many rows differ only in microseconds
                insert.setObject(5, LocalDateTime.of(2024, 1, 1, 0, 0, i % 3).plusNanos((i % 13) * 1_000L));
                insert.setBigDecimal(6, BigDecimal.valueOf(i % 9, 1)); // 0.1 stored as 0.100
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** A key order, and the ORDER BY that states the same order independently, by hand. */
    record Case(String name, KeyOrder order, String expectedOrderBy) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("unique id", KeyOrder.of(SortKey.asc("id").unique()), "id"),
                new Case("duplicates, id appended", KeyOrder.of(SortKey.asc("grp")), "grp, id"),
                new Case("descending duplicates", KeyOrder.of(SortKey.desc("grp")), "grp DESC, id DESC"),
                new Case("mixed directions", KeyOrder.of(SortKey.desc("grp"), SortKey.asc("ts")), "grp DESC, ts, id"),
                new Case("nullable, NULLs first ascending", KeyOrder.of(SortKey.asc("nkey").nullable()), "nkey, id"),
                new Case("nullable, NULLs last descending", KeyOrder.of(SortKey.desc("nkey").nullable()),
                        "nkey DESC, id DESC"),
                new Case("nullable, NULLs last ascending", KeyOrder.of(SortKey.asc("nkey").nullsLast()),
                        "CASE WHEN nkey IS NULL THEN 1 ELSE 0 END, nkey, id"),
                new Case("nullable, NULLs first descending", KeyOrder.of(SortKey.desc("nkey").nullsFirst()),
                        "CASE WHEN nkey IS NULL THEN 0 ELSE 1 END, nkey DESC, id DESC"),
                new Case("equal by collation", KeyOrder.of(SortKey.asc("name")), "name, id"),
                new Case("DATETIME(6) microseconds", KeyOrder.of(SortKey.asc("ts")), "ts, id"),
                new Case("DECIMAL scale", KeyOrder.of(SortKey.desc("amount")), "amount DESC, id DESC"),
                new Case("nullable in the middle", KeyOrder.of(SortKey.asc("grp"), SortKey.asc("nkey").nullsLast(),
                        SortKey.desc("ts")), "grp, CASE WHEN nkey IS NULL THEN 1 ELSE 0 END, nkey, ts DESC, id DESC"),
                new Case("explicit tiebreaker", KeyOrder.of(SortKey.desc("ts"), SortKey.asc("id").unique()),
                        "ts DESC, id"));
    }

    static Stream<Arguments> driversAndCases() {
        return Stream.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)
                .flatMap(d -> cases().stream().map(c -> Arguments.of(d, c)));
    }

    static JdbcKeysetPager<Long> pager(DataSource ds, KeyOrder order) {
        return JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("kt").orderBy(order).pageSize(PAGE).open();
    }

    static List<Long> expected(DataSource ds, String sql) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("driversAndCases")
    void walkReadsEveryRowOnceInTheDeclaredOrder(JdbcDriver driver, Case c, TestSchema schema) throws Exception {
        DataSource ds = schema.dataSource(driver);
        List<Long> expected = expected(ds, "SELECT id FROM kt ORDER BY " + c.expectedOrderBy());
        assertEquals(ROWS, expected.size());
        assertEquals(ROWS, new HashSet<>(expected).size());
        JdbcKeysetPager<Long> pager = pager(ds, c.order());
        assertTrue(pager.order().isUnique());
        List<Long> walked = new ArrayList<>();
        try (KeysetWalk<Long> walk = pager.walk()) {
            walk.forEachRemaining(walked::add);
            assertEquals(ROWS, walk.rowsRead());
            assertThrows(NoSuchElementException.class, walk::next);
        }
        assertEquals(expected, walked);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("driversAndCases")
    void pagesForwardAndBackwardAreTheSamePages(JdbcDriver driver, Case c, TestSchema schema) throws Exception {
        DataSource ds = schema.dataSource(driver);
        List<Long> expected = expected(ds, "SELECT id FROM kt ORDER BY " + c.expectedOrderBy());
        JdbcKeysetPager<Long> pager = pager(ds, c.order());

        List<List<Long>> forward = new ArrayList<>();
        Page<Long> page = pager.page(null);
        assertFalse(page.hasPrevious());
        forward.add(page.content());
        while (page.hasNext()) {
            page = pager.page(page.nextToken());
            assertTrue(page.hasPrevious());
            forward.add(page.content());
        }
        assertEquals(expected, forward.stream().flatMap(List::stream).toList());
        assertEquals((ROWS + PAGE - 1) / PAGE, forward.size());
        forward.subList(0, forward.size() - 1).forEach(p -> assertEquals(PAGE, p.size()));
        assertTrue(pager.page(page.nextToken()).isEmpty(), "nothing after the last row");

        List<List<Long>> backward = new ArrayList<>();
        Page<Long> back = page;
        while (back.hasPrevious()) {
            back = pager.page(back.previousToken());
            assertTrue(back.hasNext());
            backward.add(back.content());
        }
        Collections.reverse(backward);
        assertEquals(forward.subList(0, forward.size() - 1), backward);
        assertTrue(pager.page(back.previousToken()).isEmpty(), "nothing before the first row");

        Page<Long> last = pager.last();
        assertFalse(last.hasNext());
        assertTrue(last.hasPrevious());
        assertEquals(expected.subList(ROWS - PAGE, ROWS), last.content());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void picksTheTiebreakerDirectionAnIndexServes(JdbcDriver driver, TestSchema schema) {
        DataSource ds = schema.dataSource(driver);
        assertEquals(KeyOrder.of(SortKey.desc("grp"), SortKey.desc("id").unique()),
                pager(ds, KeyOrder.of(SortKey.desc("grp"))).order());
        assertEquals(KeyOrder.of(SortKey.desc("grp"), SortKey.asc("ts"), SortKey.asc("id").unique()),
                pager(ds, KeyOrder.of(SortKey.desc("grp"), SortKey.asc("ts"))).order());
        assertTrue(pager(ds, KeyOrder.of(SortKey.desc("grp"), SortKey.asc("ts"))).indexAdvice().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void keyValuesRoundTripExactly(JdbcDriver driver, TestSchema schema) throws Exception {
        // two rows one microsecond apart at the boundary: a value bound without microseconds would skip or repeat one
        DataSource ds = schema.dataSource(driver);
        JdbcKeysetPager<Long> pager = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("kt")
                .where("grp = ?", 1).orderBy(SortKey.asc("ts"), SortKey.asc("amount")).pageSize(1).open();
        List<Long> expected = expected(ds, "SELECT id FROM kt WHERE grp = 1 ORDER BY ts, amount, id");
        List<Long> paged = new ArrayList<>();
        for (Page<Long> p = pager.first(); !p.isEmpty(); p = pager.page(p.nextToken())) {
            paged.addAll(p.content());
        }
        assertEquals(expected, paged);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void filtersWithTheCallersWhereAndParameters(JdbcDriver driver, TestSchema schema) throws Exception {
        DataSource ds = schema.dataSource(driver);
        JdbcKeysetPager<String> pager = JdbcKeysetPager
                .select(ds, "id, name", row -> row.getLong("id") + ":" + row.getString("name"))
                .from("kt").where("name = ? AND grp <> ?", "A", 3).orderBy(SortKey.desc("ts")).pageSize(5).open();
        List<String> expected = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT id, name FROM kt WHERE name = 'A' AND grp <> 3 ORDER BY ts DESC, id DESC")) {
            while (r.next()) {
                expected.add(r.getLong(1) + ":" + r.getString(2));
            }
        }
        assertTrue(expected.size() > 50, "a, A, á, Á and à all match under utf8mb4_unicode_ci: " + expected.size());
        try (Stream<String> rows = pager.walk().stream()) {
            assertEquals(expected, rows.toList());
        }
    }

    @Test
    void forEachBatchHandsOnePagePerChunkAndClosesTheWalk(TestSchema schema) throws Exception {
        DataSource ds = schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J);
        List<Integer> sizes = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        long handed = pager(ds, KeyOrder.of(SortKey.desc("amount"))).walk().forEachBatch(chunk -> {
            sizes.add(chunk.size());
            ids.addAll(chunk);
            assertEquals(0, schema.borrowedConnections(), "no connection is held while the caller works");
        });
        assertEquals(ROWS, handed);
        assertEquals(ROWS / PAGE + 1, sizes.size());
        assertTrue(sizes.subList(0, sizes.size() - 1).stream().allMatch(n -> n == PAGE), sizes.toString());
        assertEquals(expected(ds, "SELECT id FROM kt ORDER BY amount DESC, id DESC"), ids);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void emptyAndOneRowTables(JdbcDriver driver, TestSchema schema) {
        DataSource ds = schema.dataSource(driver);
        JdbcKeysetPager<Long> empty = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("empty_t")
                .orderBy(SortKey.asc("v")).pageSize(3).open();
        for (Page<Long> p : List.of(empty.first(), empty.last())) {
            assertTrue(p.isEmpty());
            assertFalse(p.hasNext());
            assertFalse(p.hasPrevious());
            assertNull(p.nextToken());
            assertNull(p.previousToken());
        }
        try (KeysetWalk<Long> walk = empty.walk()) {
            assertFalse(walk.hasNext());
            assertNull(walk.resumeToken());
        }

        JdbcKeysetPager<Long> one = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("one_t")
                .orderBy(SortKey.desc("v")).pageSize(3).open();
        Page<Long> first = one.first();
        assertEquals(List.of(7L), first.content());
        assertFalse(first.hasNext());
        assertFalse(first.hasPrevious());
        assertNotNull(first.nextToken());
        assertEquals(first.content(), one.last().content());
        Page<Long> after = one.page(first.nextToken());
        assertTrue(after.isEmpty());
        assertFalse(after.hasNext());
        assertTrue(one.page(first.previousToken()).isEmpty());
        try (KeysetWalk<Long> walk = one.walk()) {
            assertEquals(7L, walk.next());
            assertFalse(walk.hasNext());
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void resumesFromTheTokenOfAStoppedWalk(JdbcDriver driver, TestSchema schema) throws Exception {
        DataSource ds = schema.dataSource(driver);
        KeyOrder order = KeyOrder.of(SortKey.asc("name"), SortKey.desc("nkey").nullable());
        List<Long> all = new ArrayList<>();
        try (KeysetWalk<Long> walk = pager(ds, order).walk()) {
            walk.forEachRemaining(all::add);
        }
        for (int stopAfter : new int[] {1, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE, ROWS - 1, ROWS}) {
            List<Long> concatenated = new ArrayList<>();
            String token;
            try (KeysetWalk<Long> first = pager(ds, order).walk()) {
                for (int i = 0; i < stopAfter; i++) {
                    concatenated.add(first.next());
                }
                first.hasNext(); // looking ahead must not move the resume point
                token = first.resumeToken();
            }
            // a new pager, as in another process
            try (KeysetWalk<Long> rest = pager(ds, order).walk(token)) {
                rest.forEachRemaining(concatenated::add);
                assertEquals(ROWS - stopAfter, rest.rowsRead());
            }
            assertEquals(all, concatenated, "stopped after " + stopAfter);
        }
    }

    @Test
    void aWalkSurvivesItsConnectionsBeingKilledBetweenPages(TestSchema schema) throws Exception {
        DataSource ds = schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J);
        JdbcKeysetPager<Long> pager = pager(ds, KeyOrder.of(SortKey.asc("grp")));
        List<Long> expected = expected(ds, "SELECT id FROM kt ORDER BY grp, id");
        List<Long> walked = new ArrayList<>();
        int kills = 0;
        try (KeysetWalk<Long> walk = pager.walk()) {
            while (walk.hasNext()) {
                walked.add(walk.next());
                if (walk.rowsRead() % (10 * PAGE) == 0) {
                    kills += killOtherConnections(schema);
                    assertEquals(0, schema.borrowedConnections(), "no connection is held between pages");
                }
            }
        } finally {
            // the kills reach every pool of the schema: let the pools forget the dead connections
            schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getHikariPoolMXBean().softEvictConnections();
            schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J).getHikariPoolMXBean().softEvictConnections();
        }
        assertTrue(kills >= 5, "connections killed: " + kills);
        assertEquals(expected, walked);
        killOtherConnections(schema);
        assertEquals(PAGE, pager.first().size(), "a page also survives a killed connection");
        schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getHikariPoolMXBean().softEvictConnections();
    }

    @Test
    void aPageThatCannotBeReadFailsWithTheTokenToResumeFromAndTheWalkResumesThere(TestSchema schema) throws Exception {
        List<Long> expected;
        List<Long> walked = new ArrayList<>();
        try (HikariDataSource pool = schema.newPool(JdbcDriver.MARIADB_CONNECTOR_J, java.util.Map.of(), config -> {
            config.setMaximumPoolSize(1);
            config.setConnectionTimeout(250);
        })) {
            expected = expected(pool, "SELECT id FROM kt ORDER BY grp, id");
            JdbcKeysetPager<Long> pager = pager(pool, KeyOrder.of(SortKey.asc("grp")));
            BatchwiseException e;
            try (KeysetWalk<Long> walk = pager.walk()) {
                for (int i = 0; i < 2 * PAGE; i++) {
                    walked.add(walk.next());
                }
                try (Connection held = pool.getConnection()) { // the fault: no connection for the next page
                    e = assertThrows(BatchwiseException.class, walk::hasNext);
                }
                assertEquals(walk.resumeToken(), e.resumeToken().orElseThrow(), "the token after the last row handed out");
            }
            assertEquals(2 * PAGE, e.rowsRead());
            assertEquals(BatchwiseException.Reason.NO_CONNECTION, e.reason());
            assertTrue(e.reason().isTransient(), "a retry from the token can succeed");
            try (KeysetWalk<Long> rest = pager.walk(e.resumeToken().orElseThrow())) {
                rest.forEachRemaining(walked::add);
            }
        }
        assertEquals(expected, walked);
    }

    static int killOtherConnections(TestSchema schema) throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '"
                    + schema.name() + "' AND ID <> CONNECTION_ID()")) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    s.execute("KILL " + id);
                } catch (java.sql.SQLException gone) {
                    // ended meanwhile
                }
            }
            return ids.size();
        }
    }

    @Test
    void tokensOfAnotherQueryOrPagerAreRefusedBeforeAnySql(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        JdbcKeysetPager<Long> byGroup = pager(ds, KeyOrder.of(SortKey.asc("grp")));
        String token = byGroup.first().nextToken();
        JdbcKeysetPager<Long> byName = pager(ds, KeyOrder.of(SortKey.asc("name")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> byName.page(token));
        assertTrue(e.getMessage().startsWith("token was issued for a different query"), e.getMessage());
        JdbcKeysetPager<Long> filtered = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("kt")
                .where("grp <> ?", 3).orderBy(SortKey.asc("grp")).pageSize(PAGE).open();
        assertThrows(IllegalArgumentException.class, () -> filtered.page(token));
        JdbcKeysetPager<Long> otherFilterValue = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("kt")
                .where("grp <> ?", 4).orderBy(SortKey.asc("grp")).pageSize(PAGE).open();
        assertThrows(IllegalArgumentException.class,
                () -> otherFilterValue.page(filtered.first().nextToken()));
        assertEquals(PAGE, JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("kt")
                .orderBy(SortKey.asc("grp")).pageSize(2 * PAGE).open().page(token).size() / 2,
                "the page size is not part of the query: a token outlives a page size change");

        byte[] secret = "a secret of thirty-two bytes!!!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        JdbcKeysetPager<Long> signed = JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("kt")
                .orderBy(SortKey.asc("grp")).pageSize(PAGE).tokenSecret(secret).open();
        assertThrows(IllegalArgumentException.class, () -> signed.page(token), "unsigned token, signed pager");
        String signedToken = signed.first().nextToken();
        assertEquals(PAGE, signed.page(signedToken).size());
        IllegalArgumentException backward = assertThrows(IllegalArgumentException.class,
                () -> byGroup.walk(byGroup.first().previousToken()));
        assertTrue(backward.getMessage().startsWith("token must continue forward, but it is a previous-page token"),
                backward.getMessage());
    }
}
