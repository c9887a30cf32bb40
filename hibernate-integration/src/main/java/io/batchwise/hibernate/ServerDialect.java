package io.batchwise.hibernate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.hibernate.cfg.AvailableSettings;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;

import io.batchwise.core.spi.Arguments;
import io.batchwise.hibernate.internal.ServerVersion;

/**
 * The Hibernate dialect for the MySQL-family server actually connected, with its real version:
 * a {@link MariaDbServerDialect} or a {@link MySqlServerDialect}.
 *
 * <p>Why: a MariaDB server answers MySQL Connector/J with a version of {@code "5.5.5-11.4.5-MariaDB"},
 * so Hibernate, left to itself, takes version 5.5 and logs HHH000511 ("no longer supported"), or
 * cannot read the metadata at all. This reads {@code SELECT VERSION()} and builds the dialect for
 * the true version, for either driver. Pass it as the {@value AvailableSettings#DIALECT} setting:
 *
 * <pre>{@code
 * configuration.getProperties().put(AvailableSettings.DIALECT, ServerDialect.of(dataSource));
 * }</pre>
 *
 * <p>Where Hibernate is configured by properties (persistence.xml, Spring Boot's
 * {@code spring.jpa.properties.*}), name the class instead; it reads the version from the
 * connection's metadata, no DataSource needed:
 * <pre>
 * hibernate.dialect=io.batchwise.hibernate.MariaDbServerDialect     (or MySqlServerDialect)
 * </pre>
 *
 * <p>Column types: on MariaDB, {@link ColumnTypes#MYSQL_COMPATIBLE} (the default) keeps the column
 * mappings of Hibernate's {@code MySQLDialect}, so that choosing this dialect changes how no
 * existing column is read: {@link java.util.UUID} stays {@code BINARY(16)}.
 * {@link ColumnTypes#MARIADB_NATIVE} (or the setting {@value #NATIVE_TYPES}{@code =true}) maps it to
 * MariaDB's native {@code uuid} type, as Hibernate's own {@code MariaDBDialect} does on 10.7 and later
 * (and so as Hibernate's default resolution over MariaDB Connector/J does): choose it for {@code uuid}
 * columns. See {@link MariaDbServerDialect}.
 */
public final class ServerDialect {
    /**
     * Setting ({@code true}/{@code false}, default {@code false}) read by {@link MariaDbServerDialect}
     * when it is named by {@code hibernate.dialect}: {@code true} maps UUIDs to MariaDB's native
     * {@code uuid} type instead of {@code BINARY(16)}.
     */
    public static final String NATIVE_TYPES = "batchwise.dialect.native_types";

    /** Which column mappings the MariaDB dialect uses (a MySQL server has only MySQL's). */
    public enum ColumnTypes {
        /** Hibernate's {@code MySQLDialect} mappings: UUID as {@code BINARY(16)}. The default. */
        MYSQL_COMPATIBLE,
        /** Hibernate's {@code MariaDBDialect} mappings: UUID as MariaDB's {@code uuid} (10.7 and later). */
        MARIADB_NATIVE
    }

    /**
     * Why a named dialect refused the connection's metadata: Hibernate swallows that exception and
     * calls the no-argument constructor next, which repeats the reason instead of a vaguer one.
     */
    private static final ThreadLocal<String> REFUSED = new ThreadLocal<>();

    private ServerDialect() {
    }

    /** The dialect for the server behind {@code dataSource}, with MySQL-compatible column types (opens and closes one connection). */
    public static Dialect of(DataSource dataSource) {
        return of(dataSource, ColumnTypes.MYSQL_COMPATIBLE);
    }

    /** The dialect for the server behind {@code dataSource} with {@code types} (opens and closes one connection). */
    public static Dialect of(DataSource dataSource, ColumnTypes types) {
        Arguments.notNull("dataSource", dataSource, "pass the DataSource Hibernate will use");
        Arguments.notNull("types", types, "pass ColumnTypes.MYSQL_COMPATIBLE or MARIADB_NATIVE");
        try (Connection connection = dataSource.getConnection()) {
            return of(connection, types);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the server version: " + e.getMessage(), e);
        }
    }

    /** The dialect for the server behind {@code connection}, which is left open. */
    public static Dialect of(Connection connection) throws SQLException {
        return of(connection, ColumnTypes.MYSQL_COMPATIBLE);
    }

