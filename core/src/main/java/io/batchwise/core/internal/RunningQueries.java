package io.batchwise.core.internal;

import java.sql.Connection;

import io.batchwise.core.FetchPlan;

/** Stops a streaming query the caller no longer reads, so closing its result does not read the rest. */
public final class RunningQueries {
    private RunningQueries() {
    }

    /**
     * Asks the server to stop the query streaming on {@code connection} when the walk ends before
     * its last row.
     *
     * <p>Why: both Connector/Js close a streaming result by reading every remaining row off the
     * socket (measured: about a second for the rest of a 1,000,000-row table on a local server,
     * whatever the row the caller stopped at; over a network, the time to transfer the rest). A
     * {@code KILL QUERY} from a side connection makes the server stop at the next row and send
     * error 1317, so the close only reads what is already in the socket buffers. It stops the
     * statement, not the transaction: the caller's transaction and connection stay usable (a
     * {@code KILL QUERY} that arrives after the query has ended does not affect the connection's
     * next statement). Costs one short-lived connection.
     *
     * @return whether the kill was sent; if not, closing drains the rest as before
     */
    public static boolean stop(Connection connection, FetchPlan plan) {
        if (plan.mode() != FetchPlan.Mode.STREAM) {
            return false; // a cursor closes without reading the rest; a buffered result has been read
        }
        return switch (plan.driver()) {
            case MYSQL_CONNECTOR_J -> ConnectorJ.killQuery(connection);
            case MARIADB_CONNECTOR_J -> MariaDbConnectorJ.killQuery(connection);
            case OTHER -> false;
        };
    }
}
