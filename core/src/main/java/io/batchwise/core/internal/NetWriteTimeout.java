package io.batchwise.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.batchwise.core.FetchPlan;
import io.batchwise.core.JdbcDriver;

/**
 * Raises {@code net_write_timeout} for one streaming walk and puts it back afterwards.
 *
 * <p>The server closes a connection it could not write to for {@code net_write_timeout} seconds;
 * while a walk streams, that is how long the caller's code may pause between two rows. Only a
 * streaming fetch needs it: a server-side cursor writes one batch per fetch and then waits (bounded
 * by {@code wait_timeout}, not {@code net_write_timeout}), a buffered result is read at once.
 */
public final class NetWriteTimeout {
    /** Puts the previous value back; runs on the walk's connection after its result is closed. */
    @FunctionalInterface
    public interface Restore {
        void restore(Connection connection) throws SQLException;
    }

    private NetWriteTimeout() {
    }

    /**
     * Sets the walk's {@code net_write_timeout} to {@code seconds} on {@code connection}, before the
     * walk's query runs; null when the fetch does not need it.
     *
     * <p>MySQL Connector/J already sets {@code net_write_timeout} before every streaming query, to
     * its {@code netTimeoutForStreamingResults} property (default 600), and resets it after the
     * stream; a session value set beforehand would be overwritten, so the property is changed for
     * the walk instead (no extra round trip). Otherwise the session variable is read, set, and set
     * back after the walk.
     */
    public static Restore raise(Connection connection, FetchPlan plan, int seconds) throws SQLException {
        if (plan.mode() != FetchPlan.Mode.STREAM) {
            return null;
        }
        if (plan.driver() == JdbcDriver.MYSQL_CONNECTOR_J) {
            int previous = ConnectorJ.netTimeoutForStreamingResults(connection);
            if (previous > 0) {
                ConnectorJ.netTimeoutForStreamingResults(connection, seconds);
                return c -> ConnectorJ.netTimeoutForStreamingResults(c, previous);
            }
        }
        long previous;
        try (PreparedStatement read = connection.prepareStatement("SELECT @@SESSION.net_write_timeout");
                ResultSet value = read.executeQuery()) {
            value.next();
            previous = value.getLong(1);
        }
        set(connection, seconds);
        return c -> set(c, previous);
    }

    /**
     * The {@code net_write_timeout} a streaming walk on {@code connection} runs with when Batchwise
     * knows it without asking the server, else 0.
     */
    public static int known(Connection connection, FetchPlan plan, Integer raisedTo) {
        if (plan.mode() != FetchPlan.Mode.STREAM) {
            return 0;
        }
        if (raisedTo != null) {
            return raisedTo;
        }
        return plan.driver() == JdbcDriver.MYSQL_CONNECTOR_J
                ? Math.max(0, ConnectorJ.netTimeoutForStreamingResults(connection)) : 0;
    }

    private static void set(Connection connection, long seconds) throws SQLException {
        try (PreparedStatement set = connection.prepareStatement("SET SESSION net_write_timeout = ?")) {
            set.setLong(1, seconds);
            set.execute();
        }
    }
}
