package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.TransactionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServer;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * Faults caused for real while yieldPer streams, on a {@link Session} and a {@link StatelessSession}
 * with both drivers: a killed connection or query, a loop slower than {@code net_write_timeout}, a
 * server restart, and a walk closed long before its end. The table is larger than the socket
 * buffers, so the server is still writing when the fault hits.
 */
@ExtendWith(MySqlServerExtension.class)
class YieldPerFaultsIT {
    static final int ROWS = 200_000;
    static final Map<JdbcDriver, SessionFactory> FACTORIES = new EnumMap<>(JdbcDriver.class);
    static TestSchema schema;

    enum Kind { SESSION, STATELESS_SESSION }

    @BeforeAll
    static void createItems(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
        }
    }

    @AfterAll
    static void closeFactories() {
        FACTORIES.values().forEach(SessionFactory::close);
        FACTORIES.clear();
    }

    static SessionFactory factory(JdbcDriver driver) {
        return FACTORIES.computeIfAbsent(driver, d -> SessionFactories.create(schema.dataSource(d)));
    }

    static Stream<Arguments> driversAndSessions() {
        return Stream.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)
                .flatMap(d -> Stream.of(Kind.values()).map(k -> Arguments.of(d, k)));
    }

    static SharedSessionContract open(JdbcDriver driver, Kind kind) {
        return kind == Kind.SESSION ? factory(driver).openSession() : factory(driver).openStatelessSession();
    }

    static Walk<Item> items(SharedSessionContract session) {
        return session instanceof Session s
                ? YieldPer.query(s, "from Item order by id", Item.class).batchSize(100).open()
                : YieldPer.query((StatelessSession) session, "from Item order by id", Item.class).batchSize(100).open();
    }

    static Walk<Long> ids(SharedSessionContract session) {
        return session instanceof Session s
                ? YieldPer.query(s, "select i.id from Item i", Long.class).open()
                : YieldPer.query((StatelessSession) session, "select i.id from Item i", Long.class).open();
    }

    static long count(SharedSessionContract session) {
        return session.createSelectionQuery("select count(*) from Item", Long.class).getSingleResult();
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

    static void assertEveryIdOnce(Walk<Long> walk) {
        BitSet seen = new BitSet(ROWS + 1);
        long count = 0;
        try (walk) {
            while (walk.hasNext()) {
                int id = Math.toIntExact(walk.next());
                assertFalse(seen.get(id), "id " + id + " came twice");
                seen.set(id);
                count++;
            }
        }
        assertEquals(ROWS, count);
        assertEquals(ROWS, seen.cardinality());
    }

    static void assertMentions(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message names '" + part + "': " + e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("driversAndSessions")
    void aKilledConnectionEndsTheWalkClearlyAndTheSessionsNextStatementBorrowsALiveConnection(JdbcDriver driver,
            Kind kind) throws Exception {
        try (SharedSessionContract session = open(driver, kind)) {
            long killed;
            BatchwiseException e;
            Walk<Item> walk = items(session);
            try (walk) {
                take(walk, 10);
                killed = ServerThreads.running(schema, "from item");
                ServerThreads.killConnection(schema, killed);
                e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
            }
            assertEquals(walk.rowsRead(), e.rowsRead());
            assertEquals(BatchwiseException.Reason.CONNECTION_LOST, e.reason());
            assertTrue(e.reason().isTransient());
            assertTrue(e.resumeToken().isEmpty(), "a streaming walk cannot resume");
            assertMentions(e, "lost its connection", "after " + walk.rowsRead() + " rows", "KILL CONNECTION",
                    "cannot resume", "re-run the walk", "EntityPager", "resumes from its last token");
            assertEquals(ROWS, count(session), "the session's next statement works at once");
            assertNotEquals(killed, (long) session.doReturningWork(ServerThreads::connectionId));
        }
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKilledConnectionInsideATransactionLosesTheTransactionAndTheSessionClosesCleanly(JdbcDriver driver)
            throws Exception {
        Session session = factory(driver).openSession();
        session.beginTransaction();
        Walk<Item> walk = items(session);
        try (walk) {
            take(walk, 10);
            ServerThreads.killConnection(schema, ServerThreads.running(schema, "from item"));
            BatchwiseException e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
            assertMentions(e, "lost its connection", "rolled back by the server", "rollback()");
            assertEquals(BatchwiseException.Reason.CONNECTION_LOST, e.reason());
        }
        TransactionException rollback = assertThrows(TransactionException.class,
                () -> session.getTransaction().rollback(), "the connection the transaction lived on is gone");
        assertTrue(rollback.getMessage().contains("Unable to rollback"), rollback.getMessage());
        session.close();
        assertEquals(0, schema.borrowedConnections());
        try (Session next = factory(driver).openSession()) {
            assertEquals(ROWS, count(next));
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKilledQueryEndsTheWalkWithTheServerErrorAndTheSessionAndItsTransactionCarryOn(JdbcDriver driver)
            throws Exception {
        try (Session session = factory(driver).openSession()) {
            session.beginTransaction();
            long id = session.doReturningWork(ServerThreads::connectionId);
            Walk<Item> walk = items(session);
            BatchwiseException e;
            try (walk) {
                take(walk, 10);
                ServerThreads.killQuery(schema, ServerThreads.running(schema, "from item"));
                e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
            }
            assertMentions(e, "interrupted the walk's query", "after " + walk.rowsRead() + " rows", "error 1317",
                    "KILL QUERY", "still usable", "EntityPager");
            assertEquals(BatchwiseException.Reason.QUERY_KILLED, e.reason());
            assertEquals(ROWS, count(session));
            assertEquals(id, (long) session.doReturningWork(ServerThreads::connectionId), "the same connection");
            session.getTransaction().commit();
        }
    }

    /**
     * MariaDB Connector/J streams under the session's net_write_timeout (1 s here); MySQL Connector/J
     * sets its netTimeoutForStreamingResults (1 s here) for every stream.
     */
    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aLoopSlowerThanNetWriteTimeoutIsNamedAndNetWriteTimeoutLetsItFinish(JdbcDriver driver) throws Exception {
        boolean connectorJ = driver == JdbcDriver.MYSQL_CONNECTOR_J;
        try (HikariDataSource pool = schema.newPool(driver,
                connectorJ ? Map.of("netTimeoutForStreamingResults", "1") : Map.of(),
                config -> config.setConnectionInitSql(connectorJ ? null : "SET SESSION net_write_timeout = 1"));
                SessionFactory factory = SessionFactories.create(pool);
                Session session = factory.openSession()) {
            Walk<Item> slow = YieldPer.query(session, "from Item order by id", Item.class).batchSize(100).open();
            BatchwiseException e;
            try (slow) {
                take(slow, 10);
                Thread.sleep(3_000); // the fault: the loop stops reading for longer than net_write_timeout
                e = assertThrows(BatchwiseException.class, () -> readToTheEnd(slow));
            }
            assertMentions(e, "net_write_timeout", "the slowest batch of this walk (100 rows)", "keyset pager",
                    "netWriteTimeout(Duration)", "useCursorFetch=true");
            assertEquals(connectorJ ? BatchwiseException.Reason.NET_WRITE_TIMEOUT : BatchwiseException.Reason.CONNECTION_LOST,
                    e.reason(), "named only when the walk knew its timeout (Connector/J's property)");

            long read;
            try (Walk<Item> patient = YieldPer.query(session, "from Item order by id", Item.class).batchSize(100)
                    .netWriteTimeout(Duration.ofSeconds(30)).open()) {
                take(patient, 10);
                Thread.sleep(3_000);
                readToTheEnd(patient);
                read = patient.rowsRead();
            }
            assertEquals(ROWS, read);
            if (connectorJ) {
                assertEquals(1, (int) session.doReturningWork(c -> c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class)
                        .getPropertySet().getIntegerProperty(com.mysql.cj.conf.PropertyKey.netTimeoutForStreamingResults)
                        .getValue()), "set back after the walk");
            } else {
                assertEquals(1L, (long) session.doReturningWork(c -> {
                    try (Statement s = c.createStatement();
                            ResultSet r = s.executeQuery("SELECT @@SESSION.net_write_timeout")) {
                        r.next();
                        return r.getLong(1);
                    }
                }), "set back after the walk");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("driversAndSessions")
    void closingEarlyStopsTheQueryOnTheServerAndTheSessionReadsEveryRowAfterwards(JdbcDriver driver, Kind kind)
            throws Exception {
        try (SharedSessionContract session = open(driver, kind)) {
            session.beginTransaction();
            long id = session.doReturningWork(ServerThreads::connectionId);
            long kills = ServerThreads.globalStatus(schema, "Com_kill");
            try (Walk<Item> walk = items(session)) {
                take(walk, 10);
            }
            assertEquals(kills + 1, ServerThreads.globalStatus(schema, "Com_kill"),
                    "closing sent one KILL QUERY instead of reading the rest");
            assertEquals(id, (long) session.doReturningWork(ServerThreads::connectionId), "the same connection");
            assertEquals(ROWS, count(session));
            assertEveryIdOnce(ids(session));
            session.getTransaction().commit();
        }
    }

    @Test
    void aServerRestartMidWalkFailsClearlyAndTheSessionFactoryRecovers() throws Exception {
        MySqlServer server = schema.server();
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            Walk<Item> walk = items(session);
            try (walk) {
                take(walk, 10);
                server.restart(); // skips the test where nobody said how to restart the server
                BatchwiseException e = assertThrows(BatchwiseException.class, () -> readToTheEnd(walk));
                assertTrue(e.reason() == BatchwiseException.Reason.CONNECTION_LOST
                        || e.reason() == BatchwiseException.Reason.SERVER_SHUTDOWN, e.reason() + ": " + e.getMessage());
                // MySQL may tell the streaming connection "Server shutdown in progress" (1053) before it goes,
                // or just close it: each has its own explanation
                assertMentions(e, "lost its connection", "re-run the walk",
                        e.reason() == BatchwiseException.Reason.SERVER_SHUTDOWN ? "The server is shutting down"
                                : "the server stopped or restarted");
            }
            assertEquals(ROWS, count(session), "the same session carries on with a new connection");
        }
        try (StatelessSession next = factory(JdbcDriver.MYSQL_CONNECTOR_J).openStatelessSession()) {
            assertEveryIdOnce(ids(next));
        }
        assertEquals(0, schema.borrowedConnections());
    }
}
