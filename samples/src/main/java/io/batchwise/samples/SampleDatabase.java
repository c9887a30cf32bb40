package io.batchwise.samples;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.hibernate.ServerDialect;

/**
 * The samples' database: the server named by {@code BATCHWISE_JDBC_URL} (or {@code -Dbatchwise.jdbcUrl}),
 * else an embedded MariaDB (see {@link SampleServer}); schema {@code batchwise_samples}; the {@code item}
 * table with the asked number of rows, reused when it already has them.
 */
public final class SampleDatabase implements AutoCloseable {
    public static final String SCHEMA = "batchwise_samples";

    private final SampleServer server;
    private final HikariDataSource dataSource;

    private SampleDatabase(SampleServer server, HikariDataSource dataSource) {
        this.server = server;
        this.dataSource = dataSource;
    }

    /** Connects (starting the embedded server if no URL was given) and makes sure {@code item} has {@code rows} rows. */
    public static SampleDatabase withItems(long rows) throws SQLException {
        SampleServer server = SampleServer.get();
        try (Connection c = server.connect(null)) {
            c.createStatement().execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        try (Connection c = server.connect(SCHEMA)) {
            if (!ItemTable.hasRows(c, "item", rows)) {
                long start = System.nanoTime();
                ItemTable.create(c, "item", rows);
                System.out.printf("created %,d rows in %.1f s%n", rows, (System.nanoTime() - start) / 1e9);
            }
        }
        return new SampleDatabase(server, pool(server, JdbcDriver.MYSQL_CONNECTOR_J));
    }

    /** A pool of two connections to the samples' schema through {@code driver}. */
    static HikariDataSource pool(SampleServer server, JdbcDriver driver) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(driver, SCHEMA));
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public String describe() {
        return server.describe();
    }

    /** A session factory for {@link Item} with the dialect of the connected server. */
    public SessionFactory sessionFactory() {
        return hibernate(dataSource).buildSessionFactory();
    }

    /**
     * Hibernate's configuration for {@link Item} on {@code dataSource}, as an application would write
     * it: the dialect from {@link ServerDialect} (the server's real product and version); and, where
     * the driver cannot answer Hibernate's metadata questions, no metadata at boot.
     *
     * <p>Why the second: MySQL Connector/J answers {@code DatabaseMetaData.getSQLKeywords()} on a
     * server of version 8.0.11 or newer by reading {@code INFORMATION_SCHEMA.KEYWORDS.RESERVED}, a
     * MySQL column that MariaDB's table does not have, and MariaDB 11 reports its own version without
     * the old {@code 5.5.5-} prefix. Hibernate then logs HHH100045 with the
     * {@code SQLSyntaxErrorException} at every start and boots without the metadata anyway; setting
     * {@value AvailableSettings#ALLOW_METADATA_ON_BOOT} to false in exactly that case boots the same
     * way without the warning. A server that answers (MySQL, or MariaDB through its own driver) keeps
     * the metadata.
     */
    public static Configuration hibernate(DataSource dataSource) {
        Configuration configuration = new Configuration().addAnnotatedClass(Item.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
        configuration.getProperties().putAll(hibernateSettings(dataSource));
        return configuration;
    }

    /**
     * The settings {@link #hibernate(DataSource)} adds for the connected server: its dialect, and no
     * boot-time metadata read where the server does not answer it (see above). For other ways of
     * configuring Hibernate, e.g. Spring Boot's {@code HibernatePropertiesCustomizer}.
     */
    public static Map<String, Object> hibernateSettings(DataSource dataSource) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AvailableSettings.DIALECT, ServerDialect.of(dataSource));
        if (!answersKeywordLookup(dataSource)) {
            settings.put(AvailableSettings.ALLOW_METADATA_ON_BOOT, false);
        }
        return settings;
    }

    private static boolean answersKeywordLookup(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            c.getMetaData().getSQLKeywords();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
