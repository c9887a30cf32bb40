package io.batchwise.core.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Stops a MariaDB Connector/J connection's running query. MariaDB Connector/J is an optional
 * dependency: this class is only loaded once the connected driver is known to be that driver.
 */
public final class MariaDbConnectorJ {
    private MariaDbConnectorJ() {
    }

    /**
     * Sends {@code KILL QUERY} for {@code connection}'s server thread over a short-lived side
     * connection with the same configuration ({@code org.mariadb.jdbc.Connection.cancelCurrentQuery()}).
     *
     * @return false if the query could not be killed (the caller then lets the driver drain the rest)
     */
    public static boolean killQuery(Connection connection) {
        try {
            connection.unwrap(org.mariadb.jdbc.Connection.class).cancelCurrentQuery();
            return true;
        } catch (SQLException | RuntimeException | LinkageError notKilled) {
            return false;
        }
    }
}
