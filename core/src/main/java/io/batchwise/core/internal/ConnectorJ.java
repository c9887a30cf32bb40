package io.batchwise.core.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads MySQL Connector/J connection properties. Connector/J is an optional dependency: this class
 * is only loaded once the connected driver is known to be Connector/J.
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

    private static final class Holder {
        static boolean cursorFetch(Connection connection) throws SQLException {
            com.mysql.cj.jdbc.JdbcConnection mysql = connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
            return mysql.getPropertySet()
                    .getBooleanProperty(com.mysql.cj.conf.PropertyKey.useCursorFetch)
                    .getValue();
        }
    }
}
