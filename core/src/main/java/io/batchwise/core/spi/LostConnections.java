package io.batchwise.core.spi;

import io.batchwise.core.internal.StreamingConnections;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Makes sure a connection the server has closed is not used again. */
public final class LostConnections {
    private LostConnections() {
    }

    /**
     * Closes the driver's connection behind {@code connection} without a round trip, then makes a
     * pool that wraps it notice.
     *
     * <p>Why: pools drop a connection when one of its calls fails with a connection-class SQLState
     * (08xxx); HikariCP, DBCP and c3p0 all do. MySQL Connector/J reports a stream cut in the middle
     * of a row as SQLState S1000 instead, and its result set then cannot close, so the pool would
     * hand the dead connection to its next borrower, whose first statement fails with "Streaming
     * result set ... is still active". After the abort, any call on the pool's proxy fails with
     * 08003 ("connection closed"), which is what the pool looks for.
     */
    public static void discard(Connection connection) {
        Connection driver;
        try {
            driver = StreamingConnections.physical(connection);
        } catch (SQLException | RuntimeException closedProxy) {
            return; // the pool has already let go of it
        }
        try {
            driver.abort(Runnable::run);
        } catch (SQLException | RuntimeException alreadyClosed) {
            // nothing left to close
        }
        if (driver != connection) {
            try (Statement probe = connection.createStatement()) {
                // not expected: the driver's connection was closed just above
            } catch (SQLException expected) {
                // the pool has now seen the connection fail
            }
        }
    }
}
