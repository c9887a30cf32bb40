package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.JdbcDriver;
import io.batchwise.testing.ForkedProbe;
import io.batchwise.testing.HeapProbe;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The memory proof: in a forked JVM with {@code -Xmx64m}, reading 500,000 rows of ~300 bytes (about
 * 150 MB of row data, more than twice the heap) with {@code getResultList()} runs out of memory,
 * while all four walkers (yieldPer, the entity pager, JdbcWalker, JdbcKeysetPager) read every row (same
 * checksum as the server computes) and the heap retained after
 * a GC at the end is no larger than at a quarter of the walk.
 */
@ExtendWith(MySqlServerExtension.class)
class MemoryBoundIT {
    static final int ROWS = 500_000;
    static final String HEAP = "64m";
    static long expectedChecksum;
    static TestSchema schema;

    @BeforeAll
    static void createBigTable(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
            expectedChecksum = ItemTable.expectedChecksum(c, "item");
        }
    }

    @Test
    void getResultListRunsOutOfMemoryWhereYieldPerWalksEveryRowWithAFlatHeap() throws Exception {
        Map<String, String> naive = probe("getResultList", JdbcDriver.MYSQL_CONNECTOR_J);
        assertEquals("oom", naive.get("outcome"), naive.toString());

        for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
            Map<String, String> ours = probe("yieldPer", driver);
            HeapProbe.assertEveryRowWithAFlatHeap(ours, ROWS, expectedChecksum, "yieldPer " + driver);
            System.out.println("yieldPer " + driver + " -Xmx" + HEAP + " " + ROWS + " rows: " + ours);
        }
    }

    @Test
    void theEntityPagerWalksEveryRowByANonUniqueTimestampWithAFlatHeap() throws Exception {
        Map<String, String> keyset = probe("keyset", JdbcDriver.MYSQL_CONNECTOR_J);
        HeapProbe.assertEveryRowWithAFlatHeap(keyset, ROWS, expectedChecksum, "keyset");
        System.out.println("keyset -Xmx" + HEAP + " " + ROWS + " rows: " + keyset);
    }

    @Test
    void theJdbcWalkersWalkEveryRowWithAFlatHeap() throws Exception {
        for (String mode : List.of("jdbcWalker", "jdbcKeyset")) {
            for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
                Map<String, String> ours = probe(mode, driver);
                HeapProbe.assertEveryRowWithAFlatHeap(ours, ROWS, expectedChecksum, mode + " " + driver);
                System.out.println(mode + " " + driver + " -Xmx" + HEAP + " " + ROWS + " rows: " + ours);
            }
        }
    }

    @Test
    void aDriverBufferingTheWholeResultIsExplainedNotLeftAsAHeapSpaceSqlException() throws Exception {
        Map<String, String> buffered = probe("yieldPerBuffered", JdbcDriver.MYSQL_CONNECTOR_J);
        assertTrue(buffered.get("outcome").equals("explained"), buffered.toString());
    }

    private static Map<String, String> probe(String mode, JdbcDriver driver) throws Exception {
        return ForkedProbe.run(MemoryProbe.class.getName(), HeapProbe.jvmOptions(HEAP), List.of(mode,
                schema.jdbcUrl(driver, Map.of()), schema.server().user(), schema.server().password(),
                String.valueOf(ROWS)), 600);
    }
}
