package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.Author;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.Library;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * Pages of projections: records made with HQL's {@code select new}, tuples, single values, with the
 * keys selected by the pager whether or not the select list has them, so each page's boundary comes
 * from the database.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60) // a keyset walk that loops fails here, with its name
class EntityProjectionIT {
    static final int ROWS = 1_500;
    static TestSchema schema;
    static SessionFactory mysql;
    static SessionFactory mariadb;

    /** A read model of {@link Item}. */
    record ItemView(Long id, BigDecimal amount) {
    }

    @BeforeAll
    static void createTables(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
        }
        Library.create(schema, 5, 3);
        mysql = SessionFactories.create(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J));
        mariadb = SessionFactories.create(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J));
    }

    @AfterAll
    static void close() {
        mysql.close();
        mariadb.close();
    }

    static SessionFactory factory(JdbcDriver driver) {
        return driver == JdbcDriver.MYSQL_CONNECTOR_J ? mysql : mariadb;
    }

    /** The rows of {@code sql} as strings of their columns joined by {@code |}. */
    static List<String> server(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(r.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksRecordsMadeFromTheSelectItemsByAKeyTheyDoNotHold(JdbcDriver driver) throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<ItemView> pager = EntityPager.of(factory, Item.class).select("e.id, e.amount", ItemView.class)
                .orderBy(SortKey.desc("createdAt")).pageSize(97).open();
        List<String> seen = new ArrayList<>();
        try (Session session = factory.openSession(); KeysetWalk<ItemView> walk = pager.walk(session, null)) {
            walk.forEachRemaining(v -> seen.add(v.id() + "|" + v.amount()));
        }
        assertEquals(server("SELECT id, amount FROM item ORDER BY created_at DESC, id DESC"), seen);
    }

    @Test
    void pagesRecordsForwardAndBackwardWithTokensBoundToTheProjection() throws Exception {
        List<String> all = server("SELECT id, amount FROM item ORDER BY created_at DESC, id DESC");
        EntityPager<ItemView> pager = EntityPager.of(mysql, Item.class).select("e.id, e.amount", ItemView.class)
                .orderBy(SortKey.desc("createdAt")).pageSize(25).open();
        EntityPager<Item> entities = EntityPager.of(mysql, Item.class).orderBy(SortKey.desc("createdAt")).pageSize(25)
                .open();
        try (Session session = mysql.openSession()) {
            Page<ItemView> first = pager.page(session, null);
            Page<ItemView> second = pager.page(session, first.nextToken());
            assertEquals(all.subList(25, 50), second.content().stream().map(v -> v.id() + "|" + v.amount()).toList());
            Page<ItemView> back = pager.page(session, second.previousToken());
            assertEquals(first.content(), back.content());
            assertFalse(back.hasPrevious());
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> entities.page(session, first.nextToken()));
            assertTrue(foreign.getMessage().startsWith("token was issued for a different query"),
                    foreign.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksTuplesByANullableKey(JdbcDriver driver) throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<Object[]> pager = EntityPager.of(factory, Item.class).select("e.category, e.amount", Object[].class)
                .orderBy(SortKey.asc("category")).pageSize(64).open();
        assertEquals("(category ASC NULLS FIRST, id ASC unique)", pager.order().toString());
        List<String> seen = new ArrayList<>();
        try (Session session = factory.openSession(); KeysetWalk<Object[]> walk = pager.walk(session, null)) {
            walk.forEachRemaining(row -> {
                assertEquals(2, row.length, Arrays.toString(row));
                seen.add(row[0] + "|" + row[1]);
            });
        }
        assertEquals(server("SELECT category, amount FROM item ORDER BY category, id"), seen);
    }

    @Test
    void walksSingleValuesAndTuplesHoldingEntities() throws Exception {
        EntityPager<String> payloads = EntityPager.of(mariadb, Item.class).select("e.payload", String.class)
                .where("e.id <= :max").parameter("max", 300L).pageSize(40).open();
        List<String> seen = new ArrayList<>();
        try (Session session = mariadb.openSession(); KeysetWalk<String> walk = payloads.walk(session, null)) {
            walk.forEachRemaining(seen::add);
        }
        assertEquals(server("SELECT payload FROM item WHERE id <= 300 ORDER BY id"), seen);

        EntityPager<Object[]> mixed = EntityPager.of(mariadb, Item.class).select("e, e.amount * 2", Object[].class)
                .pageSize(10).open();
        try (Session session = mariadb.openSession()) {
            Page<Object[]> page = mixed.page(session, null);
            Item item = assertInstanceOf(Item.class, page.content().get(0)[0]);
            assertEquals(0, item.getAmount().multiply(BigDecimal.valueOf(2)).compareTo((BigDecimal) page.content()
                    .get(0)[1]));
            assertTrue(session.contains(item), "entities in tuples are managed like entity pages");
        }
    }

    @Test
    void aSelectThatGivesSeveralRowsPerEntityIsRefusedWhenAPageShowsIt() {
        EntityPager<Object[]> books = EntityPager.of(mysql, Author.class).select("e.name, e.books", Object[].class)
                .pageSize(10).open();
        try (Session session = mysql.openSession()) {
            BatchwiseException e = assertThrows(BatchwiseException.class, () -> books.page(session, null));
            assertTrue(e.getMessage().startsWith("Rows 1 and 2 of Author have the same keys [1], which identify an"
                    + " entity: the select list \"e.name, e.books\" gives several rows per entity"), e.getMessage());
            assertEquals(BatchwiseException.Reason.BAD_DATA, e.reason());
        }
    }
}