    /** The dialect for the server behind {@code connection} with {@code types}; the connection is left open. */
    public static Dialect of(Connection connection, ColumnTypes types) throws SQLException {
        Arguments.notNull("connection", connection, "pass an open connection to the server");
        Arguments.notNull("types", types, "pass ColumnTypes.MYSQL_COMPATIBLE or MARIADB_NATIVE");
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT VERSION()")) {
            r.next();
            return forVersion(r.getString(1), types);
        }
    }

    /** The dialect for a {@code SELECT VERSION()} answer such as {@code 11.4.5-MariaDB-log} or {@code 8.4.3}. */
    public static Dialect forVersion(String serverVersion) {
        return forVersion(serverVersion, ColumnTypes.MYSQL_COMPATIBLE);
    }

    /** {@link #forVersion(String)} with {@code types}. */
    public static Dialect forVersion(String serverVersion, ColumnTypes types) {
        Arguments.notBlank("serverVersion", serverVersion, "pass the result of SELECT VERSION()");
        Arguments.notNull("types", types, "pass ColumnTypes.MYSQL_COMPATIBLE or MARIADB_NATIVE");
        ServerVersion version = ServerVersion.parse(serverVersion, null);
        if (version == null) {
            throw new IllegalArgumentException("serverVersion must look like 8.4.3 or 11.4.5-MariaDB, was '"
                    + serverVersion + "'; pass the result of SELECT VERSION()");
        }
        return version.mariaDb() ? new MariaDbServerDialect(version.version(), types)
                : new MySqlServerDialect(version.version());
    }

    /**
     * The resolution info a named dialect builds on: for MariaDB, with the real version; refuses a
     * server of the other kind.
     */
    static DialectResolutionInfo resolved(DialectResolutionInfo info, boolean mariaDbDialect) {
        REFUSED.remove();
        String named = named(mariaDbDialect);
        Arguments.notNull("info", info, "Hibernate passes the connection's metadata when hibernate.dialect names "
                + named);
        ServerVersion version = ServerVersion.parse(info.getDatabaseVersion(), info.getDatabaseName());
        if (version == null) {
            throw refuse(info.getDatabaseVersion() == null ? noVersion(mariaDbDialect)
                    : "hibernate.dialect names " + named + ", but the server's version is '" + info.getDatabaseVersion()
                            + "', which is no MySQL or MariaDB version; connect to MySQL or MariaDB, or set"
                            + " jakarta.persistence.database-product-version to the answer of SELECT VERSION()");
        }
        if (version.mariaDb() != mariaDbDialect) {
            throw refuse("hibernate.dialect names " + named + ", but the server is " + (version.mariaDb() ? "MariaDB "
                    : "MySQL ") + version.text() + "; name " + named(!mariaDbDialect) + " instead, or pass"
                    + " ServerDialect.of(dataSource), which chooses");
        }
        if (mariaDbDialect) {
            try {
                nativeTypes(info.getConfigurationValues());
            } catch (IllegalArgumentException e) {
                throw refuse(e.getMessage());
            }
        }
        return mariaDbDialect ? version.correct(info) : info;
    }

    private static String named(boolean mariaDbDialect) {
        return mariaDbDialect ? MariaDbServerDialect.class.getName() : MySqlServerDialect.class.getName();
    }

    private static String noVersion(boolean mariaDbDialect) {
        return "hibernate.dialect names " + named(mariaDbDialect) + ", which reads the server's real version from"
                + " the connection's metadata, but Hibernate gave it none: it could not read it (see its HHH100045"
                + " or HHH100046 warning), or hibernate.boot.allow_jdbc_metadata_access is false (then set"
                + " jakarta.persistence.database-product-name and jakarta.persistence.database-product-version)."
                + " With MySQL Connector/J on MariaDB, add useInformationSchema=false to the JDBC URL: the driver"
                + " otherwise asks MariaDB for information_schema.KEYWORDS.RESERVED, which only MySQL has, and the"
                + " whole metadata fails. Or use MariaDB Connector/J, or pass ServerDialect.of(dataSource) as the"
                + " dialect";
    }

    private static IllegalArgumentException refuse(String message) {
        REFUSED.set(message);
        return new IllegalArgumentException(message);
    }

    /**
     * For the no-argument constructors, which Hibernate calls when it has no metadata to give
     * (reading it failed, or the dialect refused it): never returns.
     */
    static org.hibernate.dialect.DatabaseVersion withoutMetadata(boolean mariaDbDialect) {
        String refused = REFUSED.get();
        REFUSED.remove();
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
        throw new IllegalStateException(noVersion(mariaDbDialect));
    }

    /** The {@value #NATIVE_TYPES} setting, default false. */
    static boolean nativeTypes(Map<String, Object> settings) {
        Object value = settings == null ? null : settings.get(NATIVE_TYPES);
        if (value == null) {
            return false;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(NATIVE_TYPES + " must be true or false, was '" + value + "'; true"
                    + " maps UUIDs to MariaDB's uuid type, false (the default) keeps BINARY(16)");
        }
        return text.equals("true");
    }
}
