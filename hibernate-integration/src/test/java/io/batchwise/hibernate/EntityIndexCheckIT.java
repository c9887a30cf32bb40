package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.IndexCheck;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.CompositeIdTables;
import io.batchwise.hibernate.fixtures.Enrollment;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Shipment;
import io.batchwise.hibernate.fixtures.Tricky;
import io.batchwise.testing.TrickyTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The entity pager's index check: the key attributes are resolved to their columns and table through
 * Hibernate's mapping model, and the table's indexes read from information_schema are checked as the
 * JDBC pager checks them, with the same advice in column names.
 */
@ExtendWith(MySqlServerExtension.class)
class EntityIndexCheckIT {
    static TestSchema schema;
    static SessionFactory factory;

    @BeforeAll
    static void createTables(TestSchema testSchema) throws Exception {
        schema = testSchema;
        CompositeIdTables.createShipments(schema, 20);
        CompositeIdTables.createEnrollments(schema, 20);
        TrickyTable.create(schema, 20);
        factory = SessionFactories.create(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J));
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    /** Collects what the entity pager logs. */
    static final class Captured extends Handler implements AutoCloseable {
        final Logger logger = Logger.getLogger(EntityPager.class.getName());
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
    void warnsWithTheCreateIndexOnTheMappedColumnNames() {
        try (Captured log = new Captured()) {
            EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class).orderBy(SortKey.asc("weight")).open();
            String advice = pager.indexAdvice().orElseThrow();
            assertTrue(advice.startsWith("Entity Shipment, keys (weight ASC, id.carrier ASC, id.number ASC unique): No"
                    + " index of `" + schema.name() + "`.`shipment` serves the key order (weight ASC, carrier_code ASC,"
                    + " shipment_no ASC unique) of the keyset pager: every page will read and sort the rows after the"
                    + " cursor (up to the whole table) instead of one page. Create one: CREATE INDEX"
                    + " `bw_shipment_weight_carrier_code_shipment_no` ON `shipment` (`weight` ASC, `carrier_code` ASC,"
                    + " `shipment_no` ASC);"), advice);
            assertTrue(advice.contains("idx_shipment_shipped (shipped_at ASC)"), advice);
            assertEquals(1, log.records.size());
            assertEquals(Level.WARNING, log.records.get(0).getLevel());
            assertEquals(advice, log.records.get(0).getMessage());
        }
    }

    @Test
    void strictRefusesToOpenWithTheCreateIndexAndOpensWhenAnIndexServes() {
        BatchwiseException e = assertThrows(BatchwiseException.class, () -> EntityPager.of(factory, Shipment.class)
                .orderBy(SortKey.asc("origin.city"), SortKey.desc("destination.city"))
                .indexCheck(IndexCheck.STRICT).open());
        assertTrue(e.getMessage().contains("CREATE INDEX `bw_shipment_origin_city_destination_city_carrier_code_shipment_n`"
                + " ON `shipment` (`origin_city` ASC, `destination_city` DESC, `carrier_code` DESC, `shipment_no`"
                + " DESC)"), e.getMessage());
        assertEquals(BatchwiseException.Reason.NO_INDEX, e.reason());
        assertTrue(e.getMessage().contains("idx_shipment_cities (origin_city ASC, destination_city ASC)"),
                e.getMessage());
        // the same keys in one direction are served by (origin_city, destination_city) and the primary key
        assertTrue(EntityPager.of(factory, Shipment.class)
                .orderBy(SortKey.asc("origin.city"), SortKey.asc("destination.city"))
                .indexCheck(IndexCheck.STRICT).open().indexAdvice().isEmpty());
        assertTrue(EntityPager.of(factory, Tricky.class).orderBy(SortKey.desc("createdAt"))
                .indexCheck(IndexCheck.STRICT).open().indexAdvice().isEmpty());
    }

