package io.batchwise.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.JdbcDriver;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * Connector/J is reached by reflection (it has no module name to require): each call does what it
 * says on a real Connector/J connection behind the test pool's proxy, and answers "not mine" on a
 * MariaDB Connector/J connection.
 */
@ExtendWith(MySqlServerExtension.class)
class ConnectorJIT {

    @Test
    void readsUseCursorFetchFromTheConnectionBehindThePool(TestSchema schema) throws SQLException {
        try (Connection plain = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getConnection();
                Connection cursor = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J, Map.of("useCursorFetch", "true"))
                        .getConnection()) {
            assertFalse(ConnectorJ.cursorFetchEnabled(plain));
            assertTrue(ConnectorJ.cursorFetchEnabled(cursor));
        }
    }

    @Test
    void readsAndSetsNetTimeoutForStreamingResults(TestSchema schema) throws SQLException {
        try (Connection connection = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getConnection()) {
            int before = ConnectorJ.netTimeoutForStreamingResults(connection);
            assertEquals(600, before, "Connector/J's documented default");
            ConnectorJ.netTimeoutForStreamingResults(connection, 1234);
            assertEquals(1234, ConnectorJ.netTimeoutForStreamingResults(connection));
            ConnectorJ.netTimeoutForStreamingResults(connection, before);
        }
    }

    @Test
    void killsTheQueryRunningOnTheConnection(TestSchema schema) throws Exception {
        try (Connection connection = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getConnection()) {
            CompletableFuture<Long> sleeping = CompletableFuture.supplyAsync(() -> {
                try (Statement s = connection.createStatement(); var rs = s.executeQuery("SELECT SLEEP(30)")) {
                    rs.next();
                    return rs.getLong(1); // SLEEP returns 1 when it was interrupted
                } catch (SQLException e) {
                    return -1L;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean killed = false;
            while (!killed && System.nanoTime() < deadline) {
                Thread.sleep(100);
                killed = ConnectorJ.killQuery(connection);
            }
            assertTrue(killed, "KILL QUERY was sent");
            assertTrue(sleeping.get(20, TimeUnit.SECONDS) != 0, "the sleep ended early, not after 30 s");
        }
    }

    @Test
    void answersNotMineForAMariaDbConnection(TestSchema schema) throws SQLException {
        try (Connection connection = schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J).getConnection()) {
            assertFalse(ConnectorJ.cursorFetchEnabled(connection));
            assertEquals(-1, ConnectorJ.netTimeoutForStreamingResults(connection));
            assertFalse(ConnectorJ.killQuery(connection));
            assertThrows(SQLException.class, () -> ConnectorJ.netTimeoutForStreamingResults(connection, 10));
        }
    }
}
