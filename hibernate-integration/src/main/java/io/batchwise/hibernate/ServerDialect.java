package io.batchwise.hibernate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.hibernate.cfg.AvailableSettings;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.dialect.MySQLDialect;

import io.batchwise.core.internal.Arguments;

/**
 * The Hibernate dialect for the MySQL-family server actually connected, with its real version.
 *
 * <p>Why: a MariaDB server answers MySQL Connector/J with a version of {@code "5.5.5-11.4.5-MariaDB"},
 * so Hibernate, left to itself, picks the MySQL dialect for version 5.5 and logs HHH000511 ("no
 * longer supported"). This reads {@code SELECT VERSION()} and builds a {@link MariaDBDialect} or
 * {@link MySQLDialect} (subclasses of them) for the true version, for either driver. Pass it as the
 * {@value AvailableSettings#DIALECT} setting:
 *
 * <pre>{@code
 * configuration.getProperties().put(AvailableSettings.DIALECT, ServerDialect.of(dataSource));
 * }</pre>
 */
public final class ServerDialect {
    private static final Pattern VERSION = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)\\.(\\d+)");

    private ServerDialect() {
    }

    /** The dialect for the server behind {@code dataSource} (opens and closes one connection). */
    public static Dialect of(DataSource dataSource) {
        Arguments.notNull("dataSource", dataSource, "pass the DataSource Hibernate will use");
        try (Connection connection = dataSource.getConnection()) {
            return of(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the server version: " + e.getMessage(), e);
        }
    }

    /** The dialect for the server behind {@code connection}, which is left open. */
    public static Dialect of(Connection connection) throws SQLException {
        Arguments.notNull("connection", connection, "pass an open connection to the server");
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT VERSION()")) {
            r.next();
            return forVersion(r.getString(1));
        }
    }

    /** The dialect for a {@code SELECT VERSION()} answer such as {@code 11.4.5-MariaDB-log} or {@code 8.4.3}. */
    public static Dialect forVersion(String serverVersion) {
        Arguments.notBlank("serverVersion", serverVersion, "pass the result of SELECT VERSION()");
        Matcher m = VERSION.matcher(serverVersion);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("serverVersion must look like 8.4.3 or 11.4.5-MariaDB, was '"
                    + serverVersion + "'; pass the result of SELECT VERSION()");
        }
        DatabaseVersion version = DatabaseVersion.make(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
        return serverVersion.toLowerCase(Locale.ROOT).contains("mariadb")
                ? new MariaDbServer(version)
                : new MySqlServer(version);
    }

    /*
     * Subclasses outside org.hibernate.dialect: Hibernate logs HHH90000025 ("does not need to be
     * specified explicitly") for its own dialect classes, but here the explicit choice is the point.
     */
    private static final class MariaDbServer extends MariaDBDialect {
        MariaDbServer(DatabaseVersion version) {
            super(version);
        }
    }

    private static final class MySqlServer extends MySQLDialect {
        MySqlServer(DatabaseVersion version) {
            super(version);
        }
    }
}
