package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.dialect.MySQLDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.Author;
import io.batchwise.hibernate.fixtures.Book;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.Library;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

@ExtendWith(MySqlServerExtension.class)
class YieldPerIT {
    static final int ROWS = 12_345;
    static final int BATCH = 1_000;
    static final Map<JdbcDriver, SessionFactory> FACTORIES = new EnumMap<>(JdbcDriver.class);
    static SessionFactory cursorFactory;
    static long expectedChecksum;
    static TestSchema schema;

    @BeforeAll
    static void createFixtures(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
            expectedChecksum = ItemTable.expectedChecksum(c, "item");
        }
        Library.create(schema, 30, 3);
    }

    @AfterAll
    static void closeFactories() {
        FACTORIES.values().forEach(SessionFactory::close);
        FACTORIES.clear();
        if (cursorFactory != null) {
            cursorFactory.close();
        }
    }

    static SessionFactory factory(JdbcDriver driver) {
        return FACTORIES.computeIfAbsent(driver, d -> SessionFactories.create(schema.dataSource(d)));
    }

    static SessionFactory cursorFactory() {
        if (cursorFactory == null) {
            cursorFactory = SessionFactories.create(
                    schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J, Map.of("useCursorFetch", "true")));
        }
        return cursorFactory;
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksEveryRowOnceInOrderWhileThePersistenceContextHoldsAtMostOneBatch(JdbcDriver driver) {
        try (Session session = factory(driver).openSession()) {
            session.beginTransaction();
            long sum = 0;
            long lastId = 0;
            int maxManaged = 0;
            try (Walk<Item> items = YieldPer.query(session, "from Item order by id", Item.class).batchSize(BATCH).open()) {
                while (items.hasNext()) {
                    Item item = items.next();
                    assertTrue(item.getId() > lastId, "ascending ids");
                    lastId = item.getId();
                    sum += item.checksum();
                    maxManaged = Math.max(maxManaged, session.getStatistics().getEntityCount());
                }
                assertEquals(ROWS, items.rowsRead());
            }
            assertEquals(expectedChecksum, sum);
            assertEquals(ROWS, lastId);
            assertEquals(BATCH, maxManaged, "the context holds one batch at most");
            session.getTransaction().commit();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksAStatelessSessionAndEntityManagerAndCriteriaQuery(JdbcDriver driver) {
        try (StatelessSession session = factory(driver).openStatelessSession();
                Stream<Item> items = YieldPer.query(session, "from Item", Item.class).stream()) {
            assertEquals(expectedChecksum, items.mapToLong(Item::checksum).sum());
        }
        try (EntityManager em = factory(driver).createEntityManager()) {
            CriteriaBuilder cb = em.getCriteriaBuilder();
            CriteriaQuery<Item> criteria = cb.createQuery(Item.class);
            Root<Item> root = criteria.from(Item.class);
            criteria.where(cb.le(root.get("id"), 5_000L));
            long jpql = YieldPer.query(em, "select i from Item i where i.id <= :max", Item.class)
                    .parameter("max", 5_000L).forEachBatch(batch -> { });
            long viaCriteria;
            try (Stream<Item> s = YieldPer.query(em, criteria).batchSize(100).stream()) {
                viaCriteria = s.count();
            }
            assertEquals(5_000, jpql);
            assertEquals(5_000, viaCriteria);
        }
    }

    @Test
    void walksProjectionsAndPositionalParameters() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession();
                Stream<Object[]> rows = YieldPer.query(session,
                        "select i.id, i.amount from Item i where i.id > ?1 order by i.id", Object[].class)
                        .parameter(1, ROWS - 10L).stream()) {
            List<Object[]> list = rows.toList();
            assertEquals(10, list.size());
            assertEquals(ROWS - 9L, list.get(0)[0]);
            assertInstanceOf(BigDecimal.class, list.get(0)[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void anEarlyBreakOrAnExceptionFromTheCallerClosesTheScrollAndLeavesTheSessionUsable(JdbcDriver driver) {
        try (Session session = factory(driver).openSession()) {
            try (Walk<Item> items = YieldPer.query(session, "from Item", Item.class).open()) {
                for (int i = 0; i < 3 && items.hasNext(); i++) {
                    items.next();
                }
            }
            assertEquals(ROWS, session.createSelectionQuery("select count(*) from Item", Long.class).getSingleResult());

            IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                    YieldPer.query(session, "from Item", Item.class).batchSize(10).forEachBatch(batch -> {
                        throw new IllegalStateException("caller failed");
                    }));
            assertEquals("caller failed", thrown.getMessage());
            assertEquals(ROWS, session.createSelectionQuery("select count(*) from Item", Long.class).getSingleResult());

            Stream<Item> abandoned = YieldPer.query(session, "from Item", Item.class).stream();
            assertEquals(5, abandoned.limit(5).count());
            abandoned.close();
            assertEquals(ROWS, session.createSelectionQuery("select count(*) from Item", Long.class).getSingleResult());
        }
    }

    @Test
    void aClosedWalkRefusesFurtherIterationAndIsIdempotentToClose() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            Walk<Item> items = YieldPer.query(session, "from Item", Item.class).open();
            items.next();
            items.close();
            items.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, items::hasNext);
            assertTrue(e.getMessage().contains("closed after 1 rows"), e.getMessage());
        }
    }

    @Test
    void readOnlyWalkNeverWritesChangesMadeToItsEntities() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            session.beginTransaction();
            YieldPer.query(session, "from Item where id <= 50", Item.class).batchSize(10)
                    .forEachBatch(batch -> batch.forEach(i -> i.setAmount(BigDecimal.ZERO)));
            session.getTransaction().commit();
            assertEquals(0L, session.createSelectionQuery("select count(*) from Item where amount = 0 and id <= 50",
                    Long.class).getSingleResult(), "generated amounts below id 50 are non-zero, and stay so");
        }
    }

    @Test
    void flushAndClearWritesEachBatchThroughAServerCursor() {
        try (Session session = cursorFactory().openSession()) {
            session.beginTransaction();
            long handled = YieldPer.query(session, "from Item where id <= 2500 order by id", Item.class)
                    .batchSize(500).afterBatch(AfterBatch.FLUSH_AND_CLEAR)
                    .forEachBatch(batch -> {
                        batch.forEach(i -> i.setAmount(i.getAmount().add(BigDecimal.ONE)));
                        assertTrue(session.getStatistics().getEntityCount() <= 500);
                    });
            session.getTransaction().commit();
            assertEquals(2_500, handled);
        }
        try (Session session = cursorFactory().openSession()) {
            long changed = session.createSelectionQuery(
                    "select count(*) from Item where id <= 2500 and amount = mod(id, 100000) / 100.0 + 1", Long.class)
                    .getSingleResult();
            assertEquals(2_500, changed);
            session.beginTransaction();
            session.createMutationQuery("update Item set amount = amount - 1 where id <= 2500").executeUpdate();
            session.getTransaction().commit();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void flushingWithoutAServerCursorIsRefusedUpFrontNamingTheFix(JdbcDriver driver) {
        try (Session session = factory(driver).openSession()) {
            session.beginTransaction();
            long before = session.getSessionFactory().getStatistics().getPrepareStatementCount();
            BatchwiseException e = assertThrows(BatchwiseException.class, () ->
                    YieldPer.query(session, "from Item", Item.class).afterBatch(AfterBatch.FLUSH_AND_CLEAR).open());
            assertTrue(e.getMessage().contains("useCursorFetch=true"), e.getMessage());
            assertTrue(e.getMessage().contains(driver == JdbcDriver.MYSQL_CONNECTOR_J
                    ? "blocks every other statement" : "reads the whole rest"), e.getMessage());
            assertEquals(before, session.getSessionFactory().getStatistics().getPrepareStatementCount(), "no SQL ran");
            session.getTransaction().rollback();
        }
    }

    @Test
    void lazyLoadingInsideAStreamingWalkFailsWithAnExplanationNotTheDriverMessage() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession();
                Stream<Author> authors = YieldPer.query(session, "from Author", Author.class).stream()) {
            BatchwiseException e = assertThrows(BatchwiseException.class,
                    () -> authors.forEach(a -> a.getBooks().size()));
            assertTrue(e.getMessage().contains("while it was streaming rows"), e.getMessage());
            assertTrue(e.getMessage().contains("join fetch"), e.getMessage());
        }
    }

    @Test
    void lazyLoadingWorksInsideAWalkOverAServerCursorWhenDeclaredShared() {
        try (Session session = cursorFactory().openSession()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> YieldPer
                    .query(session, "from Author", Author.class).connectionUse(ConnectionUse.SHARED).open());
            assertTrue(e.getMessage().contains("needs an active transaction"), e.getMessage());
            session.beginTransaction();
            try (Stream<Author> authors = YieldPer.query(session, "from Author", Author.class).batchSize(7)
                    .connectionUse(ConnectionUse.SHARED).stream()) {
                assertEquals(90, authors.mapToInt(a -> a.getBooks().size()).sum());
            }
            session.getTransaction().commit();
        }
    }

    @Test
    void anEagerAssociationNotFetchedByTheQueryIsExplainedWhenItHitsTheStream() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            BatchwiseException e = assertThrows(BatchwiseException.class, () -> {
                try (Stream<Book> books = YieldPer.query(session, "from Book", Book.class).stream()) {
                    books.forEach(b -> { });
                }
            });
            assertTrue(e.getMessage().contains("EAGER association"), e.getMessage());
            try (Stream<Book> books = YieldPer.query(session, "from Book b join fetch b.author", Book.class).stream()) {
                assertEquals(90, books.filter(b -> b.getAuthor().getName().startsWith("author")).count());
            }
        }
    }

    @Test
    void aCollectionFetchJoinIsRefusedBeforeAnySql() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            long before = session.getSessionFactory().getStatistics().getPrepareStatementCount();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    YieldPer.query(session, "from Author a join fetch a.books", Author.class).open());
            assertTrue(e.getMessage().contains("Author.books"), e.getMessage());
            assertTrue(e.getMessage().contains("@BatchSize"), e.getMessage());
            assertEquals(before, session.getSessionFactory().getStatistics().getPrepareStatementCount());
        }
    }

    @Test
    void detachLoadedKeepsWhatTheCallerHadManagedBeforeTheWalk() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            Item mine = session.find(Item.class, 1L);
            List<Item> walked = new ArrayList<>();
            YieldPer.query(session, "from Item where id between 2 and 300", Item.class).batchSize(50)
                    .afterBatch(AfterBatch.DETACH_LOADED)
                    .forEachBatch(batch -> {
                        walked.addAll(batch);
                        assertTrue(session.getStatistics().getEntityCount() <= 51);
                    });
            assertTrue(session.contains(mine));
            assertFalse(session.contains(walked.get(0)));
            assertEquals(299, walked.size());
        }
    }

    @Test
    void aSecondWalkOnTheSameStreamingSessionIsRefusedClearly() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession();
                Walk<Item> first = YieldPer.query(session, "from Item", Item.class).open()) {
            first.next();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> YieldPer.query(session, "from Book", Book.class).open());
            assertTrue(e.getMessage().contains("Another walk is still streaming"), e.getMessage());
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnySqlWithTheParameterTheValueAndTheFix() {
        try (Session session = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession()) {
            long before = session.getSessionFactory().getStatistics().getPrepareStatementCount();
            assertMessage(() -> YieldPer.query(session, "from Item", Item.class).batchSize(0),
                    "batchSize must be >= 1, was 0");
            assertMessage(() -> YieldPer.query(session, (String) null, Item.class), "hql must not be null");
            assertMessage(() -> YieldPer.query(session, "  ", Item.class), "hql must not be blank");
            assertMessage(() -> YieldPer.query(session, "from Item", null), "rowType must not be null");
            assertMessage(() -> YieldPer.query(session, "from Item", Item.class).fetchSize(-5),
                    "fetchSize must be >= 0 or Integer.MIN_VALUE, was -5");
            assertMessage(() -> YieldPer.query((Session) null, "from Item", Item.class), "session must not be null");
            assertMessage(() -> YieldPer.query(session, (CriteriaQuery<Item>) null), "criteria must not be null");
            assertMessage(() -> YieldPer.query(session, "from Item", Item.class).afterBatch(null), "policy must not be null");
            assertEquals(before, session.getSessionFactory().getStatistics().getPrepareStatementCount());
        }
        Session closed = factory(JdbcDriver.MYSQL_CONNECTOR_J).openSession();
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> YieldPer.query(closed, "from Item", Item.class).open());
        assertTrue(e.getMessage().startsWith("session is closed"), e.getMessage());
        try (StatelessSession stateless = factory(JdbcDriver.MYSQL_CONNECTOR_J).openStatelessSession()) {
            assertMessage(() -> YieldPer.query(stateless, "from Item", Item.class)
                    .afterBatch(AfterBatch.FLUSH_AND_CLEAR).open(), "afterBatch must be AfterBatch.CLEAR for a StatelessSession");
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertTrue(e.getMessage().contains(";"), "the message says the fix: " + e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void hibernateSeesTheRealServerAndVersionWhateverTheDriver(JdbcDriver driver) {
        var dialect = factory(driver).unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class)
                .getJdbcServices().getDialect();
        if (schema.server().isMariaDb()) {
            assertInstanceOf(MariaDBDialect.class, dialect);
            assertTrue(dialect.getVersion().getDatabaseMajorVersion() >= 10, dialect.getVersion().toString());
        } else {
            // ServerDialect's own MySQLDialect subclass (it keeps HHH90000025 away), never the MariaDB one.
            assertInstanceOf(MySQLDialect.class, dialect);
            assertFalse(dialect instanceof MariaDBDialect, dialect.getClass().getName());
            assertTrue(dialect.getVersion().getDatabaseMajorVersion() >= 8, dialect.getVersion().toString());
        }
    }

    @Test
    void theIteratorContractHolds() {
        try (Session session = factory(JdbcDriver.MARIADB_CONNECTOR_J).openSession()) {
            Iterator<Item> none = YieldPer.query(session, "from Item where id < 0", Item.class).open();
            assertFalse(none.hasNext());
            assertThrows(java.util.NoSuchElementException.class, none::next);
        }
    }
}
