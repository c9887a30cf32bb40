package io.batchwise.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The JDBC drivers whose streaming behaviour Batchwise knows, recognised from a live connection. */
public enum JdbcDriver {
    /** MySQL Connector/J ({@code com.mysql.cj}): streams with {@code fetchSize=Integer.MIN_VALUE}, or uses a server cursor with {@code useCursorFetch=true}. */
    MYSQL_CONNECTOR_J,
    /** MariaDB Connector/J ({@code org.mariadb.jdbc}): streams with a positive fetch size. */
    MARIADB_CONNECTOR_J,
    /** Any other driver: a positive fetch size is set and nothing else assumed. */
    OTHER;

    /**
     * The driver behind {@code connection}, read from its metadata (works through pool proxies).
     *
     * @throws SQLException if the metadata cannot be read
     */
    public static JdbcDriver of(Connection connection) throws SQLException {
        String name = connection.getMetaData().getDriverName().toLowerCase(Locale.ROOT);
        if (name.contains("mysql connector")) {
            return MYSQL_CONNECTOR_J;
        }
        if (name.contains("mariadb")) {
            return MARIADB_CONNECTOR_J;
        }
        return OTHER;
    }
}
