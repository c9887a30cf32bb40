package io.batchwise.samples;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.hibernate.ServerDialect;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServer;

/**
 * The samples' database: the server named by {@code BATCHWISE_JDBC_URL} (or {@code -Dbatchwise.jdbcUrl}),
 * else an embedded MariaDB; schema {@code batchwise_samples}; the {@code item} table with the asked
 * number of rows, reused when it already has them.
 */
public final class SampleDatabase implements AutoCloseable {
    public static final String SCHEMA = "batchwise_samples";

    private final MySqlServer server;
    private final HikariDataSource dataSource;

    private SampleDatabase(MySqlServer server, HikariDataSource dataSource) {
        this.server = server;
        this.dataSource = dataSource;
    }

    /** Connects (starting the embedded server if no URL was given) and makes sure {@code item} has {@code rows} rows. */
    public static SampleDatabase withItems(long rows) throws SQLException {
        MySqlServer server = MySqlServer.get();
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
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, SCHEMA, Map.of()));
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(2);
        return new SampleDatabase(server, new HikariDataSource(config));
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public String describe() {
        return server.describe();
    }

    /** A session factory for {@link Item} with the dialect of the connected server. */
    public SessionFactory sessionFactory() {
        Configuration configuration = new Configuration().addAnnotatedClass(Item.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
        configuration.getProperties().put(AvailableSettings.DIALECT, ServerDialect.of(dataSource));
        return configuration.buildSessionFactory();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
