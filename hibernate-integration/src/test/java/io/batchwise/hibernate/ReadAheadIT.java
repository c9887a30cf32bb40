package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.SortKey;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.Collected;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * Read-ahead on the Hibernate walks: yieldPer hydrating the next batches in a stateless session of
 * its own, the entity pager reading the next pages in sessions of its own. The same rows and errors
 * as without read-ahead, entities handed over detached, refusals before any SQL, and after every
 * ending no reader thread and no borrowed connection (checked here and by the extension).
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(120)
class ReadAheadIT {
    static final int ROWS = 200_000;
    static final Map<JdbcDriver, SessionFactory> FACTORIES = new EnumMap<>(JdbcDriver.class);
    static TestSchema schema;

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

    static void take(Walk<?> walk, int rows) {
        for (int i = 0; i < rows; i++) {
            walk.next();
        }
    }

    static void assertMentions(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message names '" + part + "': " + e.getMessage());
        }
    }

    static void assertNothingLeft(String after) {
        assertEquals(0, MySqlServerExtension.readerThreads(), after + ": no reader thread left");
        assertEquals(0, schema.borrowedConnections(), after + ": no connection left borrowed");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void yieldPerGivesTheSameRowsDetachedAndLeavesTheWalksSessionFree(JdbcDriver driver) {
        try (Session session = factory(driver).openSession()) {
            List<Long> plain = new ArrayList<>();
            try (Walk<Item> walk = YieldPer.query(session, "from Item where id <= 5000 order by amount, id", Item.class)
                    .batchSize(100).open()) {
                walk.forEachRemaining(item -> plain.add(item.getId()));
            }
            List<Long> ahead = new ArrayList<>();
            try (Walk<Item> walk = YieldPer.query(session, "from Item where id <= :last order by amount, id",
                    Item.class).parameter("last", 5000L).batchSize(100).readAhead(2).open()) {
                while (walk.hasNext()) {
                    Item item = walk.next();
                    assertFalse(session.contains(item), "handed over detached");
                    ahead.add(item.getId());
                    if (ahead.size() == 150) {
                        // the walk's own session is free: with Connector/J's stream on it this statement would fail
                        assertEquals(ROWS, session.createSelectionQuery("select count(*) from Item", Long.class)
                                .getSingleResult());
                    }
                }
            }
            assertEquals(5000, plain.size());
            assertEquals(plain, ahead);
        }
        assertNothingLeft("the end");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void yieldPerReadAheadEndsAKilledConnectionsWalkAsWithout(JdbcDriver driver) throws Exception {
        try (Session session = factory(driver).openSession()) {
            BatchwiseException e;
            Walk<Item> walk = YieldPer.query(session, "from Item order by id", Item.class).batchSize(100).readAhead(2)
                    .open();
            try (walk) {
                take(walk, 10);
                ServerThreads.killConnection(schema, ServerThreads.running(schema, "from item"));
                e = assertThrows(BatchwiseException.class, () -> {
                    while (walk.hasNext()) {
                        walk.next();
                    }
                });
            }
            assertEquals(walk.rowsRead(), e.rowsRead(), "the rows read before the failure were handed out first");
            assertEquals(BatchwiseException.Reason.CONNECTION_LOST, e.reason());
            assertTrue(e.resumeToken().isEmpty(), "a streaming walk cannot resume");
            assertMentions(e, "lost its connection", "after " + walk.rowsRead() + " rows", "KILL CONNECTION",
                    "cannot resume", "re-run the walk", "EntityPager");
            assertEquals(ROWS, session.createSelectionQuery("select count(*) from Item", Long.class).getSingleResult());
        }
        schema.dataSource(driver).getHikariPoolMXBean().softEvictConnections();
        assertNothingLeft("a killed connection");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void yieldPerReadAheadEndsAKilledQuerysWalkAsWithout(JdbcDriver driver) throws Exception {
        try (Session session = factory(driver).openSession()) {
            BatchwiseException e;
            Walk<Item> walk = YieldPer.query(session, "from Item order by id", Item.class).batchSize(100).readAhead(1)
                    .open();
            try (walk) {
                take(walk, 10);
                ServerThreads.killQuery(schema, ServerThreads.running(schema, "from item"));
                e = assertThrows(BatchwiseException.class, () -> {
                    while (walk.hasNext()) {
                        walk.next();
                    }
                });
            }
            assertEquals(walk.rowsRead(), e.rowsRead());
            assertEquals(BatchwiseException.Reason.QUERY_KILLED, e.reason());
            assertMentions(e, "interrupted the walk's query", "after " + walk.rowsRead() + " rows", "error 1317",
                    "KILL QUERY");
        }
        assertNothingLeft("a killed query");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void closingAYieldPerReadAheadEarlyStopsTheQueryOnTheServerAndTheReader(JdbcDriver driver) throws Exception {
        try (Session session = factory(driver).openSession()) {
            long kills = ServerThreads.globalStatus(schema, "Com_kill");
            try (Walk<Item> walk = YieldPer.query(session, "from Item order by id", Item.class).batchSize(100)
                    .readAhead(2).open()) {
                take(walk, 10);
            }
            assertEquals(kills + 1, ServerThreads.globalStatus(schema, "Com_kill"),
                    "closing sent one KILL QUERY instead of reading the rest");
            assertNothingLeft("close");
            IllegalStateException work = new IllegalStateException("the caller's work failed");
            assertSame(work, assertThrows(IllegalStateException.class,
                    () -> YieldPer.query(session, "from Item order by id", Item.class).batchSize(100).readAhead(2)
                            .forEachBatch(batch -> {
                                throw work;
                            })));
            assertNothingLeft("an exception in forEachBatch");
        }
    }

    @Test
    void yieldPerRefusesWhatNeedsAManagedContextWithTheReasonBeforeAnySql() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            session.beginTransaction();
            IllegalArgumentException flush = assertThrows(IllegalArgumentException.class,
                    () -> YieldPer.query(session, "from Item", Item.class).afterBatch(AfterBatch.FLUSH_AND_CLEAR)
                            .readAhead(1).open());
            assertMentions(flush, "afterBatch must not flush with readAhead(1), was FLUSH_AND_CLEAR",
                    "handed over detached", "EntityPager.forEachPage");
            IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                    () -> YieldPer.query(session, "from Item", Item.class).connectionUse(ConnectionUse.SHARED)
                            .readAhead(1).open());
            assertMentions(shared, "connectionUse must be EXCLUSIVE with readAhead(1), was SHARED", "lazy loading",
                    "join fetch");
            IllegalArgumentException selection = assertThrows(IllegalArgumentException.class,
                    () -> YieldPer.query(session, session.createSelectionQuery("from Item", Item.class)).readAhead(1)
                            .open());
            assertMentions(selection, "readAhead needs the query as HQL/JPQL or criteria", "a session of its own");
            for (int bad : new int[] {-1, 17}) {
                IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                        () -> YieldPer.query(session, "from Item", Item.class).readAhead(bad));
                assertTrue(range.getMessage().startsWith("readAhead must be between 0 (off) and 16, was " + bad),
                        range.getMessage());
            }
            session.getTransaction().commit();
        }
        assertNothingLeft("refusals");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void entityPagerReadAheadGivesTheSameEntitiesAndTokensDetachedAndStopsOnClose(JdbcDriver driver) {
        EntityPager<Item> plainPager = EntityPager.of(factory(driver), Item.class).where("e.id <= 3000")
                .orderBy(SortKey.desc("createdAt")).pageSize(250).open();
        EntityPager<Item> aheadPager = EntityPager.of(factory(driver), Item.class).where("e.id <= 3000")
                .orderBy(SortKey.desc("createdAt")).pageSize(250).readAhead(2).open();
        assertEquals(2, aheadPager.readAhead());
        List<String> plain = new ArrayList<>();
        List<String> ahead = new ArrayList<>();
        try (Session session = factory(driver).openSession()) {
            try (KeysetWalk<Item> walk = plainPager.walk(session, null)) {
                while (walk.hasNext()) {
                    plain.add(walk.next().getId() + " " + walk.resumeToken());
                }
            }
            try (KeysetWalk<Item> walk = aheadPager.walk(session, null)) {
                while (walk.hasNext()) {
                    Item item = walk.next();
                    assertFalse(session.contains(item), "handed over detached");
                    ahead.add(item.getId() + " " + walk.resumeToken());
                }
            }
            assertEquals(3000, plain.size());
            assertEquals(plain, ahead, "the same entities and the same token at every row");
            try (KeysetWalk<Item> walk = aheadPager.walk(session, null)) {
                take(walk, 260);
            }
        }
        assertNothingLeft("close");
    }

    /**
     * Walks dropped without close: once collected, their readers stop, the yieldPer reader's query is
     * stopped on the server, and every connection is back in the pool.
     */
    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksDroppedWithoutClosingStopTheirReadersAndReturnTheirConnectionsOnceCollected(JdbcDriver driver)
            throws Exception {
        EntityPager<Item> pager = EntityPager.of(factory(driver), Item.class).pageSize(250).readAhead(2).open();
        try (Session session = factory(driver).openSession()) {
            dropAfter(YieldPer.query(session, "from Item order by id", Item.class).batchSize(100).readAhead(2).open(),
                    150);
            dropAfter(pager.walk(session, null), 300);
            Collected.await(() -> MySqlServerExtension.readerThreads() == 0 && schema.borrowedConnections() == 0,
                    "the readers of dropped walks end and give their connections back");
        }
        assertNothingLeft("dropped walks, collected");
    }

    private static void dropAfter(Walk<Item> walk, int rows) {
        take(walk, rows); // and dropped here, unclosed
    }

    /** The table renamed away mid-walk, without read-ahead and with: the same exception, and the walk resumes. */
    @Test
    void anEntityPageTheReaderCannotReadFailsAsWithoutReadAheadAndTheWalkResumes() {
        List<String> failures = new ArrayList<>();
        for (int readAhead : new int[] {0, 1}) {
            EntityPager<Item> pager = EntityPager.of(factory(JdbcDriver.MARIADB_CONNECTOR_J), Item.class)
                    .where("e.id <= 3000").orderBy(SortKey.asc("id")).pageSize(100).readAhead(readAhead).open();
            List<Long> walked = new ArrayList<>();
            try (Session session = factory(JdbcDriver.MARIADB_CONNECTOR_J).openSession()) {
                String token;
                try (KeysetWalk<Item> walk = pager.walk(session, null)) {
                    take(walk, 150);
                    schema.execute("RENAME TABLE item TO item_away"); // the fault: the next pages cannot be read
                    RuntimeException e;
                    try {
                        e = assertThrows(RuntimeException.class, () -> {
                            while (walk.hasNext()) {
                                walked.add(walk.next().getId());
                            }
                        });
                    } finally {
                        schema.execute("RENAME TABLE item_away TO item");
                    }
                    failures.add(e.getClass().getName() + ": " + e.getMessage());
                    token = walk.resumeToken();
                    assertEquals(0, MySqlServerExtension.readerThreads(), "the reader ended with its failure");
                }
                try (KeysetWalk<Item> rest = pager.walk(session, token)) {
                    rest.forEachRemaining(item -> walked.add(item.getId()));
                }
            }
            assertEquals(3000 - 150, walked.size(), "readAhead " + readAhead + ": every row after the 150 taken once");
            assertEquals(151L, walked.get(0));
            assertEquals(3000L, walked.get(walked.size() - 1));
        }
        assertEquals(failures.get(0), failures.get(1), "the same failure with and without read-ahead");
        assertNothingLeft("a failed page");
    }
}
