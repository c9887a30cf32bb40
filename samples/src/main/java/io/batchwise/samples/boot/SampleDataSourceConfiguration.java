package io.batchwise.samples.boot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.samples.ItemTable;
import io.batchwise.samples.SampleDatabase;
import io.batchwise.samples.SampleServer;
import io.batchwise.samples.boot.batch.CounterJobConfiguration;

/**
 * The application's DataSource on the samples' server ({@link SampleServer}: embedded MariaDB unless
 * a URL is given), with the {@code item} table filled on first use, and the Hibernate dialect of the
 * server actually connected.
 */
@Configuration(proxyBeanMethods = false)
public class SampleDataSourceConfiguration {
    /** The application's schema, apart from the other samples'. */
    public static final String SCHEMA = "batchwise_boot";

    /**
     * The pool; creates the schema and the {@code item} table with {@code rows} rows if they differ.
     *
     * @param driver {@code mysql} (MySQL Connector/J, default) or {@code mariadb} (MariaDB Connector/J)
     * @param rows   the rows the {@code item} table should hold
     * @return the pool, closed with the application
     * @throws SQLException if the server cannot be reached
     */
    @Bean
    public HikariDataSource dataSource(@Value("${batchwise.driver:mysql}") String driver,
            @Value("${rows:10000}") long rows) throws SQLException {
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
        HikariConfig config = new HikariConfig();
        config.setPoolName("batchwise-boot");
        config.setJdbcUrl(server.jdbcUrl(jdbcDriver(driver), SCHEMA));
        config.setUsername(server.user());
        config.setPassword(server.password());
        // the counter job's 4 partitions each hold a chunk transaction's connection while their keyset
        // reader borrows another per page (docs/spring-batch.md): 2 per partition, and 2 for the rest
        config.setMaximumPoolSize(2 * CounterJobConfiguration.PARTITIONS + 2);
        return new HikariDataSource(config);
    }

    /**
     * Hibernate's dialect for the server connected (MariaDB or MySQL, its real version), as the other
     * samples configure it ({@link SampleDatabase#hibernateSettings(DataSource)}).
     *
     * @param dataSource the application's pool
     * @return the customizer
     */
    @Bean
    public HibernatePropertiesCustomizer serverDialect(DataSource dataSource) {
        return properties -> properties.putAll(SampleDatabase.hibernateSettings(dataSource));
    }

    private static JdbcDriver jdbcDriver(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "mysql" -> JdbcDriver.MYSQL_CONNECTOR_J;
            case "mariadb" -> JdbcDriver.MARIADB_CONNECTOR_J;
            default -> throw new IllegalArgumentException("batchwise.driver must be mysql or mariadb, was \"" + name
                    + "\"; pass -Dbatchwise.driver=mariadb for MariaDB Connector/J, or leave it unset");
        };
    }
}
