package io.batchwise.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.batchwise.core.JdbcDriver;
import io.batchwise.testing.MySqlServer;

/** The backfill sample: stopped as by Ctrl-C, resumed to the end, then reset by a further run. */
class BackfillSampleIT {
    @Test
    void theBackfillStopsResumesFinishesAndResets() throws Exception {
        // The three runs share one server, as a user's runs share theirs: the test suite's (an explicit
        // one where the suite was given one, else its embedded MariaDB), named to the sample by URL, so
        // that the end of each run (which stops a server the sample started itself) keeps it.
        SampleServer.stopEmbeddedNow(); // one an earlier test left
        MySqlServer suite = MySqlServer.get();
        System.setProperty("batchwise.jdbcUrl", suite.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, null, Map.of()));
        System.setProperty("batchwise.test.user", suite.user());
        System.setProperty("batchwise.test.password", suite.password());
        // a table the other sample tests left with another size is re-created, and the job with it;
        // a table of this size from an earlier run starts over from no backfill
        try (java.sql.Connection c = SampleServer.get().connect(null);
                java.sql.Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SampleDatabase.SCHEMA);
        }
        System.setProperty("stopAfterChunks", "2");
        String first;
        try {
            first = KeysetSamplesIT.run(() -> BackfillSample.main(new String[0]), "9000");
        } finally {
            System.clearProperty("stopAfterChunks");
        }
        assertTrue(first.contains("stopped after 4,000 rows this run; run again to resume"), first);
        String second = KeysetSamplesIT.run(() -> BackfillSample.main(new String[0]), "9000");
        assertTrue(second.contains("finished: 5,000 rows this run"), second);
        assertTrue(second.contains("every row backfilled: true"), second);
        assertTrue(second.contains("backfill 100% [") && second.contains("9000/9000 rows"), second); // the bar
        String third = KeysetSamplesIT.run(() -> BackfillSample.main(new String[0]), "9000");
        assertTrue(third.contains("the job had finished in an earlier run; it is reset now"), third);
    }
}
