package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.Typed;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;
import io.batchwise.testing.TimeZones;

/**
 * The entity half of the key type matrix (docs/keyset.md): for each Java attribute type Hibernate
 * maps to the MySQL/MariaDB column types (enums by name on ENUM and VARCHAR columns and by ordinal,
 * Instant / OffsetDateTime / LocalDateTime on TIMESTAMP, ZonedDateTime / LocalDateTime on DATETIME,
 * LocalDate, LocalTime, a UUID in BINARY(16) through {@code @JdbcTypeCode}, BigInteger, a
 * converter, Character, Boolean, Short), an {@link EntityPager} ordered by that attribute walks
 * forward and backward and resumes from every token (a new pager on each, a new SessionFactory on
 * the first and last), ascending and descending, on both drivers, with the session in Europe/Berlin
 * (the TIMESTAMP values span the hour after the clocks go back) and the JVM in Asia/Kolkata. The
 * oracle is the server's ORDER BY of the column.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(120)
class EntityKeyTypeMatrixIT {
    static final String SESSION_ZONE = "Europe/Berlin";
    static final int PAGE = 5;
    static TimeZone jvmZone;

    /** An attribute, its column, and the values its rows take (SQL literals, inserted in a +00:00 session). */
    record Attribute(String name, String column, String type, List<String> values) {
        @Override
        public String toString() {
            return name + " (" + type + ")";
        }
    }

    static List<Attribute> attributes() {
        List<String> instants = new ArrayList<>();
        for (int minute = 0; minute < 120; minute += 11) {
            instants.add(String.format("'2024-10-27 %02d:%02d:00.%06d'", minute / 60, minute % 60, minute * 7 % 1000));
        }
        return List.of(
                new Attribute("statusEnum", "status_enum", "ENUM('B','A','C')", List.of("'A'", "'B'", "'C'")),
                new Attribute("statusText", "status_text", "VARCHAR(10)", List.of("'A'", "'B'", "'C'")),
                new Attribute("statusOrdinal", "status_ordinal", "TINYINT", List.of("0", "1", "2")),
                new Attribute("instantTs", "instant_ts", "TIMESTAMP(6)", instants),
                new Attribute("offsetTs", "offset_ts", "TIMESTAMP(6)", instants),
                new Attribute("localTs", "local_ts", "TIMESTAMP(6)", instants),
                new Attribute("zonedDt", "zoned_dt", "DATETIME(6)", List.of("'2024-10-27 02:30:00.000001'",
                        "'2024-10-27 02:30:00.000000'", "'2024-10-27 02:30:00.001000'", "'1970-01-01 00:00:00'")),
                new Attribute("localDt", "local_dt", "DATETIME(6)", List.of("'2024-10-27 02:30:00.000001'",
                        "'2024-10-27 02:30:00.000000'", "'2024-10-27 02:30:00.999999'", "'9999-12-31 23:59:59.999999'",
                        "'1000-01-01 00:00:00'")),
                new Attribute("day", "d_date", "DATE", List.of("'2024-10-27'", "'1000-01-01'", "'9999-12-31'")),
                new Attribute("clock", "t_time", "TIME(6)", List.of("'00:00:00.000001'", "'23:59:59.999999'",
                        "'12:00:00'", "'02:30:00.5'")),
                new Attribute("uuidBin", "uuid_bin", "BINARY(16)", List.of("UNHEX('00000000000000000000000000000000')",
                        "UNHEX('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF')", "UNHEX('80000000000000000000000000000001')")),
                new Attribute("big", "big", "DECIMAL(38,0)", List.of("0", "18446744073709551615",
                        "-99999999999999999999999999", "5")),
                new Attribute("cents", "cents", "BIGINT", List.of("-5", "0", "9223372036854775807")),
                new Attribute("letter", "letter", "CHAR(1)", List.of("'a'", "'A'", "'b'", "'à'")),
                new Attribute("flag", "flag", "BOOLEAN", List.of("0", "1")),
                new Attribute("small", "small", "SMALLINT", List.of("-32768", "32767", "0")));
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Attribute a : attributes()) {
            for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
                for (SortKey.Direction direction : SortKey.Direction.values()) {
                    cells.add(Arguments.of(a, driver, direction));
                }
            }
        }
        return cells.stream();
    }

    @BeforeAll
    static void createTable(TestSchema schema) throws Exception {
        assertTrue(TimeZones.ensure(schema.server(), SESSION_ZONE), "the server does not know " + SESSION_ZONE
                + ": load its time zone tables, or run with -Dbatchwise.test.loadTimeZones=true on a server the tests own");
        jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
        StringBuilder ddl = new StringBuilder("CREATE TABLE typed (id BIGINT NOT NULL PRIMARY KEY");
        for (Attribute a : attributes()) {
            ddl.append(", ").append(a.column()).append(' ').append(a.type()).append(" NULL");
        }
        for (Attribute a : attributes()) {
            ddl.append(", KEY k_").append(a.column()).append(" (").append(a.column()).append(", id)");
        }
        ddl.append(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        int rows = 48;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ids.add(i * 37 % 1009 + 1);
        }
        Collections.shuffle(ids, new Random(7));
        StringBuilder insert = new StringBuilder("INSERT INTO typed VALUES ");
        for (int i = 0; i < rows; i++) {
            insert.append(i == 0 ? "(" : ", (").append(ids.get(i));
            for (Attribute a : attributes()) {
                insert.append(", ").append(i % 7 == 3 ? "NULL" : a.values().get(i % a.values().size()));
            }
            insert.append(')');
        }
        schema.execute(ddl.toString(), "SET time_zone = '+00:00'", insert.toString());
    }

    @AfterAll
    static void restoreJvmZone() {
        TimeZone.setDefault(jvmZone);
    }

    static SessionFactory factory(DataSource ds) {
        return SessionFactories.of(ds, Typed.class);
    }

    static EntityPager<Typed> pager(SessionFactory factory, Attribute a, SortKey.Direction direction) {
        return EntityPager.of(factory, Typed.class).orderBy(SortKey.of(a.name(), direction, false,
                SortKey.Nulls.DEFAULT, false)).pageSize(PAGE).open();
    }

    @ParameterizedTest(name = "{0} {2} via {1}")
    @MethodSource("cells")
    void everyEntityExactlyOnceForwardBackwardAndResumed(Attribute a, JdbcDriver driver, SortKey.Direction direction,
            TestSchema schema) throws Exception {
        try (HikariDataSource ds = schema.newPool(driver, Map.of(), config -> {
            config.setMaximumPoolSize(3);
            config.setConnectionInitSql("SET time_zone = '" + SESSION_ZONE + "'");
        }); SessionFactory factory = factory(ds); Session session = factory.openSession()) {
            List<Long> oracle = new ArrayList<>();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT id FROM typed ORDER BY " + a.column() + " " + direction
                            + ", id " + direction)) {
                while (r.next()) {
                    oracle.add(r.getLong(1));
                }
            }
            EntityPager<Typed> pager = pager(factory, a, direction);

            List<Long> forward = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            Page<Typed> page = pager.page(session, null);
            while (true) {
                page.content().forEach(t -> forward.add(t.getId()));
                if (!page.hasNext()) {
                    break;
                }
                tokens.add(page.nextToken());
                page = pager.page(session, page.nextToken());
                assertTrue(forward.size() <= oracle.size(), "forward pages run past the table: " + forward);
            }
            assertEquals(oracle, forward, a + " forward pages");

            List<Long> backward = new ArrayList<>();
            page = pager.page(session, tokens.get(tokens.size() - 1));
            List<Long> tail = new ArrayList<>();
            page.content().forEach(t -> tail.add(t.getId()));
            backward.addAll(tail);
            while (page.hasPrevious()) {
                page = pager.page(session, page.previousToken());
                List<Long> ids = new ArrayList<>();
                page.content().forEach(t -> ids.add(t.getId()));
                backward.addAll(0, ids);
                assertTrue(backward.size() <= oracle.size(), "backward pages run past the table: " + backward);
            }
            assertEquals(oracle.subList(0, tokens.size() * PAGE + tail.size()), backward, a + " backward pages");

            for (int i = 0; i < tokens.size(); i++) {
                boolean newFactory = i == 0 || i == tokens.size() - 1;
                try (SessionFactory other = newFactory ? factory(ds) : null;
                        Session otherSession = newFactory ? other.openSession() : null) {
                    Session reading = newFactory ? otherSession : session;
                    EntityPager<Typed> reopened = pager(newFactory ? other : factory, a, direction);
                    List<Long> rest = new ArrayList<>();
                    try (KeysetWalk<Typed> walk = reopened.walk(reading, tokens.get(i))) {
                        walk.forEachRemaining(t -> rest.add(t.getId()));
                    }
                    assertEquals(oracle.subList((i + 1) * PAGE, oracle.size()), rest, a + " resumed from token "
                            + (i + 1) + (newFactory ? " in a new SessionFactory" : ""));
                }
            }
        }
    }
}
