package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Tricky;
import io.batchwise.testing.TrickyTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

@ExtendWith(MySqlServerExtension.class)
@Timeout(60) // a keyset walk that loops fails here, with its name
class EntityPagerIT {
    static final int ROWS = 1_000;
    static TestSchema schema;
    static SessionFactory factory;

    @BeforeAll
    static void createTable(TestSchema testSchema) throws Exception {
        schema = testSchema;
        TrickyTable.create(schema, ROWS);
        factory = SessionFactories.create(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J));
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    static EntityPager<Tricky> byCreatedAt(SessionFactory sessionFactory, int pageSize) {
        return EntityPager.of(sessionFactory, Tricky.class).orderBy(SortKey.desc("createdAt")).pageSize(pageSize).open();
    }

    static List<Long> ids(List<Tricky> rows) {
        return rows.stream().map(Tricky::getId).toList();
    }

    @Test
    void appendsTheIdAsTiebreakerAndMakesOptionalAttributesNullable() {
        EntityPager<Tricky> pager = EntityPager.of(factory, Tricky.class)
                .orderBy(SortKey.asc("label"), SortKey.desc("createdAt")).open();
        assertEquals("(label ASC NULLS FIRST, createdAt DESC, id DESC unique)", pager.order().toString());
    }

    @Test
    void pagesForwardAndBackwardThroughTheSamePages() throws Exception {
        EntityPager<Tricky> pager = byCreatedAt(factory, 100);
        List<Long> all = TrickyTable.idsInServerOrder(schema, "created_at DESC, id DESC");
        try (Session session = factory.openSession()) {
            Page<Tricky> first = pager.page(session, null);
            Page<Tricky> second = pager.page(session, first.nextToken());
            Page<Tricky> third = pager.page(session, second.nextToken());
            assertEquals(all.subList(0, 100), ids(first.content()));
            assertEquals(all.subList(100, 200), ids(second.content()));
            assertEquals(all.subList(200, 300), ids(third.content()));
            assertTrue(first.hasNext());
            assertFalse(first.hasPrevious());
            Page<Tricky> back = pager.page(session, third.previousToken());
            assertEquals(ids(second.content()), ids(back.content()));
            assertTrue(back.hasPrevious());
            Page<Tricky> backAgain = pager.page(session, back.previousToken());
            assertEquals(ids(first.content()), ids(backAgain.content()));
            assertFalse(backAgain.hasPrevious());
        }
    }

