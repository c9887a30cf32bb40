package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcMigration;
import io.batchwise.testing.Counters;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * MySQL Connector/J on MariaDB 10.x (which greets it as {@code 5.5.5-10.x}) drops the fraction of
 * every time value it binds; a migration says so once, when it starts, with the fix, and says
 * nothing on other combinations. The work writes a {@code DATETIME(6)} value with microseconds and
 * the test reads it back, so the warning is checked against what the driver really did: warned
 * exactly when the value came back cut to the second, and cut exactly for Connector/J on MariaDB
 * 10.x. On the default embedded server (11.4) neither driver truncates and nothing is said; the
 * 10.11 lane ({@code -Dmariadb4j-db.version=10.11.5}, as {@code .ci/run} does) shows the warning.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TruncatingDriverWarningIT {
    static final int ROWS = 2_000;
    static final LocalDateTime WRITTEN = LocalDateTime.of(2024, 1, 1, 12, 0, 0, 123_456_000);
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) {
        schema = testSchema;
    }

    /** What the migrations log, at WARNING and above. */
    static final class Warnings extends Handler implements AutoCloseable {
        final Logger logger = Logger.getLogger("io.batchwise.core.migration");
        final List<String> messages = new CopyOnWriteArrayList<>();

        Warnings() {
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                messages.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }

        List<String> truncation() {
            return messages.stream().filter(m -> m.contains("drops the fractional seconds")).toList();
        }
    }

    static long rowsAt(String table, String value) throws Exception {
        try (Connection c = schema.server().connect(schema.name());
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM `" + table + "` WHERE created_at = ?")) {
            ps.setString(1, value);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static String serverVersion() throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT VERSION()")) {
            r.next();
            return r.getString(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aDriverThatCutsFractionalSecondsIsReportedOnceWhenTheMigrationStarts(JdbcDriver driver) throws Exception {
        String table = "frac_" + driver.ordinal();
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, table, ROWS);
        }
        try (HikariDataSource ds = schema.newPool(driver, Map.of("rewriteBatchedStatements", "true"),
                c -> c.setMaximumPoolSize(3)); Warnings log = new Warnings()) {
            Migration migration = JdbcMigration.of("frac-" + driver, Counters.ids(ds, table)).chunkSize(500)
                    .forEachChunk((connection, ids) -> {
                        try (PreparedStatement ps = connection.prepareStatement("UPDATE `" + table
                                + "` SET created_at = ?, touched = touched + 1 WHERE id = ?")) {
                            for (long id : ids) {
                                ps.setObject(1, WRITTEN);
                                ps.setLong(2, id);
                                ps.addBatch();
                            }
                            return ps.executeBatch().length;
                        }
                    }).build();
            assertEquals(MigrationResult.Outcome.FINISHED, migration.run().outcome());
            migration.reset();
            assertEquals(MigrationResult.Outcome.FINISHED, migration.run().outcome()); // the same migration again

            long cut = rowsAt(table, "2024-01-01 12:00:00");
            long exact = rowsAt(table, "2024-01-01 12:00:00.123456");
            assertEquals(ROWS, cut + exact, "every row holds the value written, cut or not");
            boolean truncated = cut == ROWS;
            String version = serverVersion();
            assertEquals(driver == JdbcDriver.MYSQL_CONNECTOR_J && version.startsWith("10."), truncated,
                    "Connector/J cuts the fraction on MariaDB 10.x only; server " + version + ", " + driver);
            List<String> warnings = log.truncation();
            assertEquals(truncated ? 1 : 0, warnings.size(), "warned once per migration, exactly when the value"
                    + " was cut: " + warnings);
            for (String warning : warnings) {
                assertTrue(warning.startsWith("Migration job \"frac-" + driver + "\": MySQL Connector/J is connected to"
                        + " MariaDB " + version), warning);
                assertTrue(warning.contains("12:00:00.123456 is stored as 12:00:00"), warning);
                assertTrue(warning.contains("Use MariaDB Connector/J"), warning);
                assertTrue(warning.contains("@DynamicUpdate"), warning);
            }
        }
    }
}
