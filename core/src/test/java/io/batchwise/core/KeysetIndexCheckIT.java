package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/** What the pager checks in information_schema when it opens, and what it says. */
@ExtendWith(MySqlServerExtension.class)
class KeysetIndexCheckIT {

    @BeforeAll
    static void createTables(TestSchema schema) {
        schema.execute("CREATE TABLE orders ("
                + " id BIGINT NOT NULL PRIMARY KEY,"
                + " created_at DATETIME(6) NOT NULL,"
                + " status VARCHAR(10) NOT NULL,"
                + " note VARCHAR(100) NULL,"
                + " shipped_at DATETIME NULL,"
                + " KEY k_created (created_at),"
                + " KEY k_status_created (status, created_at DESC),"
                + " KEY k_note_prefix (note(10)),"
                + " KEY k_shipped (shipped_at)"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
                "CREATE TABLE heap (code VARCHAR(10) NOT NULL, v INT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO orders VALUES (1, NOW(6), 'new', NULL, NULL), (2, NOW(6), 'new', 'x', NOW())");
    }

    static JdbcKeysetPager.Builder<Long> orders(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J);
        return JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("orders");
    }

    /** Collects what the pager logs. */
    static final class Captured extends Handler implements AutoCloseable {
        final Logger logger = Logger.getLogger(JdbcKeysetPager.class.getName());
        final List<LogRecord> records = new ArrayList<>();

        Captured() {
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    @Test
    void indexExtendedByThePrimaryKeyServesKeyAndTiebreaker(TestSchema schema) {
        try (Captured log = new Captured()) {
            JdbcKeysetPager<Long> pager = orders(schema).orderBy(SortKey.asc("created_at")).open();
            assertTrue(pager.indexAdvice().isEmpty(), pager.indexAdvice().toString());
            assertEquals(KeyOrder.of(SortKey.asc("created_at"), SortKey.asc("id").unique()), pager.order());
            assertTrue(log.records.isEmpty());
            // all reversed is served too (the index read backward), and the tiebreaker follows
            assertTrue(orders(schema).orderBy(SortKey.desc("created_at")).open().indexAdvice().isEmpty());
            assertEquals(SortKey.desc("id").unique(),
                    orders(schema).orderBy(SortKey.desc("created_at")).open().order().last());
        }
    }

    @Test
    void warnsWithTheCreateIndexThatWouldServeTheOrder(TestSchema schema) {
        try (Captured log = new Captured()) {
            JdbcKeysetPager<Long> pager = orders(schema).orderBy(SortKey.asc("status"), SortKey.asc("created_at")).open();
            String advice = pager.indexAdvice().orElseThrow();
            assertTrue(advice.startsWith("No index of `" + schema.name() + "`.`orders` serves the key order"
                    + " (status ASC, created_at ASC, id ASC unique) of the keyset pager: every page will read and sort"
                    + " the rows after the cursor (up to the whole table) instead of one page. Create one: CREATE INDEX"
                    + " `bw_orders_status_created_at_id` ON `orders` (`status` ASC, `created_at` ASC, `id` ASC);"),
                    advice);
            assertTrue(advice.contains("k_status_created (status ASC, created_at DESC)"), advice);
            assertEquals(1, log.records.size());
            assertEquals(Level.WARNING, log.records.get(0).getLevel());
            assertEquals(advice, log.records.get(0).getMessage());
        }
    }

    @Test
    void mixedDirectionsNeedAnIndexInTheSameDirections(TestSchema schema) {
        assertTrue(orders(schema).orderBy(SortKey.asc("status"), SortKey.desc("created_at")).open()
                .indexAdvice().isEmpty());
        assertTrue(orders(schema).orderBy(SortKey.desc("status"), SortKey.asc("created_at")).open()
                .indexAdvice().isEmpty(), "all reversed");
        assertTrue(orders(schema).orderBy(SortKey.desc("created_at"), SortKey.asc("id").unique()).open()
                .indexAdvice().orElseThrow().contains("CREATE INDEX `bw_orders_created_at_id` ON `orders`"
                        + " (`created_at` DESC, `id` ASC)"));
    }

    @Test
    void strictModeRefusesToOpenWithTheCreateIndex(TestSchema schema) {
        BatchwiseException e = assertThrows(BatchwiseException.class, () -> orders(schema)
                .orderBy(SortKey.desc("created_at"), SortKey.asc("id").unique()).indexCheck(IndexCheck.STRICT).open());
        assertTrue(e.getMessage().contains("CREATE INDEX `bw_orders_created_at_id` ON `orders` (`created_at` DESC,"
                + " `id` ASC)"), e.getMessage());
        assertEquals(BatchwiseException.Reason.NO_INDEX, e.reason());
        assertTrue(orders(schema).orderBy(SortKey.asc("created_at")).indexCheck(IndexCheck.STRICT).open()
                .indexAdvice().isEmpty());
    }

    @Test
    void aPrefixIndexDoesNotServeTheOrder(TestSchema schema) {
        String advice = orders(schema).orderBy(SortKey.asc("note").nullable()).open().indexAdvice().orElseThrow();
        assertTrue(advice.contains("CREATE INDEX `bw_orders_note_id` ON `orders` (`note` ASC, `id` ASC)"), advice);
        assertTrue(advice.contains("k_note_prefix (note ASC (prefix))"), advice);
    }

    @Test
    void nullsOnTheOtherSideCannotBeIndexed(TestSchema schema) {
        String advice = orders(schema).orderBy(SortKey.asc("shipped_at").nullsLast()).open().indexAdvice().orElseThrow();
        assertTrue(advice.contains("\"shipped_at\" asks for NULLs on the side opposite to where MySQL and MariaDB sort"
                + " and index them"), advice);
        assertTrue(orders(schema).orderBy(SortKey.asc("shipped_at").nullable()).open().indexAdvice().isEmpty());
    }

    @Test
    void aNullableColumnMustBeDeclaredNullable(TestSchema schema) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> orders(schema).orderBy(SortKey.desc("shipped_at")).open());
        assertTrue(e.getMessage().startsWith("orderBy key \"shipped_at\" is a nullable column of `" + schema.name()
                + "`.`orders` but is not declared nullable: rows with NULL there would be skipped at a page boundary."
                + " Declare it: SortKey.asc(\"shipped_at\").nullable()"), e.getMessage());
    }

    @Test
    void aKeyThatIsNotAColumnIsRefusedWithTheColumnsThereAre(TestSchema schema) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> orders(schema).orderBy(SortKey.asc("createdAt")).open());
        assertTrue(e.getMessage().startsWith("orderBy key \"createdAt\" is not a column of `" + schema.name()
                + "`.`orders`, whose columns are [id, created_at, status, note, shipped_at]"), e.getMessage());
    }

    @Test
    void aTableWithoutPrimaryKeyNeedsAUniqueLastKey(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "code", row -> row.getString(1)).from("heap")
                        .orderBy(SortKey.asc("v")).open());
        assertTrue(e.getMessage().contains("has no primary key to append as tiebreaker"), e.getMessage());
        JdbcKeysetPager<String> pager = JdbcKeysetPager.select(ds, "code", row -> row.getString(1)).from("heap")
                .orderBy(SortKey.asc("v"), SortKey.asc("code").unique()).open();
        assertTrue(pager.indexAdvice().orElseThrow().contains("Indexes of the table: none"));
    }

    @Test
    void aMissingTableIsNamed(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("order")
                        .orderBy(SortKey.asc("id")).open());
        assertTrue(e.getMessage().startsWith("table \"order\" was not found in schema \"" + schema.name() + "\""),
                e.getMessage());
    }

    @Test
    void aJoinIsCheckedAgainstTheNamedTableOrNotAtAll(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        String join = "orders o JOIN orders p ON p.id = o.id";
        IllegalArgumentException notUnique = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "o.id", row -> row.getLong(1)).from(join)
                        .orderBy(SortKey.asc("o.created_at")).open());
        assertTrue(notUnique.getMessage().startsWith("orderBy must end with a unique key"), notUnique.getMessage());
        JdbcKeysetPager<Long> checked = JdbcKeysetPager.select(ds, "o.id", row -> row.getLong(1)).from(join)
                .table("orders").orderBy(SortKey.asc("o.created_at")).open();
        assertEquals(KeyOrder.of(SortKey.asc("o.created_at"), SortKey.asc("o.id").unique()), checked.order());
        assertEquals(2, checked.first().size());
        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "o.id", row -> row.getLong(1)).from(join)
                        .orderBy(SortKey.asc("o.id").unique()).indexCheck(IndexCheck.STRICT).open());
        assertTrue(strict.getMessage().contains("name it with table"), strict.getMessage());
    }

    @Test
    void optionsAreCheckedBeforeAnySql(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).orderBy(SortKey.asc("id")).open());
        assertEquals("from must not be null; call from(\"table\") with the table to page", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from("orders").open());
        assertTrue(e.getMessage().startsWith("orderBy must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).pageSize(0));
        assertTrue(e.getMessage().startsWith("pageSize must be >= 1, was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).table("orders; drop table x"));
        assertTrue(e.getMessage().startsWith("table must be a table name of letters"), e.getMessage());
    }
}
