package io.batchwise.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads and sets MySQL Connector/J connection properties, and stops a connection's running query.
 * Connector/J is an optional dependency: this class is only loaded once the connected driver is
 * known to be Connector/J.
 */
public final class ConnectorJ {
    private ConnectorJ() {
    }

    /** Whether {@code connection} (a Connector/J connection, possibly behind a pool proxy) has {@code useCursorFetch=true}. */
    public static boolean cursorFetchEnabled(Connection connection) throws SQLException {
        try {
            if (!connection.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class)) {
                return false;
            }
            return Holder.cursorFetch(connection);
        } catch (NoClassDefFoundError driverOnOtherClassLoader) {
            // Connector/J is connected but not visible to Batchwise's class loader: fall back to the URL.
            String url = connection.getMetaData().getURL();
            return url != null && url.toLowerCase(java.util.Locale.ROOT).contains("usecursorfetch=true");
        }
    }

    /**
     * The connection's {@code netTimeoutForStreamingResults}: the {@code net_write_timeout} Connector/J
     * sets before every streaming query (and resets afterwards to the value the server had when the
     * connection was opened); 0 when it leaves the session's value alone; -1 when it cannot be read.
     */
    public static int netTimeoutForStreamingResults(Connection connection) {
        try {
            if (!connection.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class)) {
                return -1;
            }
            return Holder.netTimeout(connection).getValue();
        } catch (SQLException | RuntimeException | LinkageError unreadable) {
            return -1;
        }
    }

    /** Sets the connection's {@code netTimeoutForStreamingResults} (a runtime-modifiable property). */
    public static void netTimeoutForStreamingResults(Connection connection, int seconds) throws SQLException {
        Holder.netTimeout(connection).setValue(seconds);
    }

    /**
     * Sends {@code KILL QUERY} for {@code connection}'s server thread over a short-lived side
     * connection opened with the same host, credentials and properties (what Connector/J's own
     * {@code Statement.cancel()} does; that one does nothing once a streaming query has returned its
     * first row).
     *
     * @return false if the query could not be killed (the caller then lets the driver drain the rest)
     */
    public static boolean killQuery(Connection connection) {
        try {
            com.mysql.cj.Session session = connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getSession();
            long thread = session.getThreadId();
            try (com.mysql.cj.jdbc.JdbcConnection side = com.mysql.cj.jdbc.ConnectionImpl.getInstance(session.getHostInfo());
                    Statement kill = side.createStatement()) {
                kill.execute("KILL QUERY " + thread);
            }
            return true;
        } catch (SQLException | RuntimeException | LinkageError notKilled) {
            return false;
        }
    }

    private static final class Holder {
        static boolean cursorFetch(Connection connection) throws SQLException {
            com.mysql.cj.jdbc.JdbcConnection mysql = connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
            return mysql.getPropertySet()
                    .getBooleanProperty(com.mysql.cj.conf.PropertyKey.useCursorFetch)
                    .getValue();
        }

        static com.mysql.cj.conf.RuntimeProperty<Integer> netTimeout(Connection connection) throws SQLException {
            return connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getPropertySet()
                    .getIntegerProperty(com.mysql.cj.conf.PropertyKey.netTimeoutForStreamingResults);
        }
    }
}