    @Test
    void aNullPlacementNoIndexCanServeIsNamed() {
        String advice = EntityPager.of(factory, Tricky.class).orderBy(SortKey.asc("label").nullsLast()).open()
                .indexAdvice().orElseThrow();
        assertTrue(advice.contains("\"label\" asks for NULLs on the side opposite to where MySQL and MariaDB sort and"
                + " index them"), advice);
    }

    @Test
    void aFormulaKeyIsPagedButNoIndexCanServeIt() throws Exception {
        EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class).orderBy(SortKey.desc("doubleWeight"))
                .pageSize(3).open();
        String advice = pager.indexAdvice().orElseThrow();
        assertTrue(advice.startsWith("Entity Shipment, keys (doubleWeight DESC NULLS LAST, id.carrier DESC, id.number"
                + " DESC unique): key \"doubleWeight\" maps to the formula "), advice);
        assertTrue(advice.contains("which the index check cannot match to an index"), advice);
        List<String> seen = new ArrayList<>();
        try (org.hibernate.Session session = factory.openSession();
                io.batchwise.core.KeysetWalk<Shipment> walk = pager.walk(session, null)) {
            walk.forEachRemaining(s -> seen.add(s.getId().toString()));
        }
        assertEquals(CompositeIdTables.shipmentsInServerOrder(schema,
                "weight * 2 DESC, carrier_code DESC, shipment_no DESC"), seen);
        assertThrows(BatchwiseException.class, () -> EntityPager.of(factory, Shipment.class)
                .orderBy(SortKey.desc("doubleWeight")).indexCheck(IndexCheck.STRICT).open());
    }

    @Test
    void offLooksAtNothing() {
        EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class).orderBy(SortKey.asc("weight"))
                .indexCheck(IndexCheck.OFF).open();
        assertTrue(pager.indexAdvice().isEmpty());
    }

    @Test
    void aColumnTheTableLacksIsRefusedNamingAttributeColumnAndTheColumnsThereAre() {
        schema.execute("ALTER TABLE shipment CHANGE weight weight_kg DECIMAL(10,3) NOT NULL");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EntityPager.of(factory, Shipment.class).orderBy(SortKey.asc("weight")).open());
            assertTrue(e.getMessage().startsWith("orderBy attribute \"weight\" of entity Shipment is mapped to column"
                    + " weight, which table shipment does not have; its columns are [carrier_code, shipment_no,"
                    + " shipped_at, origin_city, origin_country, destination_city, destination_country, weight_kg,"
                    + " volume_m3]."),
                    e.getMessage());
        } finally {
            schema.execute("ALTER TABLE shipment CHANGE weight_kg weight DECIMAL(10,3) NOT NULL");
        }
    }

    @Test
    void aMissingTableIsNamedWithTheWayOut() {
        schema.execute("RENAME TABLE enrollment TO enrollment_old");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EntityPager.of(factory, Enrollment.class).open());
            assertTrue(e.getMessage().startsWith("entity Enrollment is mapped to table enrollment, which the database"
                    + " does not have"), e.getMessage());
            assertTrue(e.getMessage().endsWith("or open the pager with indexCheck(IndexCheck.OFF)"), e.getMessage());
        } finally {
            schema.execute("RENAME TABLE enrollment_old TO enrollment");
        }
    }

    @Test
    void aColumnNullableInTheTableIsANullableKeyWhateverTheMappingSays() {
        schema.execute("ALTER TABLE shipment MODIFY shipped_at DATETIME(6) NULL");
        try {
            assertEquals("(shippedAt DESC NULLS LAST, id.carrier DESC, id.number DESC unique)",
                    EntityPager.of(factory, Shipment.class).orderBy(SortKey.desc("shippedAt")).open().order()
                            .toString());
            assertEquals("(shippedAt DESC, id.carrier DESC, id.number DESC unique)",
                    EntityPager.of(factory, Shipment.class).orderBy(SortKey.desc("shippedAt"))
                            .indexCheck(IndexCheck.OFF).open().order().toString());
        } finally {
            schema.execute("ALTER TABLE shipment MODIFY shipped_at DATETIME(6) NOT NULL");
        }
    }
}