    @Test
    void resumesFromATokenInANewSessionFactoryAndTheConcatenationEqualsAFullWalk() throws Exception {
        List<Long> full = TrickyTable.idsInServerOrder(schema, "created_at DESC, id DESC");
        List<Long> seen = new ArrayList<>();
        String token;
        try (Session session = factory.openSession();
                KeysetWalk<Tricky> walk = byCreatedAt(factory, 64).walk(session, null)) {
            for (int i = 0; i < 64 * 3 + 10; i++) {
                seen.add(walk.next().getId());
            }
            token = walk.resumeToken();
        }
        try (SessionFactory fresh = SessionFactories.create(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J));
                Session session = fresh.openSession();
                KeysetWalk<Tricky> rest = byCreatedAt(fresh, 64).walk(session, token)) {
            rest.forEachRemaining(t -> seen.add(t.getId()));
        }
        assertEquals(full, seen);
    }

    @Test
    void walkingClearsThePersistenceContextAfterEachPage() {
        try (Session session = factory.openSession();
                KeysetWalk<Tricky> walk = byCreatedAt(factory, 50).walk(session, null)) {
            int max = 0;
            while (walk.hasNext()) {
                walk.next();
                max = Math.max(max, session.getStatistics().getEntityCount());
            }
            assertEquals(50, max);
        }
    }

    @Test
    void runsEachPageInItsOwnTransactionAndResumesAfterTheLastCommittedPage() {
        EntityPager<Tricky> pager = EntityPager.of(factory, Tricky.class).where("e.id <= :max")
                .parameter("max", 500L).pageSize(60).open();
        int[] pages = {0};
        BatchwiseException failure = assertThrows(BatchwiseException.class, () -> pager.forEachPage(null, (s, page) -> {
            if (++pages[0] == 4) {
                page.content().forEach(t -> t.setLabel("half-done"));
                throw new IllegalStateException("page 4 failed");
            }
            page.content().forEach(t -> t.setLabel("done"));
        }));
        assertEquals(180, failure.rowsRead());
        assertEquals(BatchwiseException.Reason.OTHER, failure.reason(), "the work's own failure is not transient");
        assertFalse(failure.reason().isTransient());
        String token = failure.resumeToken().orElseThrow();
        assertTrue(failure.getMessage().contains(token), failure.getMessage());
        try (Session session = factory.openSession()) {
            assertEquals(180L, count(session, "done"));
            assertEquals(0L, count(session, "half-done"), "the failed page was rolled back");
        }
        pager.forEachPage(token, (s, page) -> page.content().forEach(t -> t.setLabel("done")));
        try (Session session = factory.openSession()) {
            assertEquals(500L, count(session, "done"));
        }
    }

    private static long count(Session session, String label) {
        return session.createSelectionQuery("select count(*) from Tricky where label = :l", Long.class)
                .setParameter("l", label).getSingleResult();
    }

    @Test
    void refusesUnknownAndUnsortableAttributesNamingWhatTheEntityHas() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> EntityPager.of(factory, Tricky.class).orderBy(SortKey.asc("created_at")).open());
        assertTrue(unknown.getMessage().contains("\"created_at\" is not an attribute of entity Tricky; it has"
                + " [amount, createdAt, id, label]"), unknown.getMessage());
        IllegalArgumentException association = assertThrows(IllegalArgumentException.class, () -> EntityPager
                .of(factory, io.batchwise.hibernate.fixtures.Book.class).orderBy(SortKey.asc("author")).open());
        assertTrue(association.getMessage().contains("is an association"), association.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SortKey.asc("label; drop table tricky"));
    }

    @Test
    void refusesTokensOfAnotherQueryAndTamperedTokensBeforeAnySql() {
        EntityPager<Tricky> byDate = byCreatedAt(factory, 10);
        EntityPager<Tricky> filtered = EntityPager.of(factory, Tricky.class).orderBy(SortKey.desc("createdAt"))
                .where("e.id > :min").parameter("min", 3L).pageSize(10).open();
        try (Session session = factory.openSession()) {
            String token = byDate.page(session, null).nextToken();
            long before = factory.getStatistics().getPrepareStatementCount();
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> filtered.page(session, token));
            assertTrue(foreign.getMessage().contains("token"), foreign.getMessage());
            char[] chars = token.toCharArray();
            chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
            assertThrows(IllegalArgumentException.class, () -> byDate.page(session, new String(chars)));
            assertThrows(IllegalArgumentException.class, () -> byDate.page(session, "not a token!"));
            assertEquals(before, factory.getStatistics().getPrepareStatementCount(), "no SQL ran");
        }
    }

    @Test
    void rowsWrittenDuringAWalkAreSeenAheadOfTheCursorNeverBehindItAndNoneIsSkippedOrRepeated() {
        schema.execute("DELETE FROM tricky WHERE id < 0 OR id > " + ROWS);
        List<Long> seen = new ArrayList<>();
        EntityPager<Tricky> pager = EntityPager.of(factory, Tricky.class).pageSize(50).open();
        try (Session session = factory.openSession(); KeysetWalk<Tricky> walk = pager.walk(session, null)) {
            while (walk.hasNext()) {
                long id = walk.next().getId();
                seen.add(id);
                if (id == 300) {
                    // between pages, from another connection (autocommit): behind, ahead, and deletes
                    schema.execute(
                            "INSERT INTO tricky VALUES (-1, '2024-01-01', 'behind', 1)",
                            "INSERT INTO tricky VALUES (" + (ROWS + 1) + ", '2024-01-01', 'ahead', 1)",
                            "DELETE FROM tricky WHERE id IN (301, 302, 700)",
                            "UPDATE tricky SET id = " + (ROWS + 2) + " WHERE id = 5",
                            "UPDATE tricky SET id = -2 WHERE id = 800");
                }
            }
        } finally {
            schema.execute("DELETE FROM tricky WHERE id IN (-1, " + (ROWS + 1) + ")",
                    "UPDATE tricky SET id = 5 WHERE id = " + (ROWS + 2), "UPDATE tricky SET id = 800 WHERE id = -2",
                    "INSERT INTO tricky SELECT 301, created_at, label, amount FROM tricky WHERE id = 300",
                    "INSERT INTO tricky SELECT 302, created_at, label, amount FROM tricky WHERE id = 300",
                    "INSERT INTO tricky SELECT 700, created_at, label, amount FROM tricky WHERE id = 300");
        }
        assertEquals(seen.size(), seen.stream().distinct().count(), "no row twice");
        for (long id = 1; id <= ROWS; id++) {
            boolean existedThroughout = id != 301 && id != 302 && id != 700 && id != 800;
            if (existedThroughout) {
                assertTrue(seen.contains(id), "row " + id + " existed throughout and was seen");
            }
        }
        assertTrue(seen.contains((long) ROWS + 1), "inserted ahead of the cursor: seen");
        assertTrue(seen.contains((long) ROWS + 2), "moved ahead of the cursor: seen (also seen before it moved)");
        assertFalse(seen.contains(-1L), "inserted behind the cursor: not seen");
        assertFalse(seen.contains(-2L), "moved behind the cursor: not seen at its new place");
        assertFalse(seen.contains(301L), "deleted ahead of the cursor: not seen");
    }

    @Test
    void anEmptyResultGivesAnEmptyPageWithoutTokens() {
        EntityPager<Tricky> none = EntityPager.of(factory, Tricky.class).where("e.id < 0").open();
        try (Session session = factory.openSession()) {
            Page<Tricky> page = none.page(session, null);
            assertTrue(page.isEmpty());
            assertNull(page.nextToken());
            assertFalse(page.hasNext());
        }
    }
}
