package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.JdbcDriver;
import io.batchwise.testing.Counters;
import io.batchwise.testing.ForkedProbe;
import io.batchwise.testing.HeapProbe;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * Heap bounded by the chunk: a forked {@code -Xmx64m} JVM migrates whole rows of ~300 bytes, more
 * than the heap could hold at once ({@value #DEFAULT_ROWS} rows by default, about 90 MB of row data;
 * {@code -Dbatchwise.migration.memory.rows=1000000} for the size), with 2 partitions, and the
 * heap retained after a collection stays the same from a quarter of the job to its end.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class MigrationMemoryIT {
    static final int DEFAULT_ROWS = 300_000;
    static final int ROWS = Integer.getInteger("batchwise.migration.memory.rows", DEFAULT_ROWS);
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, "big", ROWS);
        }
    }

    @Test
    void aMigrationOfMoreRowsThanTheHeapHoldsFinishesAtXmx64m() throws Exception {
        Map<String, String> result = ForkedProbe.run(MigrationProbe.class.getName(), HeapProbe.jvmOptions("64m"),
                List.of("memory", schema.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, Map.of("rewriteBatchedStatements", "true")),
                        schema.server().user(), schema.server().password(), "big", "memory", "2", "1000",
                        String.valueOf(ROWS)), 900);
        System.out.println("[batchwise] migration memory proof, " + ROWS + " rows at -Xmx64m: " + result);
        assertEquals("FINISHED", result.get("outcome"), result.toString());
        assertEquals(String.valueOf(ROWS), result.get("rows"));
        double quarter = Double.parseDouble(result.get("retainedQuarterMb"));
        double end = Double.parseDouble(result.get("retainedEndMb"));
        assertTrue(end <= quarter + 4, "retained heap grew from " + quarter + " MB to " + end + " MB");
        try (Connection c = schema.server().connect(schema.name())) {
            assertArrayEquals(new long[] {0, ROWS, 0}, Counters.histogram(c, "big"));
        }
    }
}
