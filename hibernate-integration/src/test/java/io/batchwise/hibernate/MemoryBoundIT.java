package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.JdbcDriver;
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
    static final String HEAP = "-Xmx64m";
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
            assertEquals("ok", ours.get("outcome"), ours.toString());
            assertEquals(String.valueOf(ROWS), ours.get("rows"), ours.toString());
            assertEquals(String.valueOf(expectedChecksum), ours.get("checksum"), ours.toString());
            double quarter = Double.parseDouble(ours.get("retainedQuarterMb"));
            double end = Double.parseDouble(ours.get("retainedEndMb"));
            assertTrue(end <= quarter * 1.1 + 1.0, "retained heap flat from 1/4 to the end of the walk: " + ours);
            System.out.println("yieldPer " + driver + " " + HEAP + " " + ROWS + " rows: " + ours);
        }
    }

    @Test
    void theEntityPagerWalksEveryRowByANonUniqueTimestampWithAFlatHeap() throws Exception {
        Map<String, String> keyset = probe("keyset", JdbcDriver.MYSQL_CONNECTOR_J);
        assertEquals("ok", keyset.get("outcome"), keyset.toString());
        assertEquals(String.valueOf(ROWS), keyset.get("rows"), keyset.toString());
        assertEquals(String.valueOf(expectedChecksum), keyset.get("checksum"), keyset.toString());
        double quarter = Double.parseDouble(keyset.get("retainedQuarterMb"));
        double end = Double.parseDouble(keyset.get("retainedEndMb"));
        assertTrue(end <= quarter * 1.1 + 1.0, "retained heap flat from 1/4 to the end of the walk: " + keyset);
        System.out.println("keyset " + HEAP + " " + ROWS + " rows: " + keyset);
    }

    @Test
    void theJdbcWalkersWalkEveryRowWithAFlatHeap() throws Exception {
        for (String mode : List.of("jdbcWalker", "jdbcKeyset")) {
            for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
                Map<String, String> ours = probe(mode, driver);
                assertEquals("ok", ours.get("outcome"), mode + " " + ours);
                assertEquals(String.valueOf(ROWS), ours.get("rows"), mode + " " + ours);
                assertEquals(String.valueOf(expectedChecksum), ours.get("checksum"), mode + " " + ours);
                double quarter = Double.parseDouble(ours.get("retainedQuarterMb"));
                double end = Double.parseDouble(ours.get("retainedEndMb"));
                assertTrue(end <= quarter * 1.1 + 1.0, mode + ": retained heap flat from 1/4 to the end: " + ours);
                System.out.println(mode + " " + driver + " " + HEAP + " " + ROWS + " rows: " + ours);
            }
        }
    }

    @Test
    void aDriverBufferingTheWholeResultIsExplainedNotLeftAsAHeapSpaceSqlException() throws Exception {
        Map<String, String> buffered = probe("yieldPerBuffered", JdbcDriver.MYSQL_CONNECTOR_J);
        assertTrue(buffered.get("outcome").equals("explained"), buffered.toString());
    }

    private static Map<String, String> probe(String mode, JdbcDriver driver) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), HEAP, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), MemoryProbe.class.getName(), mode,
                schema.jdbcUrl(driver, Map.of()), schema.server().user(), schema.server().password(),
                String.valueOf(ROWS)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Map<String, String> result = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    for (String pair : line.substring(7).split(" ")) {
                        int eq = pair.indexOf('=');
                        result.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "probe finished");
        assertTrue(!result.isEmpty(), "probe printed a RESULT line; output:\n" + output);
        return result;
    }
}
