package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.internal.FetchPlans;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

@ExtendWith(MySqlServerExtension.class)
class JdbcWalkerIT {
    static final int ROWS = 25_000;
    static long expected;

    @BeforeAll
    static void createItems(TestSchema schema) throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
            expected = ItemTable.expectedChecksum(c, "item");
        }
    }

    static Walk<Long> checksums(DataSource dataSource) {
        return JdbcWalker.query(dataSource, "select id, amount, payload from item order by id",
                row -> ItemTable.checksum(row.getLong(1), row.getBigDecimal(2), row.getString(3))).open();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void streamsEveryRowOnceWithEachDriver(JdbcDriver driver, TestSchema schema) {
        long sum = 0;
        long count = 0;
        try (Walk<Long> walk = checksums(schema.dataSource(driver))) {
            while (walk.hasNext()) {
                sum += walk.next();
                count++;
            }
            assertEquals(ROWS, walk.rowsRead());
            assertFalse(walk.hasNext());
            assertThrows(NoSuchElementException.class, walk::next);
        }
        assertEquals(ROWS, count);
        assertEquals(expected, sum);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void choosesTheStreamingFetchOfTheConnectedDriver(JdbcDriver driver, TestSchema schema) throws Exception {
        try (Connection c = schema.dataSource(driver).getConnection()) {
            FetchPlan plan = FetchPlans.choose(c, ConnectionUse.EXCLUSIVE, null, "use SHARED");
            assertEquals(driver, plan.driver());
            assertEquals(FetchPlan.Mode.STREAM, plan.mode());
            assertEquals(driver == JdbcDriver.MYSQL_CONNECTOR_J ? Integer.MIN_VALUE : FetchPlan.DEFAULT_FETCH_ROWS,
                    plan.fetchSize());
        }
        try (Connection c = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J, Map.of("useCursorFetch", "true")).getConnection()) {
            FetchPlan plan = FetchPlans.choose(c, ConnectionUse.SHARED, null, "use SHARED");
            assertEquals(FetchPlan.Mode.CURSOR, plan.mode());
            assertTrue(plan.connectionFreeDuringWalk());
        }
    }

    @Test
    void streamClosesTheWalkWhenLeftEarly(TestSchema schema) {
        DataSource ds = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
        try (Stream<Long> s = checksums(ds).stream()) {
            assertEquals(10, s.limit(10).count());
        }
        assertEquals(0, schema.borrowedConnections());
    }

    @Test
    void forEachBatchHandsFullBatchesAndTheRest(TestSchema schema) {
        List<Integer> sizes = new ArrayList<>();
        long handed = JdbcWalker.query(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J),
                        "select id from item where id <= ?", row -> row.getLong(1))
                .parameters(2_500).batchSize(1_000)
                .forEachBatch(batch -> sizes.add(batch.size()));
        assertEquals(2_500, handed);
        assertEquals(List.of(1_000, 1_000, 500), sizes);
    }

    @Test
    void secondWalkOnAStreamingConnectionIsRefusedClearly(TestSchema schema) throws Exception {
        try (Connection c = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getConnection();
                Walk<Long> first = JdbcWalker.query(c, "select id from item", row -> row.getLong(1)).open()) {
            first.next();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> JdbcWalker.query(c, "select id from item", row -> row.getLong(1)).open());
            assertTrue(e.getMessage().contains("Another walk is still streaming on this connection"), e.getMessage());
        }
    }
}
