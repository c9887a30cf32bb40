package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * A filter written with the criteria API, ANDed with the seek predicate (and an HQL condition), with
 * its values bound, and tokens bound to it.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60) // a keyset walk that loops fails here, with its name
class EntityCriteriaIT {
    static final int ROWS = 2_000;
    static final List<String> STATEMENTS = new CopyOnWriteArrayList<>();
    static TestSchema schema;
    static SessionFactory mysql;
    static SessionFactory mariadb;

    @BeforeAll
    static void createTable(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
        }
        Map<String, Object> inspect = Map.of(AvailableSettings.STATEMENT_INSPECTOR,
                (StatementInspector) sql -> {
                    STATEMENTS.add(sql);
                    return sql;
                });
        mysql = SessionFactories.create(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J), inspect);
        mariadb = SessionFactories.create(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J), inspect);
    }

    @AfterAll
    static void close() {
        mysql.close();
        mariadb.close();
    }

    static List<Long> server(String where, String orderBy) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM item WHERE " + where + " ORDER BY " + orderBy)) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    static EntityPager<Item> inCategory(SessionFactory factory, String category) {
        return EntityPager.of(factory, Item.class)
                .where((cb, item) -> cb.equal(item.get("category"), category))
                .orderBy(SortKey.desc("createdAt")).pageSize(17).open();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksTheRowsACriteriaPredicateSelectsWithTheSeekPredicateAndItsValuesBound(JdbcDriver driver)
            throws Exception {
        SessionFactory factory = driver == JdbcDriver.MYSQL_CONNECTOR_J ? mysql : mariadb;
        EntityPager<Item> pager = inCategory(factory, "cat-3");
        List<Long> seen = new ArrayList<>();
        STATEMENTS.clear();
        try (Session session = factory.openSession(); KeysetWalk<Item> walk = pager.walk(session, null)) {
            walk.forEachRemaining(item -> seen.add(item.getId()));
        }
        assertEquals(server("category = 'cat-3'", "created_at DESC, id DESC"), seen);
        assertTrue(STATEMENTS.size() > 2, STATEMENTS.toString());
        for (String sql : STATEMENTS) {
            assertFalse(sql.contains("cat-3"), "the criteria value is bound, not written into the SQL: " + sql);
        }
        String later = STATEMENTS.get(1);
        assertTrue(later.contains("i1_0.category=?") && later.contains("i1_0.created_at<timestamp(?)"), later);
    }

    @Test
    void combinesWithAnHqlConditionAndPagesBothWays() throws Exception {
        EntityPager<Item> pager = EntityPager.of(mysql, Item.class)
                .where("e.amount >= :min").parameter("min", new BigDecimal("5.00"))
                .where((cb, item) -> cb.or(cb.isNull(item.get("category")), cb.like(item.get("category"), "cat-1%")))
                .orderBy(SortKey.asc("category")).pageSize(20).open();
        List<Long> expected = server("amount >= 5 AND (category IS NULL OR category LIKE 'cat-1%')", "category, id");
        List<Long> forward = new ArrayList<>();
        try (Session session = mysql.openSession()) {
            Page<Item> page = pager.page(session, null);
            Page<Item> last = page;
            while (true) {
                page.content().forEach(i -> forward.add(i.getId()));
                last = page;
                if (!page.hasNext()) {
                    break;
                }
                page = pager.page(session, page.nextToken());
            }
            assertEquals(expected, forward);
            Page<Item> back = pager.page(session, last.previousToken());
            int end = expected.size() - last.size();
            assertEquals(expected.subList(end - 20, end), back.content().stream().map(Item::getId).toList());
        }
    }

    @Test
    void aTokenResumesOnlyTheConditionWithTheSameValues() {
        EntityPager<Item> books = inCategory(mysql, "cat-3");
        EntityPager<Item> games = inCategory(mysql, "cat-4");
        try (Session session = mysql.openSession()) {
            String token = books.page(session, null).nextToken();
            assertEquals(17, books.page(session, token).size());
            assertEquals(17, inCategory(mariadb, "cat-3").page(session, token).size(), "the same condition, again");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> games.page(session, token));
            assertTrue(e.getMessage().startsWith("token was issued for a different query"), e.getMessage());
        }
    }

    @Test
    void worksWithProjections() throws Exception {
        EntityPager<Long> ids = EntityPager.of(mariadb, Item.class)
                .where((cb, item) -> cb.lessThan(item.get("id"), 500L))
                .select("e.id", Long.class).orderBy(SortKey.desc("amount")).pageSize(33).open();
        List<Long> seen = new ArrayList<>();
        try (Session session = mariadb.openSession(); KeysetWalk<Long> walk = ids.walk(session, null)) {
            walk.forEachRemaining(seen::add);
        }
        assertEquals(server("id < 500", "amount DESC, id DESC"), seen);
    }
}
