package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
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
import io.batchwise.hibernate.fixtures.Event;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;
import io.batchwise.testing.TimeZones;

/**
 * A late entity page reads about one page of rows (the server's {@code Handler_read%} counters) for
 * keys whose seek predicate binds through a function or a member list: a DATETIME(6) compared with
 * {@code timestamp(?)}, a TIMESTAMP(6) with {@code from_unixtime(?)} in a fixed-offset session, an
 * ENUM with {@code in (...)}. In a daylight-saving session the TIMESTAMP key reads the rows of the
 * 3-hour window before the boundary again, as docs/keyset.md says.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(180)
class EntityRowsReadIT {
    static final int ROWS = 40_000;
    static final int PAGE = 1_000;
    static final int POSITION = 36_000;

    @BeforeAll
    static void createTable(TestSchema schema) throws Exception {
        assertTrue(TimeZones.ensure(schema.server(), "Europe/Berlin"));
        schema.execute("CREATE TABLE event (id BIGINT NOT NULL PRIMARY KEY, happened_dt DATETIME(6) NOT NULL,"
                + " happened_ts TIMESTAMP(6) NOT NULL, kind ENUM('D','C','B','A') NOT NULL,"
                + " KEY k_dt (happened_dt, id), KEY k_ts (happened_ts, id), KEY k_kind (kind, id)) ENGINE=InnoDB");
        try (Connection c = schema.server().connect(schema.name())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET time_zone = '+00:00'");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO event VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= ROWS; i++) {
                    // one row a second, ten share each second's first microseconds; every fourth kind
                    String at = String.format(Locale.ROOT, "2024-10-26 12:00:00.%06d", i % 10);
                    insert.setLong(1, i);
                    insert.setString(2, at.replace("12:00:00", String.format(Locale.ROOT, "%02d:%02d:%02d",
                            12 + i / 3600 % 12, i / 60 % 60, i % 60)));
                    insert.setString(3, at.replace("12:00:00", String.format(Locale.ROOT, "%02d:%02d:%02d",
                            12 + i / 3600 % 12, i / 60 % 60, i % 60)));
                    insert.setString(4, String.valueOf("DCBA".charAt(i * 7 % 4)));
                    insert.addBatch();
                    if (i % 5_000 == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE TABLE event");
            }
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J).flatMap(d -> Stream.of(
                Arguments.of(d, "happenedDt", "+00:00"), Arguments.of(d, "happenedTs", "+00:00"),
                Arguments.of(d, "kind", "+00:00"), Arguments.of(d, "happenedTs", "Europe/Berlin")));
    }

    @ParameterizedTest(name = "{1} in {2} via {0}")
    @MethodSource("cases")
    void aLateEntityPageReadsAboutOnePage(JdbcDriver driver, String attribute, String zone, TestSchema schema)
            throws Exception {
        try (HikariDataSource ds = schema.newPool(driver, Map.of(), c -> c.setConnectionInitSql(
                "SET time_zone = '" + zone + "'")); SessionFactory factory = factory(ds);
                Session session = factory.openSession()) {
            EntityPager<Event> big = EntityPager.of(factory, Event.class).orderBy(SortKey.asc(attribute))
                    .pageSize(10_000).open();
            String token;
            try (KeysetWalk<Event> walk = big.walk(session, null)) {
                for (int i = 0; i < POSITION; i++) {
                    walk.next();
                }
                token = walk.resumeToken();
            }
            EntityPager<Event> pager = EntityPager.of(factory, Event.class).orderBy(SortKey.asc(attribute))
                    .pageSize(PAGE).open();
            session.clear();
            session.beginTransaction(); // one connection for the counters and the page
            long before = session.doReturningWork(EntityRowsReadIT::handlerReads);
            Page<Event> page = pager.page(session, token);
            long read = session.doReturningWork(EntityRowsReadIT::handlerReads) - before;
            session.getTransaction().commit();
            assertEquals(PAGE, page.size());
            System.out.printf(Locale.ROOT, "entity rows read [%s, %s, %s, session %s]: a page of %,d at %,d of %,d"
                    + " read %,d rows%n", schema.server().describe(), driver, attribute, zone, PAGE, POSITION, ROWS,
                    read);
            boolean mariaDb10 = schema.server().isMariaDb() && schema.server().version().startsWith("10.");
            if (mariaDb10 && attribute.equals("kind")) {
                // Known MariaDB 10.x plan (docs/keyset.md): with MariaDB Connector/J it may read up to a page
                // from each member's range of the IN list and sort them: at most (members + 1) pages, not the table
                assertTrue(read < 5 * PAGE + 3, attribute + " on MariaDB 10 read " + read);
            } else if (zone.equals("+00:00")) {
                assertTrue(read < 3 * PAGE, attribute + " read " + read + " rows for a page of " + PAGE);
            } else {
                // the window of 3 hours before the boundary (one row a second) is read again, no more
                assertTrue(read < 3 * 3600 + 3 * PAGE, attribute + " in " + zone + " read " + read);
            }
        }
    }

    static long handlerReads(Connection c) throws java.sql.SQLException {
        long sum = 0;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read%'")) {
            while (r.next()) {
                sum += r.getLong(2);
            }
        }
        return sum;
    }

    static SessionFactory factory(DataSource ds) {
        return SessionFactories.of(ds, Event.class);
    }
}
