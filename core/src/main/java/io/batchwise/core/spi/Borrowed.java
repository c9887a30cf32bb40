package io.batchwise.core.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

/**
 * Short reads on a connection borrowed from a data source and returned at once. A read that fails
 * because its connection was lost (killed, timed out, server restarted) runs once more on a fresh
 * connection: it only reads, and a pool hands out a connection it has not validated for a short
 * while after its last use, so the first borrow after a kill is often dead.
 */
public final class Borrowed {
    /** Work on a borrowed connection. */
    @FunctionalInterface
    public interface Work<R> {
        R apply(Connection connection) throws SQLException;
    }

    private Borrowed() {
    }

    /** Runs {@code work} on a connection from {@code dataSource}, retried once after a connection failure. */
    public static <R> R read(DataSource dataSource, Work<R> work) throws SQLException {
        SQLException lost = null;
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                return work.apply(connection);
            } catch (SQLException e) {
                if (attempt == 1 && isConnectionFailure(e)) {
                    lost = e;
                    continue;
                }
                if (lost != null) {
                    e.addSuppressed(lost);
                }
                throw e;
            }
        }
    }

    /** SQLState class 08 (connection exception), as both Connector/Js report a killed or lost connection. */
    public static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLRecoverableException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
