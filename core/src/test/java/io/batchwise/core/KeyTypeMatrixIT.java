package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.testing.MySqlServer;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;
import io.batchwise.testing.TimeZones;

/**
 * The key type matrix of docs/keyset.md, for {@link JdbcKeysetPager}: for every MySQL/MariaDB
 * column type a key can have, a table with ties, NULLs, extreme values and values equal under the
 * collation but different as text, walked forward and backward and resumed from every token by a
 * newly opened pager, ascending and descending, on both drivers, with the session time zone in
 * Europe/Berlin (daylight saving time; the TIMESTAMP rows span the hour after the clocks go back)
 * and the JVM in America/Sao_Paulo. The oracle is the server's own ORDER BY over the whole table. A
 * type either passes every cell or is refused when the pager opens, before any page is read.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(120)
class KeyTypeMatrixIT {
    static final String SESSION_ZONE = "Europe/Berlin";
    static final int PAGE = 5;
    static TimeZone jvmZone;

    /**
     * One column type: its DDL, the values (SQL literals, inserted in a +00:00 session), the server
     * it applies to (null: both), and the refusal message part when the pager must refuse it.
     */
    record Case(String name, String type, String index, List<String> values, Boolean mariaDbOnly, String refused) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case pages(String name, String type, String... values) {
        return new Case(name, type, "KEY (k, id)", List.of(values), null, null);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                pages("tinyint", "TINYINT", "-128", "127", "0", "-1", "5"),
                pages("tinyint_unsigned", "TINYINT UNSIGNED", "0", "255", "128", "1"),
                pages("smallint", "SMALLINT", "-32768", "32767", "0", "7"),
                pages("mediumint_unsigned", "MEDIUMINT UNSIGNED", "0", "16777215", "8388608"),
                pages("int", "INT", "-2147483648", "2147483647", "0", "-5", "12"),
                pages("int_unsigned", "INT UNSIGNED", "0", "4294967295", "2147483648", "3"),
                pages("bigint", "BIGINT", "-9223372036854775808", "9223372036854775807", "0", "-1"),
                pages("bigint_unsigned", "BIGINT UNSIGNED", "0", "18446744073709551615", "9223372036854775808",
                        "9223372036854775807", "1"),
                pages("decimal", "DECIMAL(30,6)", "-999999999999999999999999.999999", "1.5", "1.500001", "0",
                        "999999999999999999999999.999999"),
                pages("bit1", "BIT(1)", "b'0'", "b'1'"),
                pages("bit10", "BIT(10)", "b'1111111111'", "b'0'", "b'1000000000'", "b'0000000001'"),
                pages("boolean", "BOOLEAN", "0", "1", "2", "-1", "127"),
                pages("char_pad_ci", "CHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", "'a'", "'A'",
                        "'à'", "'a '", "' a'", "'b'", "''", "'ss'", "'ß'"),
                pages("varchar_pad_ci", "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", "'a'",
                        "'A'", "'á'", "'a '", "'a  '", "'b'", "''", "'Z'"),
                pages("varchar_bin", "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "'a'", "'A'", "'B'",
                        "'b'", "'à'", "'a '", "''"),
                pages("varchar_latin1", "VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci", "'a'", "'A'",
                        "'å'", "'ä'", "'z'", "'y'"),
                new Case("text", "TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", "KEY (k(10), id)",
                        List.of("'a'", "'A'", "'abcdefghijklmnop'", "'abcdefghijklmnoq'", "'b'"), null, null),
                pages("binary16_uuid", "BINARY(16)", "UNHEX('00000000000000000000000000000000')",
                        "UNHEX('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF')", "UNHEX('0123456789ABCDEF0123456789ABCDEF')",
                        "UNHEX('80000000000000000000000000000000')"),
                pages("varbinary", "VARBINARY(8)", "x'61'", "x'6100'", "x''", "x'ff'", "x'41'"),
                pages("enum", "ENUM('b','a','c','it''s')", "'a'", "'b'", "'c'", "'it''s'"),
                pages("date", "DATE", "'1000-01-01'", "'9999-12-31'", "'2024-02-29'", "'2024-10-27'"),
                pages("time6", "TIME(6)", "'-838:59:59.000000'", "'838:59:59.000000'", "'00:00:00.000001'",
                        "'12:00:00'", "'-00:00:01.5'", "'24:00:00.5'"),
                pages("year", "YEAR", "1901", "2155", "2000", "1970"),
                pages("datetime0", "DATETIME", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'",
                        "'2024-10-27 02:30:00'", "'2024-10-27 02:29:59'"),
                pages("datetime3", "DATETIME(3)", "'2024-10-27 02:30:00.001'", "'2024-10-27 02:30:00.000'",
                        "'2024-10-27 02:30:00.999'", "'1000-01-01 00:00:00.000'"),
                pages("datetime6", "DATETIME(6)", "'2024-10-27 02:30:00.000001'", "'2024-10-27 02:30:00.000000'",
                        "'2024-10-27 02:30:00.999999'", "'9999-12-31 23:59:59.999999'", "'2024-10-27 02:30:00.000002'"),
                new Case("timestamp0", "TIMESTAMP NULL", "KEY (k, id)", timestamps(0), null, null),
                new Case("timestamp6", "TIMESTAMP(6) NULL", "KEY (k, id)", timestamps(6), null, null),
                new Case("float", "FLOAT", "KEY (k, id)", List.of("1.5", "0.1"), null, "approximate"),
                new Case("double", "DOUBLE", "KEY (k, id)", List.of("1.5", "0.1"), null, "approximate"),
                new Case("set", "SET('x','y')", "KEY (k, id)", List.of("'x'", "'x,y'", "'y'"), null, "SET"),
                new Case("generated_stored", "INT AS (id * 7 % 5) STORED", "KEY (k, id)", List.of(), null, null),
                new Case("generated_virtual", "INT AS (id * 3 % 4) VIRTUAL", "KEY (k, id)", List.of(), null, null),
                new Case("json_mysql", "JSON", null, List.of("'{\"a\": 1}'", "'[1, 2]'", "'\"x\"'"), false, "JSON"),
                new Case("json_mariadb", "JSON", "KEY (k(10), id)", List.of("'{\"a\": 1}'", "'[1, 2]'", "'\"x\"'",
                        "'{\"a\":1}'"), true, null),
                new Case("uuid_mariadb", "UUID", "KEY (k, id)", List.of("'00000000-0000-0000-0000-000000000000'",
                        "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'123e4567-e89b-12d3-a456-426614174000'",
                        "'6ccd780c-baba-1026-9564-5b8c656024db'", "'6ccd780c-baba-1026-9564-5b8c656024dc'"), true, null),
                new Case("inet6_mariadb", "INET6", "KEY (k, id)", List.of("'::1'", "'2001:db8::1'", "'::ffff:1.2.3.4'",
                        "'fe80::1'"), true, null)));
        return cases;
    }

    /** Instants around Europe/Berlin's fall-back hour (2024-10-27 01:00 UTC), with micro steps and ties, and the extremes. */
    static List<String> timestamps(int digits) {
        List<String> values = new ArrayList<>();
        for (int minute = 0; minute < 120; minute += 7) {
            String micros = digits == 0 ? "" : String.format(".%06d", minute * 1_001 % 1_000_000);
            values.add(String.format("'2024-10-27 %02d:%02d:00%s'", minute / 60, minute % 60, micros));
        }
        values.add("'1970-01-01 00:00:01'");
        values.add(digits == 0 ? "'2038-01-19 03:14:07'" : "'2038-01-19 03:14:07.999999'");
        return values;
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Case c : cases()) {
            for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
                for (SortKey.Direction direction : SortKey.Direction.values()) {
                    cells.add(Arguments.of(c, driver, direction));
                }
            }
        }
        return cells.stream();
    }

    @BeforeAll
    static void zones(TestSchema schema) throws Exception {
        assertTrue(TimeZones.ensure(schema.server(), SESSION_ZONE), "the server does not know " + SESSION_ZONE
                + ": load its time zone tables (mysql_tzinfo_to_sql), or run with -Dbatchwise.test.loadTimeZones=true"
                + " on a server the tests own");
        jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/Sao_Paulo"));
    }

    @AfterAll
    static void restoreJvmZone() {
        TimeZone.setDefault(jvmZone);
    }

    static boolean applies(Case c, MySqlServer server) {
        if (c.mariaDbOnly() == null) {
            return true;
        }
        if (!c.mariaDbOnly()) {
            return !server.isMariaDb();
        }
        if (!server.isMariaDb()) {
            return false;
        }
        boolean uuid = c.name().startsWith("uuid");
        String[] version = server.version().split("[.-]");
        int major = Integer.parseInt(version[0]);
        int minor = Integer.parseInt(version[1]);
        return !uuid || major > 10 || minor >= 7; // MariaDB's UUID type arrived in 10.7, INET6 in 10.5
    }

    static synchronized String table(TestSchema schema, Case c) throws Exception {
        String table = "kt_" + c.name();
        try (Connection conn = schema.server().connect(schema.name()); Statement s = conn.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + schema.name() + "' AND TABLE_NAME = '" + table + "'")) {
                r.next();
                if (r.getInt(1) > 0) {
                    return table;
                }
            }
            boolean generated = c.name().startsWith("generated");
            s.execute("CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY, k " + c.type()
                    + (c.index() == null ? "" : ", " + c.index()) + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                    + " COLLATE=utf8mb4_unicode_ci");
            s.execute("SET time_zone = '+00:00'");
            List<String> values = new ArrayList<>();
            if (!generated) {
                for (String v : c.values()) { // each value three times, and NULLs
                    values.add(v);
                    values.add(v);
                    values.add(v);
                }
                values.add("NULL");
                values.add("NULL");
                values.add("NULL");
            }
            int rows = generated ? 40 : values.size();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                ids.add(i * 37 % 1009 + 1);
            }
            Collections.shuffle(ids, new Random(42));
            StringBuilder insert = new StringBuilder("INSERT INTO " + table + (generated ? " (id)" : " (id, k)")
                    + " VALUES ");
            for (int i = 0; i < rows; i++) {
                insert.append(i == 0 ? "" : ", ").append('(').append(ids.get(i));
                insert.append(generated ? "" : ", " + values.get(i)).append(')');
            }
            s.execute(insert.toString());
        }
        return table;
    }

    @ParameterizedTest(name = "{0} {2} via {1}")
    @MethodSource("cells")
    void everyRowExactlyOnceForwardBackwardAndResumed(Case c, JdbcDriver driver, SortKey.Direction direction,
            TestSchema schema) throws Exception {
        assumeTrue(applies(c, schema.server()), c + " is a column type of the other server");
        String table = table(schema, c);
        try (HikariDataSource ds = schema.newPool(driver, Map.of(), config -> {
            config.setMaximumPoolSize(2);
            config.setConnectionInitSql("SET time_zone = '" + SESSION_ZONE + "'");
        })) {
            SortKey key = SortKey.of("k", direction, true, SortKey.Nulls.DEFAULT, false);
            if (c.refused() != null) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pager(ds, table, key));
                assertTrue(e.getMessage().contains("\"k\"") && e.getMessage().contains(c.refused()), e.getMessage());
                return;
            }
            List<Integer> oracle = oracle(ds, table, direction);
            JdbcKeysetPager<Integer> pager = pager(ds, table, key);

            List<Integer> forward = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            Page<Integer> page = pager.first();
            while (true) {
                forward.addAll(page.content());
                if (!page.hasNext()) {
                    break;
                }
                tokens.add(page.nextToken());
                page = pager.page(page.nextToken());
                assertTrue(forward.size() <= oracle.size(), "forward pages run past the table: " + forward);
            }
            assertEquals(oracle, forward, c + " forward pages");

            List<Integer> backward = new ArrayList<>();
            page = pager.last();
            while (true) {
                backward.addAll(0, page.content());
                if (!page.hasPrevious()) {
                    break;
                }
                page = pager.page(page.previousToken());
                assertTrue(backward.size() <= oracle.size(), "backward pages run past the table: " + backward);
            }
            assertEquals(oracle, backward, c + " backward pages");

            for (int i = 0; i < tokens.size(); i++) {
                JdbcKeysetPager<Integer> reopened = pager(ds, table, key);
                List<Integer> rest = new ArrayList<>();
                try (KeysetWalk<Integer> walk = reopened.walk(tokens.get(i))) {
                    walk.forEachRemaining(rest::add);
                }
                assertEquals(oracle.subList((i + 1) * PAGE, oracle.size()), rest, c + " resumed from token " + (i + 1));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aTimestampKeyInADaylightSavingZoneIsAdvisedToRunTheSessionOnAFixedOffset(TestSchema schema) throws Exception {
        Case timestamps = cases().stream().filter(c -> c.name().equals("timestamp6")).findFirst().orElseThrow();
        String table = table(schema, timestamps);
        SortKey key = SortKey.asc("k").nullable();
        for (String zone : List.of(SESSION_ZONE, "+00:00")) {
            try (HikariDataSource ds = schema.newPool(JdbcDriver.MYSQL_CONNECTOR_J, Map.of(), config ->
                    config.setConnectionInitSql("SET time_zone = '" + zone + "'"))) {
                JdbcKeysetPager<Integer> pager = pager(ds, table, key);
                if (zone.equals(SESSION_ZONE)) {
                    String advice = pager.indexAdvice().orElseThrow();
                    assertTrue(advice.contains("TIMESTAMP key \"k\" in a session time zone with daylight saving")
                            && advice.contains("SET time_zone = '+00:00'"), advice);
                } else {
                    assertTrue(pager.indexAdvice().isEmpty(), pager.indexAdvice().toString());
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void anEnumKeyOfAJoinedTableIsComparedByPositionThroughTheOriginalTableTheDriverNames(TestSchema schema)
            throws Exception {
        Case enums = cases().stream().filter(c -> c.name().equals("enum")).findFirst().orElseThrow();
        String table = table(schema, enums);
        for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
            DataSource ds = schema.dataSource(driver);
            JdbcKeysetPager<Integer> pager = JdbcKeysetPager.select(ds, "t.id", r -> r.getInt(1))
                    .from(table + " t JOIN " + table + " u ON u.id = t.id")
                    .orderBy(SortKey.asc("t.k").nullable(), SortKey.asc("t.id").unique()).pageSize(PAGE).open();
            List<Integer> ids = new ArrayList<>();
            try (KeysetWalk<Integer> walk = pager.walk()) {
                walk.forEachRemaining(ids::add);
            }
            assertEquals(oracle(ds, table, SortKey.Direction.ASC), ids, "via " + driver);
        }
    }

    static JdbcKeysetPager<Integer> pager(DataSource ds, String table, SortKey key) {
        return JdbcKeysetPager.select(ds, "id", r -> r.getInt(1)).from(table).orderBy(key).pageSize(PAGE).open();
    }

    /** The server's own order: ORDER BY k, id in the session zone. */
    static List<Integer> oracle(DataSource ds, String table, SortKey.Direction direction) throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM " + table + " ORDER BY k " + direction + ", id "
                        + direction)) {
            while (r.next()) {
                ids.add(r.getInt(1));
            }
        }
        assertNotNull(ids);
        return ids;
    }
}
