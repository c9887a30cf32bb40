package io.batchwise.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The samples' {@link ItemTable} is a copy of core's test fixture (programs a user runs do not depend
 * on a test-jar); the benchmark's figures are only comparable with the memory tests while both
 * generate the same rows.
 */
@Timeout(300)
class SampleDataIT {
    private static final String SCHEMA = "batchwise_sample_data_it";

    @BeforeAll
    static void server() {
        TestServer.shareWithTheSamples();
    }

    @AfterAll
    static void stopServer() throws SQLException {
        try (Connection c = SampleServer.get().connect(null); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SCHEMA);
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    @Test
    void theSamplesItemTableHasTheSameRowsAndChecksumsAsTheTestFixture() throws SQLException {
        long rows = 100_003; // past 100,000: both the digits cross join and the copying step
        try (Connection c = SampleServer.get().connect(null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        try (Connection c = SampleServer.get().connect(SCHEMA)) {
            io.batchwise.testing.ItemTable.create(c, "fixture", rows);
            ItemTable.create(c, "sample", rows);

            assertEquals(definition(c, "fixture").replace("fixture", "sample"), definition(c, "sample"));
            assertEquals(contentChecksums(c, "fixture"), contentChecksums(c, "sample"));
            assertEquals(io.batchwise.testing.ItemTable.expectedChecksum(c, "fixture"), ItemTable.expectedChecksum(c, "sample"));
            assertEquals(io.batchwise.testing.ItemTable.expectedChecksum(c, "fixture", 777), ItemTable.expectedChecksum(c, "sample", 777));
            assertEquals(io.batchwise.testing.ItemTable.checksum(42, new BigDecimal("12.34"), "payload"),
                    ItemTable.checksum(42, new BigDecimal("12.34"), "payload"));
            assertTrue(ItemTable.hasRows(c, "sample", rows));
        }
    }

    private static String definition(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW CREATE TABLE " + table)) {
            r.next();
            return r.getString(2).replaceAll("AUTO_INCREMENT=\\d+ ", "");
        }
    }

    /** The row count, the sum of the ids and the sum of a CRC over every column of each row. */
    private static List<String> contentChecksums(Connection c, String table) throws SQLException {
        List<String> digests = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*), SUM(id),"
                + " SUM(CRC32(CONCAT_WS('|', id, created_at, COALESCE(category, 'NULL'), amount, payload)))"
                + " FROM " + table)) {
            r.next();
            for (int i = 1; i <= 3; i++) {
                digests.add(r.getString(i));
            }
        }
        return digests;
    }
}
